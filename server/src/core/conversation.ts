// The conversation control state machine (pure). Rules: server/src/core/SPEC.md.
// At any time exactly one of bot, queued, agent, closed owns a conversation, and only the
// owner speaks to the visitor. No clocks, no I/O: `at` comes in with every command.
import type { AgentRef, AuthorKind, Control, NoticeKind, Trigger } from '@baton/shared';
import type { CopyCatalog } from './copy.js';
import { DEFAULT_COPY } from './copy.js';

export interface ControlState {
  control: Control;
  agentId: string | null;
  agentName: string | null;
  queuedAt: string | null;
}

export type Command =
  | { type: 'escalate'; trigger: Trigger; reason: string; at: string }
  | { type: 'claim'; agent: AgentRef; at: string }
  | { type: 'handBack'; agentId: string; at: string }
  | { type: 'resolve'; by: { kind: 'agent'; agentId: string } | { kind: 'system' }; at: string }
  /** `since`: when the visitor first joined the line; they go back to that place, not to the end. */
  | { type: 'requeue'; reason: string; at: string; since?: string | null }
  | { type: 'transfer'; fromAgentId: string; to: AgentRef; at: string };

export type Effect =
  | { type: 'notice'; notice: NoticeKind; body: string }
  /**
   * The site's queue changed, or an agent's slot freed up: waiting visitors get their place in
   * line and estimate again, and auto-assign gets its chance.
   */
  | { type: 'queueChanged' };

export type TransitionError = {
  code: 'already_claimed' | 'not_in_control' | 'conversation_closed' | 'bad_request';
  message: string;
  details?: Record<string, unknown>;
};

export type TransitionResult =
  | { ok: true; state: ControlState; effects: Effect[] }
  | { ok: false; error: TransitionError };

export const INITIAL_STATE: ControlState = { control: 'bot', agentId: null, agentName: null, queuedAt: null };

function refuse(code: TransitionError['code'], message: string, details?: Record<string, unknown>): TransitionResult {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** [CV1]–[CV9] in SPEC.md. */
export function transition(
  state: ControlState,
  command: Command,
  copy: CopyCatalog = DEFAULT_COPY,
  siteName = 'our team',
): TransitionResult {
  if (state.control === 'closed') return refuse('conversation_closed', 'This conversation is resolved.');

  switch (command.type) {
    case 'escalate': {
      // [CV2] only the bot escalates; a queued or agent-held conversation is already with people.
      if (state.control !== 'bot') return refuse('bad_request', `Cannot escalate a conversation that is ${state.control}.`);
      return {
        ok: true,
        state: { control: 'queued', agentId: null, agentName: null, queuedAt: command.at },
        effects: [{ type: 'queueChanged' }],
      };
    }
    case 'claim': {
      // [CV3] exactly one agent holds a conversation; the second claim names the first.
      if (state.control === 'agent') {
        if (state.agentId === command.agent.id) return refuse('bad_request', 'You already hold this conversation.');
        return refuse('already_claimed', `${state.agentName ?? 'Another agent'} already took this conversation.`, {
          agentName: state.agentName,
        });
      }
      const wasQueued = state.control === 'queued';
      return {
        ok: true,
        state: { control: 'agent', agentId: command.agent.id, agentName: command.agent.name, queuedAt: null },
        effects: [
          { type: 'notice', notice: 'agent_joined', body: copy.agentJoined(command.agent.name, siteName) },
          ...(wasQueued ? [{ type: 'queueChanged' } as const] : []),
        ],
      };
    }
    case 'handBack': {
      // [CV4] only the agent in control hands back.
      if (state.control !== 'agent' || state.agentId !== command.agentId) {
        return refuse('not_in_control', 'Only the agent in control can hand this conversation back.');
      }
      return {
        ok: true,
        state: { control: 'bot', agentId: null, agentName: null, queuedAt: null },
        // The agent's slot is free again: the estimates of those waiting change.
        effects: [{ type: 'notice', notice: 'handed_back', body: copy.handedBack() }, { type: 'queueChanged' }],
      };
    }
    case 'resolve': {
      // [CV5] an agent resolves what they hold or what waits in the queue; the system resolves anything open.
      if (command.by.kind === 'agent') {
        const holds = state.control === 'agent' && state.agentId === command.by.agentId;
        if (!holds && state.control !== 'queued') {
          return refuse('not_in_control', 'Take over the conversation before resolving it.');
        }
      }
      return {
        ok: true,
        state: { control: 'closed', agentId: state.agentId, agentName: state.agentName, queuedAt: null },
        effects: [
          { type: 'notice', notice: 'resolved', body: copy.resolved() },
          // Out of the line, or an agent's slot freed up.
          ...(state.control === 'queued' || state.control === 'agent' ? [{ type: 'queueChanged' } as const] : []),
        ],
      };
    }
    case 'transfer': {
      // [CV10] only the agent in control transfers, and only to someone else.
      if (state.control !== 'agent' || state.agentId !== command.fromAgentId) {
        return refuse('not_in_control', 'Only the agent in control can transfer this conversation.');
      }
      if (command.to.id === command.fromAgentId) return refuse('bad_request', 'You already hold this conversation.');
      return {
        ok: true,
        state: { control: 'agent', agentId: command.to.id, agentName: command.to.name, queuedAt: null },
        effects: [{ type: 'notice', notice: 'transferred', body: copy.transferred(command.to.name) }],
      };
    }
    case 'requeue': {
      // [CV6] a conversation goes back to the queue only from an agent, to the place it had.
      if (state.control !== 'agent') return refuse('bad_request', `Cannot requeue a conversation that is ${state.control}.`);
      const since = command.since && command.since < command.at ? command.since : command.at;
      return {
        ok: true,
        state: { control: 'queued', agentId: null, agentName: null, queuedAt: since },
        effects: [
          {
            type: 'notice',
            notice: command.reason.startsWith('team:') ? 'transferred' : 'requeued',
            body: command.reason === 'agent_silent' ? copy.requeuedSilent() : command.reason.startsWith('team:') ? copy.transferredToTeam(command.reason.slice(5)) : copy.requeued(),
          },
          { type: 'queueChanged' },
        ],
      };
    }
  }
}

/** [CV7] only the controller speaks to the visitor. */
export function mayAuthorSpeak(state: ControlState, author: { kind: AuthorKind; id?: string }): boolean {
  switch (author.kind) {
    case 'visitor':
      return state.control !== 'closed';
    case 'bot':
      return state.control === 'bot';
    case 'agent':
      return state.control === 'agent' && state.agentId === author.id;
    case 'system':
      return true;
  }
}

/** [CV8] control-state invariants; a property test checks they survive any command sequence. */
export function checkInvariants(state: ControlState): string[] {
  const problems: string[] = [];
  if (state.control === 'agent' && (!state.agentId || !state.agentName)) problems.push('agent control without an agent');
  if ((state.control === 'bot' || state.control === 'queued') && state.agentId) problems.push(`${state.control} with an agent`);
  if (state.control === 'queued' && !state.queuedAt) problems.push('queued without queuedAt');
  if (state.control !== 'queued' && state.queuedAt) problems.push(`${state.control} with queuedAt`);
  return problems;
}

/** The one answer to "is this conversation still open?": it exists and is not closed. */
export function conversationOpen<C extends { control: Control }>(c: C | null | undefined): c is C {
  return !!c && c.control !== 'closed';
}
