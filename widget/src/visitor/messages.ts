// Pure helpers for the visitor's transcript and outbox: merge without duplicates, keep order,
// and never drop a message the server has not acknowledged.
import type { Message } from '@baton/shared';
import type { ListedMessage } from '../ui/MessageList.js';
import { resumeAfter } from '../ui/resume.js';

export interface OutboxItem {
  clientId: string;
  body: string;
  createdAt: string;
  /** Sent by the "Talk to a person" button (kept through retries). */
  askPerson?: true;
  /** Set when the server refused it for good (e.g. too long); it stays visible, not resent. */
  failed?: string;
}

/** Adds server messages, dropping duplicates by id, ordered by time then seq. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) =>
    a.conversationId === b.conversationId ? a.seq - b.seq : a.createdAt.localeCompare(b.createdAt),
  );
}

/** The transcript as shown: stored messages, then what is still in the outbox. */
export function visibleMessages(messages: Message[], outbox: OutboxItem[]): ListedMessage[] {
  const stored = new Set(messages.filter((m) => m.author.kind === 'visitor').map((m) => m.clientId));
  const pending: ListedMessage[] = outbox
    .filter((o) => !stored.has(o.clientId))
    .map((o) => ({
      id: `pending-${o.clientId}`,
      conversationId: '',
      seq: Number.MAX_SAFE_INTEGER,
      clientId: o.clientId,
      author: { kind: 'visitor' },
      body: o.body,
      createdAt: o.createdAt,
      pending: true,
      ...(o.failed ? { failed: o.failed } : {}),
    }));
  return [...messages, ...pending];
}

/** The outbox after the server stored these messages. */
export function settleOutbox(outbox: OutboxItem[], stored: Message[]): OutboxItem[] {
  const done = new Set(stored.map((m) => m.clientId));
  return outbox.filter((o) => !done.has(o.clientId));
}

/** The highest seq we hold of a conversation: resume asks for everything after it. */
/** The seq to resume the conversation after (see ui/resume.ts: never beyond a message still on its way). */
export function lastSeq(messages: Message[], conversationId: string | null): number {
  if (!conversationId) return 0;
  return resumeAfter(messages.filter((m) => m.conversationId === conversationId).map((m) => m.seq));
}

export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `v_${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`;
}
