// The handoff-quality report over HTTP, alike for admins (the analytics page) and for site owners'
// API keys: the query (date range and filters), the report with at most REPORT_IDS_CAP
// conversations per number, and every conversation behind one number, page by page.
import { BatonError, type DrillRow } from '@baton/shared';
import { z } from 'zod';
import { capIds, idsAt } from '../metrics/drill.js';
import { type HandoffReport, type MetricsFilter, reportOf } from '../metrics/handoff.js';
import { loadSummaries } from '../metrics/queries.js';
import type { Store } from '../store/types.js';
import { Day, dayRange, parseInput } from './input.js';

export const TriggerName = z.enum(['accuracy_risk', 'emotional_urgency', 'workflow_failure', 'high_value_intent', 'visitor_request', 'agent_initiated']);

export const MetricsQuery = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    team: z.string().max(40).optional(),
    intent: z.string().max(80).optional(),
    trigger: TriggerName.optional(),
  })
  .strict();

export const DrillQuery = MetricsQuery.extend({
  metric: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^.]+(\.[^.]+)*$/, 'a number of the report by its path, such as verdicts.byTrigger.visitor_request.too_late'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict();

const filterOf = (q: z.infer<typeof MetricsQuery>): MetricsFilter => ({
  ...(q.team ? { team: q.team } : {}),
  ...(q.intent ? { intent: q.intent } : {}),
  ...(q.trigger ? { trigger: q.trigger } : {}),
});

export function metricsApi(store: Store, clock: () => Date) {
  async function computed(siteId: string, q: z.infer<typeof MetricsQuery>) {
    const range = dayRange(clock(), q.from, q.to);
    const filter = filterOf(q);
    const summaries = await loadSummaries(store, siteId, range.from, range.to);
    return { range, filter, summaries, report: reportOf(summaries, filter) };
  }
  return {
    /** The report; the conversations beyond the cap through `conversations`. */
    async report(siteId: string, query: unknown): Promise<{ range: { from: string; to: string }; filter: MetricsFilter; report: HandoffReport }> {
      const { range, filter, report } = await computed(siteId, parseInput(MetricsQuery, query));
      return { range, filter, report: capIds(report) };
    },
    /** Every conversation behind one number of the report (same range and filters). */
    async conversations(siteId: string, query: unknown): Promise<{ total: number; offset: number; ids: string[]; conversations: DrillRow[] }> {
      const q = parseInput(DrillQuery, query);
      const { report, summaries } = await computed(siteId, q);
      const ids = idsAt(report, q.metric);
      if (!ids) throw new BatonError('bad_request', `metric: the report has no number ${q.metric} (a path such as verdicts.byTrigger.visitor_request.too_late).`);
      const page = ids.slice(q.offset, q.offset + q.limit);
      // What a list shows of each one, read off its metrics summary: no other read.
      const byId = new Map(summaries.map((s) => [s.id, s]));
      const conversations = page.flatMap((id) => {
        const s = byId.get(id);
        return s ? [{ id, createdAt: s.createdAt, status: s.control, intent: s.intent, trigger: s.trigger, team: s.team, verdict: s.verdict, outcome: s.outcome, csat: s.csatRating }] : [];
      });
      return { total: ids.length, offset: q.offset, ids: page, conversations };
    },
  };
}
