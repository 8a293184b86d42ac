// The conversation's event log as a union on `type`: what each kind of entry holds. The store
// keeps `data` as JSON; these helpers are the one place it is read back as these types (the
// service wrote it, so it is trusted like any other row).
import type { Control, Outcome, Trigger, Verdict } from '@baton/shared';
import type { BotDecision } from '../../bot/provider.js';
import type { Command } from '../../core/conversation.js';
import type { ConversationEventRecord, Store } from '../../store/types.js';

/** Who made a transition happen, as the log and the metrics read it. */
export type TransitionBy =
  | { kind: 'agent'; agentId: string; agentInitiated?: true; outcome?: Outcome; toTeam?: string; toAgentId?: string }
  | { kind: 'bot'; rule: string; evidence: string[] }
  | { kind: 'routing'; agentId: string; reason: string }
  | { kind: 'system'; reason?: string; agentId?: string | null };

export type ConversationEvent =
  | { type: 'transition'; data: { command: Command['type']; from: Control; to: Control; by: TransitionBy; trigger?: Trigger; reason?: string } }
  | { type: 'decision'; data: { decision: BotDecision; inReplyTo: string } }
  | { type: 'ask_person'; data: { messageId: string } }
  | { type: 'routing'; data: { agentId: string; team: string | null; reason: string } }
  | { type: 'queued_estimate'; data: { kind: string | null; seconds: number | null } }
  | { type: 'reply_later'; data: { email: boolean; callBack?: true } }
  | { type: 'voice_mode'; data: { on: boolean } }
  | { type: 'call'; data: { agentId: string; state: 'joined' | 'ended' } }
  | { type: 'reply_emailed'; data: { upToSeq: number } }
  | { type: 'contact_confirmed'; data: { email: string } }
  | { type: 'abandoned'; data: { waitedSeconds: number | null } }
  | { type: 'returned'; data: Record<string, never> }
  | { type: 'csat'; data: { rating: number; hasComment: boolean } }
  | { type: 'note'; data: { id: string; clientId: string; agentId: string; agentName: string; body: string } }
  | { type: 'repeat_mark'; data: { agentId: string; repeated: boolean } }
  | {
      type: 'verdict';
      data: { agentId: string; verdict: Verdict; trigger: string | null; rule: string | null; comment: string | null; correctTrigger?: string };
    };

export type EventType = ConversationEvent['type'];
/** A stored entry of one kind (or of any kind: `Logged`). */
export type LoggedOf<T extends EventType> = Extract<ConversationEvent, { type: T }> & Omit<ConversationEventRecord, 'type' | 'data'>;
export type Logged = { [T in EventType]: LoggedOf<T> }[EventType];

/** Appends an entry to the log (in the caller's transaction when given one). */
export function record(store: Pick<Store, 'recordEvent'>, conversationId: string, event: ConversationEvent, at: string): Promise<void> {
  return store.recordEvent({ conversationId, type: event.type, data: event.data, at });
}

/** The conversation's entries of one kind, oldest first. */
export async function eventsOf<T extends EventType>(store: Pick<Store, 'listEvents'>, conversationId: string, type: T): Promise<LoggedOf<T>[]> {
  return (await store.listEvents(conversationId, type)) as LoggedOf<T>[];
}

/** Every entry of the conversation, oldest first. */
export async function allEvents(store: Pick<Store, 'listEvents'>, conversationId: string): Promise<Logged[]> {
  return (await store.listEvents(conversationId)) as Logged[];
}
