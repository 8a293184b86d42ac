// The conversations behind a number: ids capped in the report's answer, and the full list by the
// number's path (docs/metrics.md, "The conversations behind a number").
import { describe, expect, it } from 'vitest';
import { capIds, idsAt, pathSegment } from '../../src/metrics/drill.js';
import type { HandoffReport } from '@baton/shared';
import { reportOf, type Summary } from '../../src/metrics/handoff.js';

const T = (min: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + min * 60_000).toISOString();

function summary(id: string, over: Partial<Summary> = {}): Summary {
  return {
    id,
    visitorId: `v_${id}`,
    escalatedAt: null,
    agentInitiated: false,
    trigger: null,
    intent: 'unknown',
    team: 'none',
    claimedAt: null,
    firstAgentReplyAt: null,
    verdict: null,
    repeatMark: null,
    estimateSeconds: null,
    waitedSeconds: null,
    createdAt: T(0),
    control: 'closed',
    outcome: null,
    csatRating: null,
    queuedNow: false,
    abandoned: false,
    replyLater: false,
    handoffTrigger: null,
    repetitionDetected: false,
    lastDecisionMode: 'resolve',
    ...over,
  };
}

/** `n` escalations judged too late (claimed after i seconds), one intent with a dot in its name, and a bot-only one. */
function summaries(n: number): Summary[] {
  const out = Array.from({ length: n }, (_, i) =>
    summary(`c${String(i).padStart(4, '0')}`, {
      escalatedAt: T(1),
      trigger: 'visitor_request',
      intent: i % 2 ? 'order.status' : 'refund',
      team: 'support',
      claimedAt: new Date(Date.parse(T(1)) + i * 1000).toISOString(),
      firstAgentReplyAt: T(5),
      verdict: 'too_late',
      outcome: 'solved',
      handoffTrigger: 'visitor_request',
    }),
  );
  return [...out, summary('bot1')];
}

/** Every path in the report that has conversations behind it, keys escaped as the page does. */
function pathsOf(report: HandoffReport): string[] {
  const LIST_KEYS: Record<string, string> = { intents: 'intent', daily: 'day' };
  const out: string[] = [];
  const walk = (node: unknown, path: string[], parent: string) => {
    if (Array.isArray(node)) {
      for (const entry of node) walk(entry, [...path, pathSegment(String((entry as Record<string, unknown>)[LIST_KEYS[parent]!]))], '');
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'ids') out.push(path.join('.'));
      else if (k !== 'options') walk(v, [...path, pathSegment(k)], k);
    }
  };
  walk(report, [], '');
  return out;
}

describe('the conversations behind a number', () => {
  it('the answer carries at most 200 ids per number; counts and n stay exact', () => {
    const report = reportOf(summaries(450));
    const capped = capIds(report);
    expect(capped.escalated.count).toBe(450);
    expect(capped.escalated.ids).toEqual(report.escalated.ids.slice(0, 200));
    expect(capped.timeToHuman.claimSeconds).toMatchObject({ n: 450, p50: report.timeToHuman.claimSeconds.p50, p90: report.timeToHuman.claimSeconds.p90 });
    expect(capped.timeToHuman.claimSeconds.ids).toHaveLength(200);
    expect(capped.verdicts.byTrigger.visitor_request!.too_late).toMatchObject({ count: 450 });
    expect(capped.helped.escalated).toMatchObject({ conversations: 450, resolved: { count: 450 } });
    for (const path of pathsOf(capped)) expect(idsAt(capped, path)!.length, path).toBeLessThanOrEqual(200);
    // The report itself is untouched.
    expect(report.escalated.ids).toHaveLength(450);
  });

  it('every number with conversations behind it can be read in full by its path', () => {
    const report = reportOf(summaries(30));
    const paths = pathsOf(report);
    expect(paths).toEqual(
      expect.arrayContaining([
        'escalated',
        'timeToHuman.byTeam.support.claimSeconds',
        'timeToHuman.byHour.10.firstReplySeconds',
        'verdicts.byTrigger.visitor_request.too_late',
        'verdicts.byIntent.order~1status.too_late',
        'intents.refund.triggers.visitor_request',
        'helped.byTrigger.visitor_request.rated',
        'helped.botOnly',
        'daily.2026-11-20.escalated',
        'waitEstimate',
      ]),
    );
    for (const path of paths) {
      const ids = idsAt(report, path);
      expect(ids, path).not.toBeNull();
      expect(ids!.length, path).toBeGreaterThanOrEqual(0);
    }
    expect(idsAt(report, 'verdicts.byIntent.order~1status.too_late')).toEqual(report.verdicts.byIntent['order.status']!.too_late!.ids);
    expect(idsAt(report, 'verdicts.byIntent.order~1status.too_late')).toHaveLength(15);
    expect(idsAt(report, 'intents.refund')).toHaveLength(15);
    expect(idsAt(report, 'daily.2026-11-20.conversations')).toHaveLength(31);
    // Slowest claims first.
    expect(idsAt(report, 'timeToHuman.claimSeconds')!.slice(0, 2)).toEqual(['c0029', 'c0028']);
  });

  it('a number nobody reached has no conversations; a path that names no number is null', () => {
    const report = reportOf(summaries(3));
    expect(idsAt(report, 'verdicts.byTrigger.emotional_urgency.too_early')).toEqual([]);
    expect(idsAt(report, 'daily.2020-01-01.escalated')).toEqual([]);
    expect(idsAt(report, 'timeToHuman.byTeam.sales.claimSeconds')).toEqual([]);
    expect(idsAt(report, 'intents.0')).toEqual([]); // an intent called "0", not the first entry
    for (const path of [
      '',
      'nothing',
      'conversations',
      'escalated.ids',
      'escalated.count',
      'verdicts',
      'verdicts.byVerdict.maybe',
      'verdicts.byTrigger.visitor_request',
      'verdicts.byTrigger.visitor_request.too_late.ids',
      'timeToHuman.byTeam.support',
      'daily.2026-11-20',
      'options.teams',
      'constructor',
      '__proto__',
      'verdicts.byTrigger.__proto__.too_late.constructor',
    ]) {
      expect(idsAt(report, path), path).toBeNull();
    }
    // Keys of the report are its own: a team called like an Object method is just a team.
    expect(idsAt(report, 'timeToHuman.byTeam.constructor.claimSeconds')).toEqual([]);
    expect(idsAt(report, 'verdicts.byTrigger.__proto__.too_late')).toEqual([]);
    const odd = reportOf([summary('p1', { escalatedAt: T(1), claimedAt: T(2), team: '__proto__', trigger: 'visitor_request' })]);
    expect(Object.keys(odd.timeToHuman.byTeam)).toEqual(['__proto__']);
    expect(idsAt(odd, 'timeToHuman.byTeam.__proto__.claimSeconds')).toEqual(['p1']);
  });
});
