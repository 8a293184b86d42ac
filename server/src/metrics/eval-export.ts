// Closing the loop: a conversation an agent judged "too early", "too late" or "wrong reason"
// becomes a labelled case for `pnpm eval:policy`, so the wrong escalation is a regression test
// for the playbook. Pure.
import type { Message, Trigger } from '@baton/shared';
import { BatonError } from '@baton/shared';
import type { EvalCase } from '../bot/eval.js';
import type { ConversationEventRecord } from '../store/types.js';

export interface ExportInput {
  conversationId: string;
  messages: Message[];
  events: ConversationEventRecord[];
  /** For "wrong reason": the trigger the agent says was right. */
  correctTrigger?: Trigger;
}

/** The case, with the visitor's turns up to the bot's (first) escalation and the label the agent gave. */
export function evalCaseFrom(input: ExportInput): EvalCase {
  const verdictEvent = input.events.filter((e) => e.type === 'verdict').at(-1);
  const verdict = verdictEvent?.data.verdict as string | undefined;
  if (!verdict || verdict === 'right') throw new BatonError('bad_request', 'Only conversations judged too early, too late or for the wrong reason are exported.');
  const visitorTurns = input.messages.filter((m) => m.author.kind === 'visitor');
  const escalation = input.events.find((e) => e.type === 'decision' && (e.data.decision as { mode?: string })?.mode === 'escalate');
  const takeover = input.events.find((e) => e.type === 'transition' && e.data.from === 'bot' && e.data.to === 'agent');
  // The visitor turn the escalation answered (or the last one before an agent took over early).
  let at: number;
  let trigger: Trigger | undefined;
  if (escalation) {
    at = visitorTurns.findIndex((m) => m.id === escalation.data.inReplyTo);
    trigger = (escalation.data.decision as { trigger?: Trigger }).trigger;
  } else if (takeover) {
    at = visitorTurns.filter((m) => m.createdAt <= takeover.at).length - 1;
  } else {
    throw new BatonError('bad_request', 'The bot never escalated this conversation.');
  }
  if (at < 0) throw new BatonError('bad_request', 'The escalation does not match a visitor message.');
  const turns = visitorTurns.slice(0, at + 1).map((m) => m.body);
  const base = { id: `agent-${verdict}-${input.conversationId}`, note: `Exported from conversation ${input.conversationId}: an agent judged the escalation ${verdict.replace('_', ' ')}.` };
  switch (verdict) {
    case 'too_early':
      // The bot should not have handed over on these turns.
      return { ...base, turns, escalateAt: null };
    case 'too_late':
      if (!escalation) return { ...base, turns, escalateAt: at, ...(trigger ? { trigger } : {}) };
      if (at === 0) throw new BatonError('bad_request', 'The bot escalated on the first message; it cannot have been later than that.');
      return { ...base, turns, escalateAt: at - 1, ...(trigger ? { trigger } : {}) };
    case 'wrong_reason': {
      const correct = input.correctTrigger ?? (verdictEvent?.data.correctTrigger as Trigger | undefined);
      if (!correct) throw new BatonError('bad_request', 'Say which trigger would have been right (trigger=…).');
      if (correct === trigger) throw new BatonError('bad_request', 'That is the trigger the bot used.');
      return { ...base, turns, escalateAt: at, trigger: correct };
    }
    default:
      throw new BatonError('bad_request', `Unknown verdict ${verdict}.`);
  }
}
