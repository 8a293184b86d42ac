// The handoff-quality report, alike for admins (the analytics page) and for site owners' API
// keys: the report with at most REPORT_IDS_CAP conversations per number, and every conversation
// behind one number, page by page. The transports parse the query (shared MetricsQuery, DrillQuery).
import { BatonError, dayRange, type DrillPage, type DrillQuery, type MetricsFilter, type MetricsQuery, type MetricsReport } from '@baton/shared';
import { capIds, idsAt } from '../metrics/drill.js';
import { reportOf } from '../metrics/handoff.js';
import { loadSummaries } from '../metrics/queries.js';
import type { Store } from '../store/types.js';

const filterOf = (q: MetricsQuery): MetricsFilter => ({
  ...(q.team ? { team: q.team } : {}),
  ...(q.intent ? { intent: q.intent } : {}),
  ...(q.trigger ? { trigger: q.trigger } : {}),
});

export function metricsService(store: Store, clock: () => Date) {
  async function computed(siteId: string, q: MetricsQuery) {
    const range = dayRange(clock(), q.from, q.to);
    const filter = filterOf(q);
    const summaries = await loadSummaries(store, siteId, range.from, range.to);
    return { range, filter, summaries, report: reportOf(summaries, filter) };
  }
  return {
    /** The report; the conversations beyond the cap through `conversations`. */
    async report(siteId: string, q: MetricsQuery): Promise<MetricsReport> {
      const { range, filter, report } = await computed(siteId, q);
      return { range, filter, report: capIds(report) };
    },
    /** Every conversation behind one number of the report (same range and filters). */
    async conversations(siteId: string, q: DrillQuery): Promise<DrillPage> {
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
