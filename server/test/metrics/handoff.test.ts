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
  it('nearest-rank quantiles', () => {
    expect(quantiles([])).toEqual({ n: 0, p50: null, p90: null });
    expect(quantiles([5, 1, 3, 2, 4])).toEqual({ n: 5, p50: 3, p90: 5 });
  });

  it('time to human: escalation → first agent message and → claim, by team and hour', () => {
    const r = handoffReport(facts());
    expect(r.escalated.ids.sort()).toEqual(['c1', 'c2', 'c5', 'c6']);
    // c1: 3 min, c2: 1 min, c6 (agent-initiated at 4, reply at 5): 1 min.
    expect(r.timeToHuman.firstReplySeconds).toEqual({ n: 3, p50: 60, p90: 180 });
    // Claims after a bot escalation only: c1 2 min, c2 30 s.
    expect(r.timeToHuman.claimSeconds).toEqual({ n: 2, p50: 30, p90: 120 });
    expect(r.timeToHuman.byTeam.sales).toEqual({ n: 1, p50: 60, p90: 60 });
    expect(Object.keys(r.timeToHuman.byHour)).toEqual(['10']);
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
    expect(r.intents[0]).toMatchObject({ intent: 'order_status', escalations: 2, triggers: { accuracy_risk: 1, visitor_request: 1 } });
    expect(r.intents.map((i) => i.intent)).toEqual(['order_status', 'custom_quote', 'unknown']);
  });

  it('whether escalation helped: CSAT, resolution and conversion, bot-only vs escalated', () => {
    const r = handoffReport(facts());
    expect(r.helped.escalated).toMatchObject({ conversations: 4, rated: 2, csatAverage: 4.5, resolutionRate: 1, conversionRate: 1 });
    expect(r.helped.botOnly).toMatchObject({ conversations: 2, rated: 1, csatAverage: 2, resolutionRate: 0.5 });
    expect(r.helped.byTrigger.high_value_intent).toMatchObject({ conversations: 1, conversionRate: 1 });
  });

  it('verdicts by trigger and intent; bot resolution; abandonment; wait-estimate error', () => {
    const r = handoffReport(facts());
    expect(r.verdicts.judged).toBe(3);
    expect(r.verdicts.byVerdict.too_late!.ids).toEqual(['c1']);
    expect(r.verdicts.byVerdict.too_early!.ids).toEqual(['c6']);
    expect(r.verdicts.byTrigger).toEqual({ accuracy_risk: { too_late: 1 }, high_value_intent: { right: 1 }, agent_initiated: { too_early: 1 } });
    expect(r.botResolution).toMatchObject({ botOnly: 2, resolved: { count: 1, ids: ['c3'] }, rate: 0.5 });
    expect(r.abandonment).toMatchObject({ queued: 3, abandoned: { count: 1, ids: ['c5'] } });
    // A visitor who chose a reply later did not wait live: in neither count.
    const withLater = facts();
    withLater.conversations.push(conversation('c7', { control: 'queued', trigger: 'visitor_request', handoff: handoff({ trigger: 'visitor_request' }), queuedAt: T(30), replyLater: true }));
    withLater.events.push(escalate('c7', T(30), 'visitor_request'));
    expect(handoffReport(withLater).abandonment).toMatchObject({ queued: 3, abandoned: { count: 1, ids: ['c5'] } });
    // Shown 4 minutes, waited 2 minutes.
    expect(r.waitEstimate).toEqual({ n: 1, meanAbsoluteErrorMinutes: 2, ids: ['c1'] });
    expect(r.daily).toEqual([{ day: '2026-11-20', conversations: 6, escalated: 4, csatAverage: 3.67 }]);
  });

  it('filters by team, intent and trigger apply to escalated conversations', () => {
    expect(handoffReport(facts(), { team: 'sales' }).escalated.ids).toEqual(['c2']);
    expect(handoffReport(facts(), { intent: 'order_status' }).escalated.ids).toEqual(['c1', 'c5']);
    expect(handoffReport(facts(), { trigger: 'agent_initiated' }).escalated.ids).toEqual(['c6']);
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
