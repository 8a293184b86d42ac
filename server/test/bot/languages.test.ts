// The built-in engine end to end in the visitor's language: the reading, the article it cites and
// the questions it asks come in that language, and what needs a person escalates in any of them.
import { resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import type { BotDecision } from '../../src/bot/provider.js';

const engine = loadEngine(resolve(import.meta.dirname, '../../sites/demo'));
const at = new Date('2026-12-04T10:00:00Z');

async function converse(turns: string[], locale?: string): Promise<BotDecision[]> {
  const history: Message[] = [];
  const decisions: BotDecision[] = [];
  for (const body of turns) {
    history.push({ id: `m${history.length}`, conversationId: 'c', seq: history.length + 1, clientId: `k${history.length}`, author: { kind: 'visitor' }, body, createdAt: at.toISOString() });
    const d = await engine.turn({ site: { id: 's', key: 'demo', name: 'Demo Shop' }, conversationId: 'c', history: [...history], previousDecisions: [...decisions], now: at, ...(locale ? { locale } : {}) });
    decisions.push(d);
    history.push({ id: `m${history.length}`, conversationId: 'c', seq: history.length + 1, clientId: `k${history.length}`, author: { kind: 'bot' }, body: d.reply, createdAt: at.toISOString() });
  }
  return decisions;
}

describe('[NLU2] the engine in eight languages', () => {
  it.each([
    ['fr', 'Combien coûte la livraison en Autriche ?', /9,90 €/, 'Source'],
    ['de', 'Wie lange dauert der Versand nach Österreich?', /2–4 Werktage|2 bis 4 Werktage|2–4 Arbeitstage/, 'Quelle'],
    ['es', '¿Cómo devuelvo un artículo?', /30 días/, 'Fuente'],
    ['nl', 'Hoe lang is een cadeaukaart geldig?', /3 jaar/, 'Bron'],
    ['pl', 'Czy mogę zapłacić PayPalem?', /PayPal/, 'Źródło'],
  ])('%s: a shop question is answered from the article in that language', async (lang, question, answer, source) => {
    const [d] = await converse([question]);
    expect(d).toMatchObject({ mode: 'resolve', rule: 'RES1.grounded', language: lang });
    expect(d!.reply).toMatch(answer);
    expect(d!.reply).toContain(`_${source}: `);
  });

  it('an order question in Italian asks for the number in Italian, then the email, then answers', async () => {
    const [ask, email, done] = await converse(['Dov’è il mio ordine?', 'A-10422', 'jane@example.com']);
    expect(ask).toMatchObject({ mode: 'clarify', missing: 'orderNumber' });
    expect(ask!.reply).toMatch(/numero d'ordine/);
    expect(email).toMatchObject({ mode: 'clarify', missing: 'email' });
    expect(email!.reply).toMatch(/indirizzo email/);
    expect(done).toMatchObject({ mode: 'resolve', rule: 'RES2.action.order_lookup' });
    expect(done!.reply).toMatch(/^Ordine \*\*A-10422\*\*/);
  });

  it('a turn too short to tell keeps the browser\'s language', async () => {
    const [d] = await converse(['ok?'], 'pt-BR');
    expect(d!.language).toBe('pt');
  });

  it.each([
    ['fr', "Je veux parler à un responsable, pas à un robot", 'visitor_request'],
    ['de', 'Jemand hat sich in mein Konto eingeloggt und bestellt auf meine Kosten', 'accuracy_risk'],
    ['es', 'Necesitamos 40 licencias para toda la oficina, ¿nos hacen precio?', 'high_value_intent'],
    ['pl', 'Mama zmarła w zeszłym tygodniu i muszę anulować jej zamówienia', 'emotional_urgency'],
    ['it', 'Clicco su Restituisci e mi dà sempre errore E-402, ho riprovato tre volte', 'workflow_failure'],
  ])('%s: what needs a person escalates with its trigger and says so in that language', async (lang, text, trigger) => {
    const [d] = await converse([text]);
    expect(d).toMatchObject({ mode: 'escalate', trigger, language: lang });
  });
});
