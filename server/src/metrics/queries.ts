// Loading the facts the metrics are computed from: one site, one date range.
import { BatonError } from '@baton/shared';
import type { Store } from '../store/types.js';
import { type Summary, summaries } from './handoff.js';

/** The most conversations one report reads; a wider range must be narrowed (the answer says so). */
export const MAX_REPORT_CONVERSATIONS = 200_000;

const EVENT_TYPES = ['transition', 'decision', 'verdict', 'repeat_mark', 'queued_estimate', 'abandoned'];

/**
 * The summaries a report is computed from. Closed conversations keep theirs in the rollup
 * (conversation_facts, keyed on the conversation's updated_at); the rest — open ones, and closed
 * ones changed or never summarized — are derived from their events and messages now, and the
 * closed among them saved for next time. A page over 30 days of a big site then reads one row
 * per conversation instead of its whole log.
 */
export async function loadSummaries(store: Store, siteId: string, from: string, to: string, options: { closedOnly?: boolean } = {}): Promise<Summary[]> {
  const read = await store.metricSummariesBetween(siteId, from, to, MAX_REPORT_CONVERSATIONS + 1, decodeSummary);
  const { cached } = read;
  if (cached.length + read.missing.length > MAX_REPORT_CONVERSATIONS) {
    throw new BatonError('bad_request', `More than ${MAX_REPORT_CONVERSATIONS} conversations in this range; choose a shorter one.`);
  }
  // closedOnly (the background refresh): open conversations are never saved, so deriving them
  // would only read every open conversation's whole log for nothing, on a busy site every time.
  const missing = options.closedOnly ? read.missing.filter((c) => c.control === 'closed') : read.missing;
  let fresh: Summary[] = [];
  if (missing.length) {
    const ids = missing.map((c) => c.id);
    // Messages matter only once a conversation reached people (claimed_at is never cleared).
    const handedOff = missing.filter((c) => c.claimedAt !== null || c.queuedAt !== null).map((c) => c.id);
    const [events, messages] = await Promise.all([store.eventsOf(ids, EVENT_TYPES), handedOff.length ? store.messagesOf(handedOff, ['visitor', 'agent']) : []]);
    fresh = summaries({ conversations: missing, events, messages });
    const updatedAt = new Map(missing.map((c) => [c.id, c.updatedAt]));
    await store.saveMetricSummaries(
      fresh
        .filter((s) => s.control === 'closed')
        .map((summary) => ({ conversationId: summary.id, siteId, sourceUpdatedAt: updatedAt.get(summary.id)!, data: encodeSummary(summary) })),
    );
  }
  const kept = cached.map((c) => {
    c.data.id = c.id;
    c.data.visitorId = c.visitorId;
    return c.data;
  });
  if (fresh.length === 0) return kept; // already in creation order
  const byTime = (a: Summary, b: Summary) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...kept, ...fresh].sort(byTime);
}

// The rollup's row format: the summary's values in this order behind a format number, without
// the keys (a third of the size, read much faster on a big site), and without the conversation's
// id and visitor (the row is keyed on the one and anonymous). A stored row of another format
// reads as missing and is derived again. Adding a field to Summary fails to compile until it is
// listed here; then bump SUMMARY_FORMAT.
const SUMMARY_FORMAT = 3;
const SUMMARY_FIELDS = [
  'escalatedAt',
  'agentInitiated',
  'trigger',
  'intent',
  'team',
  'claimedAt',
  'firstAgentReplyAt',
  'verdict',
  'repeatMark',
  'estimateSeconds',
  'waitedSeconds',
  'createdAt',
  'control',
  'outcome',
  'csatRating',
  'queuedNow',
  'abandoned',
  'handoffTrigger',
  'repetitionDetected',
  'lastDecisionMode',
  'replyLater',
] as const satisfies ReadonlyArray<keyof Summary>;
type Stored = Omit<Summary, 'id' | 'visitorId'>;
const allListed: [Exclude<keyof Stored, (typeof SUMMARY_FIELDS)[number]>] extends [never] ? true : false = true;
void allListed;

export function encodeSummary(summary: Summary): unknown[] {
  return [SUMMARY_FORMAT, ...SUMMARY_FIELDS.map((field) => summary[field])];
}

export function decodeSummary(data: unknown): Summary | null {
  if (!Array.isArray(data) || data[0] !== SUMMARY_FORMAT || data.length !== SUMMARY_FIELDS.length + 1) return null;
  // One literal, in SUMMARY_FIELDS' order, so every summary has the same shape (fast to read).
  const [, escalatedAt, agentInitiated, trigger, intent, team, claimedAt, firstAgentReplyAt, verdict, repeatMark, estimateSeconds, waitedSeconds] = data;
  const [createdAt, control, outcome, csatRating, queuedNow, abandoned, handoffTrigger, repetitionDetected, lastDecisionMode, replyLater] = data.slice(12);
  return {
    id: '',
    visitorId: '',
    escalatedAt,
    agentInitiated,
    trigger,
    intent,
    team,
    claimedAt,
    firstAgentReplyAt,
    verdict,
    repeatMark,
    estimateSeconds,
    waitedSeconds,
    createdAt,
    control,
    outcome,
    csatRating,
    queuedNow,
    abandoned,
    handoffTrigger,
    repetitionDetected,
    lastDecisionMode,
    replyLater,
  };
}

/** How far back the background refresh keeps the rollup filled: the analytics page's default range. */
export const ROLLUP_DAYS = 30;

/**
 * Job: keep the rollup filled for every site's recent conversations, so nobody waits for the
 * first report of the day. Cheap when there is nothing new (one read per site).
 */
export async function refreshRollup(store: Store, now: Date, onSiteError: (siteId: string, err: unknown) => void): Promise<number> {
  let summarized = 0;
  for (const site of await store.listSites()) {
    const from = new Date(now.getTime() - ROLLUP_DAYS * 86_400_000).toISOString();
    const to = new Date(now.getTime() + 86_400_000).toISOString();
    summarized += await loadSummaries(store, site.id, from, to, { closedOnly: true }).then(
      (list) => list.length,
      (err) => {
        onSiteError(site.id, err);
        return 0;
      },
    );
  }
  return summarized;
}
