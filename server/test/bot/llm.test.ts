// The LLM provider against a small local server that speaks the chat-completions protocol.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import { LLM_TURN_BUDGET_MS, LlmBot, MAX_TURN_BUDGET_MS } from '../../src/bot/llm/provider.js';
import type { BotDecision } from '../../src/bot/provider.js';

type Reply = { status?: number; content?: string; delayMs?: number; raw?: string };
let next: Reply = {};
let requests: { auth?: string; body: any }[] = [];
let server: Server;
let baseUrl: string;

const readBody = (req: IncomingMessage) => new Promise<string>((r) => { let s = ''; req.on('data', (c) => (s += c)); req.on('end', () => r(s)); });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req));
    requests.push({ auth: req.headers.authorization, body });
    const reply = next;
    setTimeout(() => {
      if (req.url !== '/v1/chat/completions') return res.writeHead(404).end();
      if (reply.status && reply.status !== 200) return res.writeHead(reply.status).end('{"error":"overloaded"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        reply.raw ?? JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? '' }, finish_reason: 'stop' }] }),
      );
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
beforeEach(() => {
  requests = [];
});

const engine = loadEngine(resolve(import.meta.dirname, '../../sites/demo'));
const bot = () => new LlmBot({ baseUrl, apiKey: 'sk-test', model: 'test-model', timeoutMs: 1000 }, engine);
const at = new Date('2026-11-24T10:00:00Z');
async function ask(text: string): Promise<BotDecision> {
  const history: Message[] = [{ id: 'm1', conversationId: 'c', seq: 1, clientId: 'k1', author: { kind: 'visitor' }, body: text, createdAt: at.toISOString() }];
  return bot().turn({ site: { id: 's', key: 'demo', name: 'Demo Shop' }, conversationId: 'c', history, previousDecisions: [], now: at });
}
const json = (o: unknown) => ({ content: JSON.stringify(o) });

describe('LLM provider behind guardrails', () => {
  it('answers a grounded question with the model, sending the retrieved article and the model name', async () => {
    next = json({ mode: 'resolve', reply: 'Shipping to Austria takes **2–4 working days**.' });
    const d = await ask('How long does shipping to Austria take?');
    expect(d).toMatchObject({ mode: 'resolve', rule: 'LLM.resolve', reply: 'Shipping to Austria takes **2–4 working days**.' });
    expect(requests[0]?.auth).toBe('Bearer sk-test');
    expect(requests[0]?.body.model).toBe('test-model');
    expect(requests[0]?.body.messages[0].content).toContain('Shipping times and costs');
  });

  it('after a hand back the model sees what the agent told the visitor, as the team\'s words', async () => {
    next = json({ mode: 'resolve', reply: 'Great, enjoy!' });
    const m = (seq: number, author: Message['author'], body: string): Message => ({ id: `m${seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author, body, createdAt: at.toISOString() });
    const history = [
      m(1, { kind: 'visitor' }, 'How long does shipping to Austria take?'),
      m(2, { kind: 'agent', id: 'a1', name: 'Maria' }, 'I upgraded your parcel to express: it arrives tomorrow.'),
      m(3, { kind: 'system' }, "You're back with the assistant."),
      m(4, { kind: 'visitor' }, 'How long does shipping to Austria take usually?'),
    ];
    await bot().turn({ site: { id: 's', key: 'demo', name: 'Demo Shop' }, conversationId: 'c', history, previousDecisions: [], now: at });
    const sent = requests[0]!.body.messages as { role: string; content: string }[];
    expect(sent).toContainEqual({ role: 'assistant', content: '(Maria from our team wrote:) I upgraded your parcel to express: it arrives tomorrow.' });
    expect(sent.map((x) => x.content)).not.toContain("You're back with the assistant.");
  });

  it('cannot talk past a trigger: the rules escalate; the model only writes the summary', async () => {
    next = { content: 'The customer asked for a person right away.' };
    const d = await ask('I want to talk to a human');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'visitor_request' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body.messages[0].content).toMatch(/Summarize/);
    if (d.mode === 'escalate') expect(d.handoff.summary).toBe('The customer asked for a person right away.');
  });

  it('[HP3] the model-written summary is masked like the rest of the package', async () => {
    next = { content: 'Jane (jane@example.com, +49 170 1234567) asked for a person.' };
    const d = await ask('I want to talk to a human, I am jane@example.com');
    if (d.mode !== 'escalate') throw new Error('expected an escalation');
    expect(d.handoff.summary).toBe('Jane (j***@example.com, ***567) asked for a person.');
    expect(JSON.stringify(d)).not.toContain('jane@example.com');
    expect(JSON.stringify(requests.at(-1)?.body)).not.toContain('jane@example.com');
  });

  it('keeps the extractive summary when the model cannot summarize', async () => {
    next = { status: 503 };
    const d = await ask('I want to talk to a human');
    if (d.mode !== 'escalate') throw new Error('expected an escalation');
    expect(d.handoff.summary).toContain('I want to talk to a human');
  });

  it('a promise only a person may make becomes an accuracy_risk handoff', async () => {
    next = json({ mode: 'resolve', reply: "No problem, I'll make an exception and refund you the shipping." });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', rule: 'LLM.guard.commitment' });
    expect(d.reply).not.toContain('refund you');
  });

  it.each([
    "Good news: you'll get a full refund for the shipping.",
    'As a loyal customer you get a 50% discount on your next order.',
    "We'll extend your return window to 60 days.",
    "I've issued a refund of €4.90 to your card.",
    'I have processed your refund, it will show in 3 days.',
    'We will refund the difference.',
    "You'll be reimbursed for the delay.",
    "I can give you a voucher for €10.",
    'Your refund has been approved.',
    "I've extended the warranty by a year.",
    'You\u2019ll get a full refund, no worries.',
  ])('[LLM3] a commitment only a person may make is caught: %s', async (reply) => {
    next = json({ mode: 'resolve', reply });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', rule: 'LLM.guard.commitment' });
    expect(d.reply).not.toContain(reply);
  });

  it.each([
    ['de', 'Kein Problem, Sie erhalten eine volle Rückerstattung der Versandkosten.'],
    ['de', 'Ich habe Ihnen die 4,90 € bereits gutgeschrieben.'],
    ['fr', 'Pas de souci, vous serez intégralement remboursé.'],
    ['fr', 'Nous allons vous rembourser la livraison, à titre exceptionnel.'],
    ['es', 'Le reembolsaremos el envío hoy mismo.'],
    ['es', 'Hemos procesado su reembolso, lo verá en 3 días.'],
    ['it', 'Riceverà un rimborso completo entro domani.'],
    ['it', "Faremo un'eccezione per lei."],
    ['pt', 'Vamos reembolsar o valor do frete.'],
    ['pt', 'Você receberá um desconto de 20% na próxima compra.'],
    ['nl', 'U krijgt een volledige terugbetaling van de verzendkosten.'],
    ['nl', 'Ik heb het bedrag al teruggestort.'],
    ['pl', 'Otrzyma Pan pełny zwrot kosztów wysyłki.'],
    ['pl', 'Zrobimy wyjątek i zwrócimy pieniądze.'],
  ])('[LLM3] a commitment in %s is caught too: %s', async (_lang, reply) => {
    next = json({ mode: 'resolve', reply });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', rule: 'LLM.guard.commitment' });
  });

  it.each([
    ['de', 'Der Versand nach Österreich dauert 2–4 Werktage und kostet 9,90 €.'],
    ['fr', 'Nous remboursons sur le moyen de paiement d’origine sous 5 jours ouvrés après réception du colis.'],
    ['es', 'Los artículos rebajados se pueden cambiar, pero no reembolsar.'],
    ['nl', 'Retourneren kan binnen 30 dagen; de terugbetaling volgt binnen 5 werkdagen.'],
  ])('[LLM3] a grounded policy statement in %s is not a commitment: %s', async (_lang, reply) => {
    next = json({ mode: 'resolve', reply });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'resolve', rule: 'LLM.resolve', reply });
  });

  it('[LLM4] the model classifies the trigger too: a reading the rules missed escalates with it, validated', async () => {
    next = json({ mode: 'resolve', reply: 'Shipping takes 2–4 days.', trigger: 'emotional_urgency', reason: 'The visitor fears missing a wedding.' });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'emotional_urgency', rule: 'LLM.trigger.emotional_urgency' });
    if (d.mode === 'escalate') expect(d.handoff.status).toBe('urgent');
    expect(requests[0]?.body.messages[0].content).toMatch(/"trigger"/);
  });

  it('[LLM4] a trigger outside the protocol is refused as a malformed reply, not trusted', async () => {
    next = json({ mode: 'resolve', reply: 'Fine.', trigger: 'vip_customer' });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'LLM.failure' });
  });

  it('[LLM4] the rules\' hard escalations stand whatever the model would say', async () => {
    next = json({ mode: 'resolve', reply: 'Sure.', trigger: null });
    const d = await ask('I want to talk to a human');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'visitor_request' });
  });

  it.each([
    'Shipping to Austria takes **2–4 working days** and costs €6.90.',
    'Returns are free within 30 days; we refund to the original payment method within 5 working days after the parcel arrives.',
    'Once we have processed your return, the money is back on your card within 5 working days.',
    'Sale items can be exchanged but not refunded.',
  ])('[LLM3] a grounded policy statement is not mistaken for a commitment: %s', async (reply) => {
    next = json({ mode: 'resolve', reply });
    const d = await ask('How much does shipping to Austria cost?');
    expect(d).toMatchObject({ mode: 'resolve', rule: 'LLM.resolve', reply });
  });

  it('[LLM3] on a sensitive topic the rules flagged, the model\'s words are not sent as a resolve: the cited article is', async () => {
    next = json({ mode: 'resolve', reply: 'Sure, just go ahead and stop paying, it cancels itself.' });
    const d = await ask('How do I cancel my Plus membership?');
    expect(d.reply).not.toContain('stop paying');
    expect(d).toMatchObject({ mode: 'resolve', rule: 'RES1.grounded', riskFlags: ['cancellation'] });
    expect(d.reply).toMatch(/_Source: /);
    expect(d.evidence.at(-1)).toMatch(/sensitive topic cancellation: model reply withheld/);
  });

  it('no fake confidence: an ungrounded question is not answered even if the model tries', async () => {
    next = json({ mode: 'resolve', reply: 'Our CEO is Jane.' });
    const d = await ask('I have a question');
    expect(d.mode).toBe('clarify');
    expect(d.reply).not.toContain('CEO');
  });

  it.each([
    ['a malformed reply', { content: 'Sure! Shipping takes 2 days.' }, /not JSON/],
    ['a reply of the wrong shape', json({ answer: 'hi' }), /schema/],
    ['a failing endpoint', { status: 500 }, /HTTP 500/],
    ['a slow endpoint', { delayMs: 2500, ...json({ mode: 'resolve', reply: 'late' }) }, /timed out/],
    ['a body without choices', { raw: '{"error":"x"}' }, /no message content/],
  ])('%s hands over gracefully as workflow_failure', async (_name, reply, reason) => {
    next = reply;
    const d = await ask('How long does shipping to Austria take?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'LLM.failure' });
    if (d.mode === 'escalate') {
      expect(d.reason).toMatch(reason);
      expect(d.handoff.attempted.at(-1)?.action).toBe('language model answer');
    }
  });

  it('[LLM2] one deadline for the whole turn: a slow model hands over in time, not asked again for a summary, with intent, details and attempts', async () => {
    next = { delayMs: 3000, ...json({ mode: 'resolve', reply: 'late' }) };
    const slow = new LlmBot({ baseUrl, model: 'test-model', timeoutMs: 600 }, engine);
    const history: Message[] = [
      { id: 'm1', conversationId: 'c', seq: 1, clientId: 'k1', author: { kind: 'visitor' }, body: 'How long does shipping to Austria take? I am jane@example.com', createdAt: at.toISOString() },
    ];
    const started = Date.now();
    const d = await slow.turn({ site: { id: 's', key: 'demo', name: 'Demo Shop' }, conversationId: 'c', history, previousDecisions: [], now: at });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(requests).toHaveLength(1); // no summary call after the model failed
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'LLM.failure', intent: 'shipping_info' });
    if (d.mode !== 'escalate') return;
    expect(d.reason).toMatch(/timed out after 600 ms/);
    expect(d.handoff).toMatchObject({ intent: 'shipping_info', customerDetails: { email: 'j***@example.com' } });
    expect(d.handoff.attempted).toContainEqual({ action: 'language model answer', outcome: expect.stringMatching(/timed out/) });
    expect(d.handoff.summary).toContain('shipping to Austria'); // the extractive one
  });

  it('[LLM2] the deadline is capped well under the service\'s 10 s bot-turn cut-off', () => {
    expect(LLM_TURN_BUDGET_MS).toBeLessThanOrEqual(MAX_TURN_BUDGET_MS);
    expect(MAX_TURN_BUDGET_MS).toBeLessThanOrEqual(8000);
  });

  it('the model\'s answer keeps the risk flags the rules raised', async () => {
    next = json({ mode: 'resolve', reply: 'We take cards, PayPal and invoice.' });
    const d = await ask('Can I pay with PayPal?');
    expect(d).toMatchObject({ mode: 'resolve', rule: 'LLM.resolve', riskFlags: ['billing'] });
  });

  it('the model may choose to escalate, recorded as accuracy_risk with its reason', async () => {
    next = json({ mode: 'escalate', reply: 'x', reason: 'The article does not cover customs for Norway.' });
    const d = await ask('How long does shipping to Austria take?');
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'accuracy_risk', reason: 'The article does not cover customs for Norway.' });
  });
});
