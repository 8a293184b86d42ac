// How the policy uses the learned reading, as a pure function: the reading is given (the model
// itself is tested in test/nlu), so each rule is checked on exactly the probabilities it sees.
import { resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/bot/playbook.js';
import type { BotDecision } from '../../src/bot/provider.js';
import { computeSignals } from '../../src/bot/signals.js';
import { evaluate, type PolicyInput, type RetrievalHit } from '../../src/core/policy/evaluate.js';
import type { Understood } from '../../src/core/policy/signals.js';

const playbook = loadPlaybook(resolve(import.meta.dirname, '../../sites/demo/playbook.yaml'));
const at = '2026-12-04T10:00:00.000Z';
const article: RetrievalHit = { id: 'shipping', title: 'Shipping times and costs', body: 'Germany: 1–2 days.', score: 40 };

function reading(p: Record<string, number>): Understood {
  return { p: { none: 0, ...p }, siteExample: null, explain: (label) => [`n-grams for ${label}`] };
}

function decide(turns: string[], p: Record<string, number>, over: Partial<PolicyInput> & { language?: string; closestEarlier?: { text: string; similarity: number } } = {}): BotDecision {
  const history: Message[] = turns.map((body, i) => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, clientId: `k${i}`, author: { kind: i % 2 === 0 ? 'visitor' : 'bot' }, body, createdAt: at }));
  const signals = { ...computeSignals(history, playbook), understood: reading(p), language: { code: over.language ?? 'en', p: 1 }, ...(over.closestEarlier ? { closestEarlier: over.closestEarlier } : {}) };
  return evaluate({ playbook, signals, history, intent: null, retrieval: null, previousDecisions: [], details: {}, conflicts: [], action: null, ...over }) as BotDecision;
}

describe('[NLU1] the policy reads the learned layer', () => {
  it('a confident reading escalates with its trigger, its rule names the label, its evidence the n-grams', () => {
    const d = decide(['I need your boss on the line'], { person_request: 0.8, none: 0.2 });
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'visitor_request', rule: 'ESC1.understood.person_request' });
    expect(d.evidence.join(' ')).toMatch(/understood person_request 0\.80.*n-grams for person_request/);
  });

  it.each([
    ['security', 'accuracy_risk', 'ESC4', 'security'],
    ['vulnerable', 'emotional_urgency', 'ESC2', 'vulnerable'],
    ['high_value', 'high_value_intent', 'ESC5', undefined],
    ['self_service_failure', 'workflow_failure', 'ESC3', undefined],
  ])('%s maps to %s', (label, trigger, rule, flag) => {
    const d = decide(['something happened'], { [label]: 0.9, none: 0.1 });
    expect(d).toMatchObject({ mode: 'escalate', trigger, rule: `${rule}.understood.${label}` });
    if (flag) expect(d.riskFlags).toContain(flag);
  });

  it('of two triggers close together, the first in the label order wins: an angry refund dispute is emotional urgency', () => {
    const d = decide(['you charged me twice and nobody cares'], { refund_dispute: 0.5, anger: 0.42, none: 0.08 });
    expect(d).toMatchObject({ trigger: 'emotional_urgency', rule: 'ESC2.understood.anger' });
    if (d.mode === 'escalate') expect(d.handoff.status).toBe('urgent');
  });

  it('below the threshold nothing escalates; a grounded answer is given', () => {
    expect(decide(['shipping?'], { anger: 0.3, none: 0.7 }, { retrieval: article })).toMatchObject({ mode: 'resolve' });
  });

  it('[CLR3] an uncertain reading without a grounded answer asks once whether a person should take over; declining is not "still unclear"', () => {
    const asked = decide(['hmm this again'], { anger: 0.4, none: 0.6 });
    expect(asked).toMatchObject({ mode: 'clarify', missing: 'person', rule: 'CLR3.unsure', quickReplies: ['Talk to a person', 'Keep chatting here'] });
    const declined = decide(['hmm this again', asked.reply, 'Keep chatting here'], { none: 1 }, { previousDecisions: [asked] });
    expect(declined).toMatchObject({ mode: 'clarify', rule: 'CLR2.topic' });
    // Asked once: an uncertain turn later is not asked again.
    const later = decide(['hmm this again', asked.reply, 'still weird'], { anger: 0.4, none: 0.6 }, { previousDecisions: [asked] });
    expect(later.rule).not.toBe('CLR3.unsure');
  });

  it('a playbook phrase is overruled only by a reading at least 0.9 sure nothing is wrong', () => {
    expect(decide(['Can a person pick up my parcel at the post office?'], { none: 0.95, person_request: 0.05 }, { retrieval: article })).toMatchObject({ mode: 'resolve' });
    expect(decide(['Can a person pick up my parcel at the post office?'], { none: 0.6, person_request: 0.4 })).toMatchObject({ mode: 'escalate', rule: 'ESC1.visitor_request' });
  });

  it('[ESC1] the "Talk to a person" button escalates whatever the words and the reading', () => {
    expect(decide(['Je voudrais parler à une personne.'], { none: 1 }, { askedForPerson: true })).toMatchObject({ mode: 'escalate', trigger: 'visitor_request', rule: 'ESC1.button' });
  });
});

describe('[ESC7] loops in other words', () => {
  const answered: BotDecision = { mode: 'resolve', rule: 'RES1.grounded', evidence: [], reply: 'Germany: 1–2 days.', sources: [{ title: article.title }] };
  it('asking again in other words what the same article already answered hands over; a different question does not', () => {
    const turns = ['how long does delivery to Austria take?', answered.reply, 'ok but how many days to austria'];
    expect(decide(turns, { none: 1 }, { retrieval: article, previousDecisions: [answered], closestEarlier: { text: turns[0]!, similarity: 0.5 } })).toMatchObject({
      mode: 'escalate',
      trigger: 'workflow_failure',
      rule: 'ESC7.visitor_rephrases',
    });
    expect(decide(turns, { none: 1 }, { retrieval: article, previousDecisions: [answered], closestEarlier: { text: turns[0]!, similarity: 0.2 } })).toMatchObject({ mode: 'resolve' });
  });

  it('the same answer twice is not a loop when the visitor plainly moves on', () => {
    const turns = ['how do I return a shirt?', 'Returns: 30 days.', 'is the label free?', 'Returns: 30 days.', "ok thanks, I'll do that now"];
    expect(decide(turns, { none: 0.96, anger: 0.04 }).rule).not.toBe('ESC7.bot_repeats');
    expect(decide(turns, { none: 0.6, anger: 0.4 })).toMatchObject({ rule: 'ESC7.bot_repeats' });
  });

  it('capitals of joy in German are not anger: sentiment reads English only', () => {
    expect(decide(['VIELEN DANK FÜR DIE SCHNELLE LIEFERUNG!!! Der Mixer ist super.'], { none: 0.8, anger: 0.2 }, { language: 'de', retrieval: article }).mode).toBe('resolve');
  });
});

describe('[NLU2] the bot speaks the visitor\'s language', () => {
  it('the handoff line, the topic question and the cited source follow the language; the site\'s own lines win in its own', () => {
    const fr = decide(['je veux un responsable'], { person_request: 0.9, none: 0.1 }, { language: 'fr' });
    expect(fr.reply).toMatch(/^Bien sûr — je fais venir une personne de notre équipe/);
    const en = decide(['I want a manager'], { person_request: 0.9, none: 0.1 });
    expect(en.reply).toBe(playbook.copy.escalate.chat);
    expect(decide(['hmm'], { none: 1 }, { language: 'pl' })).toMatchObject({ mode: 'clarify', quickReplies: ['Status zamówienia', 'Wysyłka', 'Zwroty', 'Płatność', 'Moje konto'] });
    expect(decide(['Versand?'], { none: 1 }, { language: 'de', retrieval: article }).reply).toMatch(/_Quelle: Shipping times and costs_$/);
  });

  it('a detail question comes from the playbook\'s language pack', () => {
    const d = decide(['où est ma commande'], { none: 1 }, { language: 'fr', intent: { name: 'order_status', score: 20 } });
    expect(d).toMatchObject({ mode: 'clarify', missing: 'orderNumber' });
    expect(d.reply).toMatch(/Quel est votre numéro de commande/);
  });
});
