// The policy, rule by rule, as a pure function over real signals and the demo playbook.
import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadPlaybook } from '../../src/bot/playbook.js';
import type { BotDecision } from '../../src/bot/provider.js';
import { computeSignals } from '../../src/bot/signals.js';
import { type ActionOutcome, escalation, evaluate, type PolicyInput, type RetrievalHit } from '../../src/core/policy/evaluate.js';

const playbook = loadPlaybook(resolve(import.meta.dirname, '../../sites/demo/playbook.yaml'));
const at = '2026-11-24T10:00:00.000Z';
const history = (...turns: string[]): Message[] =>
  turns.map((body, i) => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, clientId: `k${i}`, author: { kind: i % 2 === 0 ? 'visitor' : 'bot' }, body, createdAt: at }));
const article: RetrievalHit = { id: 'shipping', title: 'Shipping times and costs', body: 'Germany: 1–2 days.', score: 40 };

function input(turns: string[], over: Partial<PolicyInput> = {}): PolicyInput {
  const h = history(...turns);
  return {
    playbook,
    signals: computeSignals(h, playbook),
    history: h,
    intent: null,
    retrieval: null,
    previousDecisions: [],
    details: {},
    conflicts: [],
    action: null,
    ...over,
  };
}
const decide = (turns: string[], over: Partial<PolicyInput> = {}) => evaluate(input(turns, over)) as BotDecision;

describe('escalation policy', () => {
  it('[ESC1] an explicit ask for a person escalates with visitor_request and quotes it', () => {
    const d = decide(['Can I talk to a real person?'], { retrieval: article });
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'visitor_request', rule: 'ESC1.visitor_request' });
    if (d.mode === 'escalate') {
      expect(d.handoff.evidence[0]).toContain('real person');
      expect(d.reply).toMatch(/won't need to repeat/);
    }
  });

  it('[ESC1] a negated ask is not an ask', () => {
    expect(decide(['No need for a human, how long does shipping take?'], { retrieval: article }).mode).toBe('resolve');
  });

  it('[ESC2] vulnerable situations and outages escalate as urgent emotional_urgency', () => {
    for (const text of ['My father passed away, please cancel his orders', 'The website is down and I need to order']) {
      const d = decide([text]);
      expect(d).toMatchObject({ mode: 'escalate', trigger: 'emotional_urgency' });
      if (d.mode === 'escalate') expect(d.handoff.status).toBe('urgent');
    }
  });

  it('[ESC2] anger escalates; the same words negated do not', () => {
    expect(decide(['This is ridiculous, nobody answers my emails'])).toMatchObject({ mode: 'escalate', trigger: 'emotional_urgency', rule: 'ESC2.frustration' });
    expect(decide(["I'm not angry, I'm asking about your refund policy"], { retrieval: { ...article, id: 'returns', title: 'Returns' } }).mode).toBe('resolve');
  });

  it('[ESC2] a threat to cancel escalates and flags cancellation', () => {
    const d = decide(["I'll cancel my membership if this happens again"]);
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'emotional_urgency', rule: 'ESC2.cancel_threat' });
    if (d.mode === 'escalate') expect(d.handoff.riskFlags).toContain('cancellation');
  });

  it('[ESC4] sensitive topics hand over with their risk flags', () => {
    const d = decide(['I was charged twice for my order']);
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', rule: 'ESC4.topic.refund_dispute' });
    if (d.mode === 'escalate') expect(d.handoff.riskFlags).toEqual(expect.arrayContaining(['refund', 'billing']));
    expect(decide(['My lawyer will contact you'])).toMatchObject({ rule: 'ESC4.topic.legal' });
    const security = decide(['Someone logged into my account']);
    expect(security).toMatchObject({ rule: 'ESC4.topic.security' });
    if (security.mode === 'escalate') expect(security.handoff.status).toBe('urgent');
  });

  it('[ESC5] high-value intent escalates to sales with status resolved', () => {
    const d = decide(['We want a custom quote for 500 chairs'], { intent: { name: 'custom_quote', score: 20 } });
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'high_value_intent' });
    if (d.mode === 'escalate') {
      expect(d.handoff.status).toBe('resolved');
      expect(d.reason).toContain('sales');
    }
  });

  it('[ESC6] conflicting customer data escalates with accuracy_risk', () => {
    expect(decide(['my email is b@x.test'], { conflicts: ['email'] })).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', rule: 'ESC6.conflicting_data' });
  });

  it('[ESC7] a visitor repeating themselves after an answer is a loop', () => {
    const previous: BotDecision[] = [{ mode: 'resolve', reply: 'x', rule: 'RES1.grounded', evidence: [] }];
    const d = decide(['How do I change my delivery address?', 'Here is how…', 'How do I change my delivery address??'], { previousDecisions: previous, retrieval: article });
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC7.visitor_repeats' });
  });

  it('[CLR1] one missing detail: ask for exactly that, once', () => {
    const d = decide(['Where is my order?'], { intent: { name: 'order_status', score: 14 } });
    expect(d).toMatchObject({ mode: 'clarify', missing: 'orderNumber', rule: 'CLR1.missing.orderNumber' });
    expect(d.reply).toMatch(/order number/i);
  });

  it('[ESC3] a second unclear turn escalates with workflow_failure', () => {
    const asked: BotDecision = { mode: 'clarify', missing: 'orderNumber', reply: '?', rule: 'CLR1.missing.orderNumber', evidence: [], intent: 'order_status' };
    const d = decide(['Where is my order?', 'What is your order number?', "I don't have it"], { previousDecisions: [asked] });
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC3.clarify_budget' });
    if (d.mode === 'escalate') expect(d.handoff.attempted).toContainEqual({ action: 'asked for orderNumber', outcome: 'asked once' });
    const topic: BotDecision = { mode: 'clarify', missing: 'topic', reply: '?', rule: 'CLR2.topic', evidence: [], intent: 'unknown' };
    expect(decide(['hi', 'Which topic?', 'hmm, complicated'], { previousDecisions: [topic] })).toMatchObject({ rule: 'ESC3.clarify_budget' });
  });

  it('[CLR1] an answer to the question keeps the intent and leads to the action', () => {
    const asked: BotDecision = { mode: 'clarify', missing: 'orderNumber', reply: '?', rule: 'CLR1.missing.orderNumber', evidence: [], intent: 'order_status' };
    // The order number alone is not enough: the detail that verifies the order is asked for next.
    const r = evaluate(input(['Where is my order?', 'Number?', 'A-10422'], { previousDecisions: [asked], details: { orderNumber: 'A-10422' } }));
    expect(r).toMatchObject({ mode: 'clarify', missing: 'email', rule: 'CLR1.missing.email', intent: 'order_status' });
    const askedEmail: BotDecision = { mode: 'clarify', missing: 'email', reply: '?', rule: 'CLR1.missing.email', evidence: [], intent: 'order_status' };
    const acted = evaluate(
      input(['Where is my order?', 'Number?', 'A-10422', 'Email?', 'jane@example.com'], { previousDecisions: [asked, askedEmail], details: { orderNumber: 'A-10422', email: 'jane@example.com' } }),
    );
    expect(acted).toEqual({ mode: 'act', action: 'order_lookup', intent: 'order_status' });
  });

  it('[CLR1] an answer to a question for a pattern detail keeps the intent, even if it sounds like another', () => {
    const withPostcode = {
      ...playbook,
      details: { ...playbook.details, postcode: { ask: 'Your postcode?', pattern: '\\b(\\d{5})\\b' } },
      intents: { ...playbook.intents, delivery_slot: { examples: ['book a delivery slot'], needs: ['postcode'], verify: [], highValue: false, team: 'support', riskFlags: [] } },
    };
    const asked: BotDecision = { mode: 'clarify', missing: 'postcode', reply: 'Your postcode?', rule: 'CLR1.missing.postcode', evidence: [], intent: 'delivery_slot' };
    const h = history('Can I book a delivery slot?', 'Your postcode?', '10115 - and how long does shipping take?');
    const d = evaluate({ ...input([]), playbook: withPostcode, history: h, signals: computeSignals(h, withPostcode), previousDecisions: [asked], intent: { name: 'shipping_info', score: 20 }, details: { postcode: '10115' }, retrieval: article }) as BotDecision;
    expect(d.intent).toBe('delivery_slot');
    // Without the detail in this turn, a clearly different question is that question.
    const h2 = history('Can I book a delivery slot?', 'Your postcode?', 'How long does shipping take? Mail me at a@x.test');
    const other = evaluate({ ...input([]), playbook: withPostcode, history: h2, signals: computeSignals(h2, withPostcode), previousDecisions: [asked], intent: { name: 'shipping_info', score: 20 }, details: { postcode: '10115' }, retrieval: article }) as BotDecision;
    expect(other.intent).toBe('shipping_info');
  });

  it('[RES2] [ESC8] [ESC9] action outcomes: completed, errored, verification failed', () => {
    const base = { intent: { name: 'order_status', score: 14 }, details: { orderNumber: 'A-10422', email: 'jane@example.com' } };
    const ok: ActionOutcome = { name: 'order_lookup', status: 'ok', reply: 'Order A-10422 is in transit.' };
    expect(decide(['Where is A-10422?'], { ...base, action: ok })).toMatchObject({ mode: 'resolve', rule: 'RES2.action.order_lookup', reply: 'Order A-10422 is in transit.' });
    const failed = decide(['Where is A-10422?'], { ...base, action: { name: 'order_lookup', status: 'error', error: 'HTTP 500' } });
    expect(failed).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC8.action_error' });
    if (failed.mode === 'escalate') expect(failed.handoff.attempted).toContainEqual({ action: 'order_lookup', outcome: 'error: HTTP 500' });
    const unverified = decide(['Where is A-10422?'], { ...base, action: { name: 'order_lookup', status: 'verification_failed', field: 'email' } });
    expect(unverified).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC9.verification_failed' });
    if (unverified.mode === 'escalate') expect(unverified.handoff.riskFlags).toContain('security');
  });

  it('[RES1] a grounded article answers and is cited; below the threshold it does not', () => {
    const d = decide(['How long does shipping take?'], { retrieval: article });
    expect(d).toMatchObject({ mode: 'resolve', rule: 'RES1.grounded' });
    expect(d.reply).toContain('_Source: Shipping times and costs_');
    expect(decide(['How long does shipping take?'], { retrieval: { ...article, score: 3 } }).mode).toBe('clarify');
  });

  it('[ESC10] a recognised question without a grounded answer escalates with accuracy_risk', () => {
    expect(decide(['Can I pay in bitcoin?'], { intent: { name: 'payment', score: 9 }, retrieval: { ...article, score: 3 } })).toMatchObject({
      mode: 'escalate',
      trigger: 'accuracy_risk',
      rule: 'ESC10.no_grounded_answer',
    });
  });

  it('[CLR2] nothing recognised: one question with the topics as quick replies', () => {
    const d = decide(['I have a question']);
    expect(d).toMatchObject({ mode: 'clarify', missing: 'topic', rule: 'CLR2.topic' });
    if (d.mode === 'clarify') expect(d.quickReplies).toEqual(playbook.copy.topicOptions);
  });

  it('the voice channel gets the voice copy', () => {
    const d = evaluate({ ...input(['I need a human']), channel: 'voice' }) as BotDecision;
    expect(d.reply).toBe(playbook.copy.escalate.voice);
  });

  it('[RT5] high-value intent goes to sales unless the playbook names its team', () => {
    const custom = { ...playbook, intents: { ...playbook.intents, custom_quote: { ...playbook.intents.custom_quote!, team: 'enterprise' } } };
    const teamOf = (trigger: 'high_value_intent' | 'workflow_failure', intent: string, pb = playbook) => {
      const d = escalation({ ...input(['hi']), playbook: pb }, { trigger, intent, rule: 'RT5', reason: 'test', evidence: [], riskFlags: [], status: 'blocked' });
      return d.mode === 'escalate' ? d.handoff.team : 'not escalated';
    };
    expect(teamOf('high_value_intent', 'not_in_playbook')).toBe('sales');
    expect(teamOf('high_value_intent', 'custom_quote', custom)).toBe('enterprise');
    expect(teamOf('workflow_failure', 'order_status')).toBe(playbook.intents.order_status!.team);
    expect(teamOf('workflow_failure', 'not_in_playbook')).toBeUndefined();
  });
});
