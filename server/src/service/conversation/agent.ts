// What an agent does with a conversation: lists the queue, opens one, claims, replies, hands back,
// resolves, transfers, judges the escalation, takes notes.
import { type AgentRef, type Author, BatonError, type ConversationSummary, LIMITS, type Message, type Note, type Outcome, type Verdict, type VisitorPanel } from '@baton/shared';
import { mayAuthorSpeak } from '../../core/conversation.js';
import { queueOrder } from '../../core/routing.js';
import type { AgentRecord, ConversationRecord } from '../../store/types.js';
import type { InspectedFile } from '../attachments.js';
import { agentView } from '../views.js';
import { decisionNote } from './bot.js';
import { type Ctx, latestFrom, now, stateOf } from './context.js';
import { eventsOf, type LoggedOf, record, type TransitionBy } from './events.js';
import { appendWritten, present, type Written } from './messages.js';
import { visitorViewOf } from './queue.js';
import { apply } from './transitions.js';

type NoteData = LoggedOf<'note'>['data'];

/** How many conversations still with the bot the agents' list carries (the latest active). */
const QUEUE_BOT_ROWS = 100;

/** The conversation, if it is of the agent's site. */
export async function agentConversation(ctx: Ctx, agent: AgentRecord, conversationId: string): Promise<ConversationRecord> {
  const conversation = await ctx.store.getConversation(conversationId);
  // Another site's conversation answers exactly like a missing one: ids cannot be probed.
  if (!conversation || conversation.siteId !== agent.siteId) throw new BatonError('not_found', 'No such conversation.');
  return conversation;
}

export async function queue(ctx: Ctx, agent: AgentRecord): Promise<ConversationSummary[]> {
  const { store } = ctx;
  // Everyone waiting and everything held, however many conversations sit with the bot; of
  // those, the ones that moved last.
  const [people, withBot] = await Promise.all([
    store.listConversations(agent.siteId, ['queued', 'agent']),
    store.listConversations(agent.siteId, ['bot'], QUEUE_BOT_ROWS, 'recent'),
  ]);
  const rows = [...people, ...withBot];
  // Waiting first (urgent first, then longest waiting; those who left last), then held, then with the bot.
  const order = { queued: 0, agent: 1, bot: 2, closed: 3 } as const;
  rows.sort((a, b) => order[a.control] - order[b.control] || Number(!!a.abandonedAt) - Number(!!b.abandonedAt) || queueOrder(a, b));
  return Promise.all(rows.map((c) => agentView(store, c)));
}

/** `watch`: subscribes the caller to the conversation's live events, once it may see it and before the read. */
export async function open(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; afterSeq?: number }, watch?: () => Promise<void>) {
  const { store } = ctx;
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  await watch?.();
  const messages = (await store.listMessages(conversation.id, latestFrom(conversation, input.afterSeq ?? 0), LIMITS.resumeBatchMax)).map((m) => present(ctx, m));
  const decisions = (await eventsOf(store, conversation.id, 'decision')).map((e) => decisionNote(conversation.id, e.data.inReplyTo, e.data.decision, e.at));
  const notes = (await eventsOf(store, conversation.id, 'note')).map((e) => noteOf(conversation.id, e.data, e.at));
  await store.recordAudit({ siteId: agent.siteId, actorId: agent.id, action: 'conversation.viewed', target: conversation.id, data: {}, at: now(ctx) });
  return { conversation: await agentView(store, conversation), messages, decisions, notes, visitor: await visitorPanel(ctx, conversation) };
}

async function visitorPanel(ctx: Ctx, conversation: ConversationRecord): Promise<VisitorPanel> {
  const { store } = ctx;
  const visitor = await store.getVisitor(conversation.visitorId);
  const earlier = (await store.visitorConversations(conversation.visitorId, 11)).filter((c) => c.id !== conversation.id).slice(0, 10);
  return {
    context: visitor?.context ?? null,
    profile: visitor?.profile ?? null,
    earlier: earlier.map((c) => ({
      id: c.id,
      createdAt: c.createdAt,
      control: c.control,
      outcome: (c.outcome as Outcome | null) ?? null,
      summary: c.handoff?.summary ?? null,
    })),
  };
}

export async function claim(ctx: Ctx, agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
  const conversation = await agentConversation(ctx, agent, conversationId);
  const ref: AgentRef = { id: agent.id, name: agent.name };
  // Taking over from the bot before it escalated is an agent-initiated escalation (for the metrics).
  const by: TransitionBy = { kind: 'agent', agentId: agent.id, ...(conversation.control === 'bot' ? { agentInitiated: true as const } : {}) };
  const updated = await apply(ctx, conversation, { type: 'claim', agent: ref, at: now(ctx) }, {}, by);
  return agentView(ctx.store, updated);
}

export async function agentSend(ctx: Ctx, agent: AgentRecord, input: Written & { conversationId: string }): Promise<Message> {
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  const author: Author = { kind: 'agent', id: agent.id, name: agent.name };
  if (!mayAuthorSpeak(stateOf(conversation), author)) {
    if (conversation.control === 'closed') throw new BatonError('conversation_closed', 'This conversation is resolved.');
    throw new BatonError('not_in_control', 'Take over the conversation before replying.');
  }
  const { message, created } = await appendWritten(ctx, conversation, author, input, now(ctx));
  // The silence timer is not cancelled here (a write per reply): when it fires it sees this
  // answer, and follows any visitor message after it (agentSilent).
  if (created && conversation.contactEmail && !(await ctx.presence.visitorConnected(conversation.visitorId))) {
    // Replies to a visitor who is away are collected and sent in one email.
    await ctx.timers.schedule(`reply-email:${conversation.id}`, 'reply_email', new Date(ctx.clock().getTime() + ctx.timing.replyEmailDelayMs), {
      conversationId: conversation.id,
    });
  }
  return present(ctx, message);
}

export async function handBack(ctx: Ctx, agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
  const conversation = await agentConversation(ctx, agent, conversationId);
  const updated = await apply(ctx, conversation, { type: 'handBack', agentId: agent.id, at: now(ctx) }, {}, { kind: 'agent', agentId: agent.id });
  return agentView(ctx.store, updated);
}

export async function resolve(ctx: Ctx, agent: AgentRecord, conversationId: string, outcome: Outcome = 'solved'): Promise<ConversationSummary> {
  const conversation = await agentConversation(ctx, agent, conversationId);
  const updated = await apply(ctx, conversation, { type: 'resolve', by: { kind: 'agent', agentId: agent.id }, at: now(ctx) }, { outcome }, { kind: 'agent', agentId: agent.id, outcome });
  return agentView(ctx.store, updated);
}

export async function transfer(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; toAgentId?: string; toTeam?: string; note?: string }): Promise<ConversationSummary> {
  const { store } = ctx;
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  const note = input.note?.trim();
  if (input.toTeam) {
    // Back to the queue for that team, ahead of ordinary cases; the visitor is told why.
    if (conversation.control !== 'agent' || conversation.agentId !== agent.id) {
      throw new BatonError('not_in_control', 'Only the agent in control can transfer this conversation.');
    }
    await ctx.timers.cancel(`silent:${conversation.id}`);
    const updated = await apply(
      ctx,
      conversation,
      { type: 'requeue', reason: `team:${input.toTeam}`, at: now(ctx) },
      { team: input.toTeam, priority: Math.max(conversation.priority, 1) },
      { kind: 'agent', agentId: agent.id, toTeam: input.toTeam },
    );
    await addNote(ctx, agent, { conversationId: conversation.id, clientId: `transfer-${ctx.newId('n')}`, body: `Transferred to the ${input.toTeam} team${note ? `: ${note}` : '.'}` });
    return agentView(store, updated);
  }
  const target = input.toAgentId ? await store.getAgent(input.toAgentId) : null;
  if (!target || target.siteId !== agent.siteId || !target.active) throw new BatonError('not_found', 'No such agent.');
  const connected = await ctx.presence.connectedAgents(agent.siteId);
  if (!connected.has(target.id) || target.presence === 'offline') {
    throw new BatonError('bad_request', `${target.name} is offline; choose someone who is online.`, { agentName: target.name });
  }
  const updated = await apply(
    ctx,
    conversation,
    { type: 'transfer', fromAgentId: agent.id, to: { id: target.id, name: target.name }, at: now(ctx) },
    {},
    { kind: 'agent', agentId: agent.id, toAgentId: target.id },
  );
  await addNote(ctx, agent, { conversationId: conversation.id, clientId: `transfer-${ctx.newId('n')}`, body: `Transferred to ${target.name}${note ? `: ${note}` : '.'}` });
  return agentView(store, updated);
}

/** The agents' judgement of the escalation; the latest one counts, every one is kept in the log. */
export async function verdict(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; verdict: Verdict; comment?: string; correctTrigger?: string }): Promise<ConversationSummary> {
  const { store } = ctx;
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  if (!conversation.handoff && (await eventsOf(store, conversation.id, 'transition')).every((e) => e.data.to !== 'queued' && !(e.data.by?.kind === 'agent' && e.data.by.agentInitiated))) {
    throw new BatonError('bad_request', 'This conversation was never escalated.');
  }
  const at = now(ctx);
  const updated = await store.updateConversation(conversation.id, { control: ['bot', 'queued', 'agent', 'closed'] }, { verdict: input.verdict, updatedAt: at });
  if (!updated) throw new BatonError('not_found', 'No such conversation.');
  await record(store, conversation.id, {
    type: 'verdict',
    data: {
      agentId: agent.id,
      verdict: input.verdict,
      trigger: conversation.trigger,
      rule: conversation.handoff?.rule ?? null,
      comment: input.comment?.trim() || null,
      ...(input.verdict === 'wrong_reason' && input.correctTrigger ? { correctTrigger: input.correctTrigger } : {}),
    },
  }, at);
  const view = await agentView(store, updated);
  ctx.notifier.toSiteAgents(updated.siteId, 'conversation:updated', view);
  return view;
}

/** "The customer had to repeat": confirms (or clears) repetition for the metrics. */
export async function markRepeated(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; repeated: boolean }): Promise<ConversationSummary> {
  const { store } = ctx;
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  const at = now(ctx);
  await record(store, conversation.id, { type: 'repeat_mark', data: { agentId: agent.id, repeated: input.repeated } }, at);
  // After the event, never before: the metrics rollup keys each summary on updated_at.
  const updated = (await store.updateConversation(conversation.id, { control: ['bot', 'queued', 'agent', 'closed'] }, { updatedAt: at, repeated: input.repeated })) ?? conversation;
  const view = await agentView(store, updated);
  ctx.notifier.toSiteAgents(conversation.siteId, 'conversation:updated', view);
  return view;
}

/** Internal notes live in the event log, not in the message sequence: they can never reach the visitor. */
export async function addNote(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; clientId: string; body: string }): Promise<Note> {
  const { store } = ctx;
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  const existing = (await eventsOf(store, conversation.id, 'note')).find((e) => e.data.clientId === input.clientId && e.data.agentId === agent.id);
  if (existing) return noteOf(conversation.id, existing.data, existing.at);
  const at = now(ctx);
  const data = { id: ctx.newId('note'), clientId: input.clientId, agentId: agent.id, agentName: agent.name, body: input.body };
  await record(store, conversation.id, { type: 'note', data }, at);
  const note = noteOf(conversation.id, data, at);
  ctx.notifier.toWatchers(conversation.id, 'note:new', note);
  return note;
}

/** Read receipts: only the agent holding the conversation marks it read. */
export async function markRead(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; seq: number }) {
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  if (conversation.control !== 'agent' || conversation.agentId !== agent.id) {
    throw new BatonError('not_in_control', 'Only the agent in the conversation marks it read.');
  }
  const seq = Math.min(input.seq, conversation.lastSeq);
  if (seq <= conversation.agentReadSeq) return;
  const updated = await ctx.store.markRead(conversation.id, seq, now(ctx));
  if (updated) ctx.notifier.toVisitor(updated.visitorId, 'conversation:updated', await visitorViewOf(ctx, updated));
}

export async function agentTyping(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; typing: boolean }) {
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  if (conversation.control === 'agent' && conversation.agentId === agent.id) {
    ctx.notifier.toVisitor(conversation.visitorId, 'typing', { conversationId: conversation.id, name: agent.name, typing: input.typing });
  }
}

function noteOf(conversationId: string, data: NoteData, at: string): Note {
  return { id: data.id, conversationId, author: { id: data.agentId, name: data.agentName }, body: data.body, createdAt: at };
}
