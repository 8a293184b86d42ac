// Metric definitions (docs/metrics.md) as pure functions over stored facts with known answers.
import type { HandoffPackage, Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { detectRepetition, handoffReport, quantiles, type Summary, stories } from '../../src/metrics/handoff.js';
import { decodeSummary, encodeSummary } from '../../src/metrics/queries.js';
import type { ConversationEventRecord, ConversationRecord } from '../../src/store/types.js';

const T = (min: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + min * 60_000).toISOString();
let eventId = 0;

function conversation(id: string, over: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id,
    siteId: 's1',
    visitorId: `v_${id}`,
    control: 'closed',
    agentId: null,
    agentName: null,
    trigger: null,
    reason: null,
    handoff: null,
    queuedAt: null,
    createdAt: T(0),
    updatedAt: T(0),
    closedAt: null,
    lastSeq: 0,
    csat: null,
    agentReadSeq: 0,
    claimedAt: null,
    priority: 0,
    outcome: null,
    verdict: null,
    abandonedAt: null,
    replyLater: false,
    contactEmail: null,
    team: null,
    repeated: false,
    passedOver: null,
    language: null,
    channel: 'chat',
    callbackPhone: null,
    ...over,
  };
}
const handoff = (over: Partial<HandoffPackage> = {}): HandoffPackage => ({
  intent: 'order_status',
  status: 'blocked',
  trigger: 'accuracy_risk',
  reason: 'r',
  evidence: [],
  riskFlags: [],
  customerDetails: { orderNumber: 'A-10422', email: 'a***@x.test' },
  attempted: [],
  summary: 's',
  ...over,
});
const event = (conversationId: string, type: string, at: string, data: Record<string, unknown>): ConversationEventRecord => ({ id: ++eventId, conversationId, type, at, data });
const message = (conversationId: string, seq: number, kind: Message['author']['kind'], body: string, at: string): Message => ({
  id: `${conversationId}_m${seq}`,
  conversationId,
  seq,
  clientId: `c${seq}`,
  author: kind === 'agent' ? { kind, id: 'a1', name: 'Maria' } : { kind },
  body,
  createdAt: at,
});
const escalate = (id: string, at: string, trigger = 'accuracy_risk') => event(id, 'transition', at, { command: 'escalate', from: 'bot', to: 'queued', trigger });
const claim = (id: string, at: string, from = 'queued') => event(id, 'transition', at, { command: 'claim', from, to: 'agent', by: { kind: 'agent', agentId: 'a1', ...(from === 'bot' ? { agentInitiated: true } : {}) } });

/** Five conversations with known answers. */
function facts() {
  const conversations = [
    // 1: escalated (accuracy risk), claimed after 2 min, first reply after 3 min, the visitor repeats the order number, resolved solved, CSAT 4, verdict too_late.
    conversation('c1', { trigger: 'accuracy_risk', handoff: handoff(), team: 'support', outcome: 'solved', csat: { rating: 4, comment: null, ratedAt: T(20) }, verdict: 'too_late' }),
    // 2: escalated (high value), first reply after 1 min, won, CSAT 5, verdict right.
    conversation('c2', { trigger: 'high_value_intent', handoff: handoff({ intent: 'custom_quote', trigger: 'high_value_intent', customerDetails: {} }), team: 'sales', outcome: 'won', csat: { rating: 5, comment: null, ratedAt: T(20) }, verdict: 'right' }),
    // 3: bot only, answered, the visitor never came back: bot-resolved, CSAT 2.
    conversation('c3', { csat: { rating: 2, comment: null, ratedAt: T(5) } }),
    // 4: bot only, answered, but the same visitor opened another conversation an hour later: not bot-resolved.
    conversation('c4', { visitorId: 'v_same', control: 'bot' }),
    conversation('c5', { visitorId: 'v_same', control: 'queued', createdAt: T(60), trigger: 'visitor_request', handoff: handoff({ intent: 'order_status', trigger: 'visitor_request' }), queuedAt: T(61), abandonedAt: T(75) }),
    // 6: an agent took over from the bot before it escalated; the agent asks for the order number again.
    conversation('c6', { handoff: null, verdict: 'too_early' }),
  ];
  const events = [
    escalate('c1', T(1)),
    event('c1', 'queued_estimate', T(1), { kind: 'range', seconds: 240 }),
    claim('c1', T(3)),
    escalate('c2', T(2), 'high_value_intent'),
    claim('c2', T(2.5)),
    event('c3', 'decision', T(0), { decision: { mode: 'resolve' } }),
    event('c4', 'decision', T(0), { decision: { mode: 'resolve' } }),
    escalate('c5', T(61), 'visitor_request'),
    event('c5', 'abandoned', T(75), {}),
    claim('c6', T(4), 'bot'),
    event('c1', 'repeat_mark', T(9), { repeated: true }),
  ];
  const messages = [
    message('c1', 1, 'visitor', 'Where is my order A-10422?', T(0)),
    message('c1', 2, 'agent', 'Hi, checking now.', T(4)),
    message('c1', 3, 'visitor', 'It is A-10422, as I said', T(5)),
    message('c2', 1, 'visitor', 'Quote please', T(1)),
    message('c2', 2, 'agent', 'Happy to help with a quote.', T(3)),
    message('c6', 1, 'visitor', 'hello', T(0)),
    message('c6', 2, 'agent', 'What is your order number?', T(5)),
  ];
  return { conversations, events, messages };
}

describe('handoff metrics', () => {
  it('nearest-rank quantiles, with the conversations measured slowest first', () => {
    expect(quantiles([])).toEqual({ n: 0, p50: null, p90: null, ids: [] });
    const measured = [5, 1, 3, 2, 4].map((seconds) => ({ id: `c${seconds}`, seconds }));
    expect(quantiles(measured)).toEqual({ n: 5, p50: 3, p90: 5, ids: ['c5', 'c4', 'c3', 'c2', 'c1'] });
    expect(quantiles(Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, seconds: i + 1 })))).toMatchObject({ n: 10, p50: 5, p90: 9 });
    expect(quantiles([{ id: 'a', seconds: 7 }])).toEqual({ n: 1, p50: 7, p90: 7, ids: ['a'] });
    // Equal times keep their order.
    expect(quantiles([{ id: 'a', seconds: 1 }, { id: 'b', seconds: 2 }, { id: 'c', seconds: 1 }]).ids).toEqual(['b', 'a', 'c']);
  });

  it('time to human: escalation → first agent message and → claim, by team and hour, each with its conversations', () => {
    const r = handoffReport(facts());
    expect(r.escalated.ids.sort()).toEqual(['c1', 'c2', 'c5', 'c6']);
    // c1: 3 min, c2: 1 min, c6 (agent-initiated at 4, reply at 5): 1 min.
    expect(r.timeToHuman.firstReplySeconds).toEqual({ n: 3, p50: 60, p90: 180, ids: ['c1', 'c2', 'c6'] });
    // Claims after a bot escalation only: c1 2 min, c2 30 s.
    expect(r.timeToHuman.claimSeconds).toEqual({ n: 2, p50: 30, p90: 120, ids: ['c1', 'c2'] });
    expect(r.timeToHuman.byTeam.sales).toEqual({ firstReplySeconds: { n: 1, p50: 60, p90: 60, ids: ['c2'] }, claimSeconds: { n: 1, p50: 30, p90: 30, ids: ['c2'] } });
    expect(r.timeToHuman.byTeam.support!.claimSeconds).toEqual({ n: 1, p50: 120, p90: 120, ids: ['c1'] });
    // c6 has no team and was taken over by an agent: a first reply, no claim time.
    expect(r.timeToHuman.byTeam.none).toEqual({ firstReplySeconds: { n: 1, p50: 60, p90: 60, ids: ['c6'] }, claimSeconds: { n: 0, p50: null, p90: null, ids: [] } });
    expect(Object.keys(r.timeToHuman.byHour)).toEqual(['10']);
    expect(r.timeToHuman.byHour['10']!.firstReplySeconds.ids).toEqual(['c1', 'c2', 'c6']);
    expect(r.timeToHuman.byHour['10']!.claimSeconds.n).toBe(2);
  });

  it('repetition: detected (visitor repeats a package detail, agent asks for one) and confirmed, shown apart', () => {
    const s = stories(facts());
    expect(detectRepetition(s.find((x) => x.c.id === 'c1')!)).toBe(true);
    expect(detectRepetition(s.find((x) => x.c.id === 'c2')!)).toBe(false);
    const r = handoffReport(facts());
    // c6 has no package: nothing is known, so nothing can be repeated.
    expect(r.repetition.detected.ids).toEqual(['c1']);
    expect(r.repetition.confirmed.ids).toEqual(['c1']);
    expect(r.repetition.withoutRepetition.ids).toEqual(['c2', 'c6']);
    expect(r.repetition.escalated).toBe(3);
    expect(r.repetition.rate).toBe(0.333);
  });

  it('intents that escalate most, with their triggers', () => {
    const r = handoffReport(facts());
    expect(r.intents[0]).toEqual({
      intent: 'order_status',
      escalations: 2,
      triggers: { accuracy_risk: { count: 1, ids: ['c1'] }, visitor_request: { count: 1, ids: ['c5'] } },
      ids: ['c1', 'c5'],
    });
    expect(r.intents.map((i) => i.intent)).toEqual(['order_status', 'custom_quote', 'unknown']);
  });

  it('whether escalation helped: CSAT, resolution and conversion, bot-only vs escalated, each with its conversations', () => {
    const r = handoffReport(facts());
    expect(r.helped.escalated).toEqual({
      conversations: 4,
      ids: ['c1', 'c2', 'c5', 'c6'],
      rated: { count: 2, ids: ['c1', 'c2'] },
      csatAverage: 4.5,
      // Among the resolved ones (c1 solved, c2 won); c5 and c6 have no outcome.
      resolved: { count: 2, ids: ['c1', 'c2'] },
      resolutionRate: 1,
      converted: { count: 1, ids: ['c2'] },
      conversionRate: 1,
    });
    expect(r.helped.botOnly).toEqual({
      conversations: 2,
      ids: ['c3', 'c4'],
      rated: { count: 1, ids: ['c3'] },
      csatAverage: 2,
      resolved: { count: 1, ids: ['c3'] },
      resolutionRate: 0.5,
      converted: { count: 0, ids: [] },
      conversionRate: null,
    });
    expect(r.helped.byTrigger.high_value_intent).toMatchObject({ conversations: 1, ids: ['c2'], converted: { count: 1, ids: ['c2'] }, conversionRate: 1 });
  });

  it('verdicts by trigger and intent; bot resolution; abandonment; wait-estimate error', () => {
    const r = handoffReport(facts());
    expect(r.verdicts.judged).toBe(3);
    expect(r.verdicts.byVerdict.too_late!.ids).toEqual(['c1']);
    expect(r.verdicts.byVerdict.too_early!.ids).toEqual(['c6']);
    expect(r.verdicts.byTrigger).toEqual({
      accuracy_risk: { too_late: { count: 1, ids: ['c1'] } },
      high_value_intent: { right: { count: 1, ids: ['c2'] } },
      agent_initiated: { too_early: { count: 1, ids: ['c6'] } },
    });
    expect(r.verdicts.byIntent).toEqual({
      order_status: { too_late: { count: 1, ids: ['c1'] } },
      custom_quote: { right: { count: 1, ids: ['c2'] } },
      unknown: { too_early: { count: 1, ids: ['c6'] } },
    });
    expect(r.botResolution).toMatchObject({ botOnly: 2, resolved: { count: 1, ids: ['c3'] }, rate: 0.5 });
    expect(r.abandonment).toMatchObject({ queued: 3, abandoned: { count: 1, ids: ['c5'] } });
    // A visitor who chose a reply later did not wait live: in neither count.
    const withLater = facts();
    withLater.conversations.push(conversation('c7', { control: 'queued', trigger: 'visitor_request', handoff: handoff({ trigger: 'visitor_request' }), queuedAt: T(30), replyLater: true }));
    withLater.events.push(escalate('c7', T(30), 'visitor_request'));
    expect(handoffReport(withLater).abandonment).toMatchObject({ queued: 3, abandoned: { count: 1, ids: ['c5'] } });
    // Shown 4 minutes, waited 2 minutes.
    expect(r.waitEstimate).toEqual({ n: 1, meanAbsoluteErrorMinutes: 2, ids: ['c1'] });
    expect(r.daily).toEqual([
      { day: '2026-11-20', conversations: { count: 6, ids: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] }, escalated: { count: 4, ids: ['c1', 'c2', 'c5', 'c6'] }, csatAverage: 3.67 },
    ]);
  });

  it('a trend day per UTC day of creation, with the conversations and escalations of the day', () => {
    const f = facts();
    f.conversations.push(conversation('c8', { createdAt: '2026-11-21T00:30:00.000Z', trigger: 'visitor_request', handoff: handoff({ trigger: 'visitor_request' }) }));
    f.events.push(escalate('c8', '2026-11-21T00:31:00.000Z', 'visitor_request'));
    const days = handoffReport(f).daily;
    expect(days.map((d) => d.day)).toEqual(['2026-11-20', '2026-11-21']);
    expect(days[1]).toEqual({ day: '2026-11-21', conversations: { count: 1, ids: ['c8'] }, escalated: { count: 1, ids: ['c8'] }, csatAverage: null });
  });

  it('filters by team, intent and trigger select escalated conversations only', () => {
    expect(handoffReport(facts(), { team: 'sales' }).escalated.ids).toEqual(['c2']);
    expect(handoffReport(facts(), { intent: 'order_status' }).escalated.ids).toEqual(['c1', 'c5']);
    expect(handoffReport(facts(), { trigger: 'agent_initiated' }).escalated.ids).toEqual(['c6']);
    // Intent comes from the handoff package: bot-only conversations (c3, c4) have none, so even
    // "unknown" selects only the escalation whose intent the bot could not tell (c6).
    const unknown = handoffReport(facts(), { intent: 'unknown' });
    expect(unknown.conversations).toBe(1);
    expect(unknown.escalated.ids).toEqual(['c6']);
    expect(unknown.helped.botOnly).toMatchObject({ conversations: 0, ids: [] });
    expect(unknown.botResolution).toEqual({ botOnly: 0, resolved: { count: 0, ids: [] }, rate: null });
    expect(unknown.daily).toEqual([{ day: '2026-11-20', conversations: { count: 1, ids: ['c6'] }, escalated: { count: 1, ids: ['c6'] }, csatAverage: null }]);
    // Every number follows the filter: a trigger narrows times, verdicts and outcomes alike.
    const risk = handoffReport(facts(), { trigger: 'accuracy_risk' });
    expect(risk.timeToHuman.claimSeconds).toEqual({ n: 1, p50: 120, p90: 120, ids: ['c1'] });
    expect(risk.verdicts.byIntent).toEqual({ order_status: { too_late: { count: 1, ids: ['c1'] } } });
    expect(risk.helped.escalated.rated).toEqual({ count: 1, ids: ['c1'] });
    // Filters combine.
    expect(handoffReport(facts(), { team: 'support', trigger: 'high_value_intent' }).escalated.count).toBe(0);
  });

  it('the filter options come from the escalated conversations of the range, before any filter', () => {
    const all = handoffReport(facts()).options;
    expect(all).toEqual({ teams: ['none', 'sales', 'support'], intents: ['custom_quote', 'order_status', 'unknown'], triggers: ['accuracy_risk', 'agent_initiated', 'high_value_intent', 'visitor_request'] });
    // Choosing one filter does not empty the other lists.
    expect(handoffReport(facts(), { team: 'sales', trigger: 'high_value_intent' }).options).toEqual(all);
  });
});

describe('the rollup row format', () => {
  const summary: Summary = {
    id: 'c1',
    visitorId: 'v1',
    escalatedAt: T(1),
    agentInitiated: true,
    trigger: 'explicit_request',
    intent: 'refund',
    team: 'billing',
    claimedAt: T(2),
    firstAgentReplyAt: T(3),
    verdict: 'too_late',
    repeatMark: false,
    estimateSeconds: 120,
    waitedSeconds: 95,
    createdAt: T(0),
    control: 'closed',
    outcome: 'solved',
    csatRating: 4,
    queuedNow: false,
    abandoned: true,
    handoffTrigger: 'high_value_intent',
    repetitionDetected: true,
    lastDecisionMode: 'escalate',
    replyLater: true,
  };

  it('reads back every field it wrote, without the conversation or visitor id', () => {
    const row = JSON.parse(JSON.stringify(encodeSummary(summary)));
    expect(JSON.stringify(row)).not.toContain('v1');
    expect(decodeSummary(row)).toEqual({ ...summary, id: '', visitorId: '' });
  });

  it('a row of another format (an older release, a damaged row) reads as missing, to be derived again', () => {
    const { id: _id, visitorId: _v, ...older } = summary;
    for (const row of [older, null, 'x', [], [1, ...encodeSummary(summary).slice(1)], encodeSummary(summary).slice(0, -1)]) expect(decodeSummary(row)).toBeNull();
  });
});
