// The conversations behind a number of the report. The report's answer carries at most
// REPORT_IDS_CAP of them per number (the counts stay exact); the rest are read page by page by
// the number's path in the report, e.g. `verdicts.byTrigger.visitor_request.too_late`. Pure.
import type { HandoffReport } from '@baton/shared';

/** Ids per number in the report's answer: a 100,000-conversation range stays a small answer. */
export const REPORT_IDS_CAP = 200;

/** Every `ids` list cut to `cap`; everything else (counts, `n`, rates) as it was. */
export function capIds<T>(value: T, cap = REPORT_IDS_CAP): T {
  if (Array.isArray(value)) return value.map((v) => capIds(v, cap)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'ids' && Array.isArray(v) ? v.slice(0, cap) : capIds(v, cap)]),
  ) as T;
}

// The numbers with conversations behind them, as path patterns: `*` is any key (a team, an hour,
// an intent, a trigger, a day), `a|b` one of those names. Lists (intents, daily) are addressed by
// their entry's name. Anything else is not a number of the report.
const VERDICT = 'right|too_early|too_late|wrong_reason';
const TIMING = 'firstReplySeconds|claimSeconds';
const OUTCOME = 'rated|resolved|converted';
const DRILLABLE = [
  'escalated',
  `timeToHuman.${TIMING}`,
  `timeToHuman.byTeam.*.${TIMING}`,
  `timeToHuman.byHour.*.${TIMING}`,
  'repetition.detected|confirmed|withoutRepetition',
  'intents.*',
  'intents.*.triggers.*',
  'helped.botOnly|escalated',
  `helped.botOnly|escalated.${OUTCOME}`,
  'helped.byTrigger.*',
  `helped.byTrigger.*.${OUTCOME}`,
  `verdicts.byVerdict.${VERDICT}`,
  `verdicts.byTrigger.*.${VERDICT}`,
  `verdicts.byIntent.*.${VERDICT}`,
  'botResolution.resolved',
  'abandonment.abandoned',
  'waitEstimate',
  'daily.*.conversations|escalated',
].map((p) => p.split('.').map((segment) => (segment === '*' ? null : new Set(segment.split('|')))));
const LIST_KEYS: Record<string, string> = { intents: 'intent', daily: 'day' };

/** A key as one segment of a path: `~` is written `~0` and `.` is `~1` (as in a JSON Pointer). */
export const pathSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('.', '~1');
const keyOf = (segment: string) => segment.replaceAll('~1', '.').replaceAll('~0', '~');

/**
 * Every conversation behind the number at `path`, or null when the path names no number of the
 * report. A number nobody reached (a trigger without verdicts, a quiet day) has none.
 */
export function idsAt(report: HandoffReport, path: string): string[] | null {
  const keys = path.split('.').map(keyOf);
  if (!DRILLABLE.some((p) => p.length === keys.length && p.every((names, i) => names === null || names.has(keys[i]!)))) return null;
  let node: unknown = report;
  for (const [i, key] of keys.entries()) {
    const parent = i > 0 ? keys[i - 1]! : '';
    if (Array.isArray(node)) node = node.find((entry: Record<string, unknown>) => entry[LIST_KEYS[parent] ?? ''] === key);
    else if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
    else return [];
    if (node === undefined) return [];
  }
  const ids = (node as { ids?: unknown }).ids;
  return Array.isArray(ids) ? (ids as string[]) : [];
}

