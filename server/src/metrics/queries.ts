// Loading the facts the metrics are computed from: one site, one date range.
import { BatonError } from '@baton/shared';
import type { Store } from '../store/types.js';
import type { Facts } from './handoff.js';

/** The most conversations one report reads; a wider range must be narrowed (the answer says so). */
export const MAX_REPORT_CONVERSATIONS = 50_000;

export async function loadFacts(store: Store, siteId: string, from: string, to: string): Promise<Facts> {
  const conversations = await store.conversationsBetween(siteId, from, to, MAX_REPORT_CONVERSATIONS + 1);
  if (conversations.length > MAX_REPORT_CONVERSATIONS) {
    throw new BatonError('bad_request', `More than ${MAX_REPORT_CONVERSATIONS} conversations in this range; choose a shorter one.`);
  }
  const ids = conversations.map((c) => c.id);
  const [events, messages] = await Promise.all([
    store.eventsOf(ids, ['transition', 'decision', 'verdict', 'repeat_mark', 'queued_estimate', 'abandoned']),
    store.messagesOf(ids),
  ]);
  return { conversations, events, messages };
}
