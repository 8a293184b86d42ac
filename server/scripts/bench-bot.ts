// A bot turn's latency — signals + retrieval + policy, no LLM, no action I/O — on a generated
// 1,000-article knowledge base with the demo playbook. Target: p99 under 10 ms on this machine.
import { resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { EngineBot } from '../src/bot/engine.js';
import { builtinModelInfo, builtinUnderstanding } from '../src/bot/nlu/index.js';
import { type Article, KnowledgeBase, loadArticles } from '../src/bot/knowledge.js';
import { loadPlaybook } from '../src/bot/playbook.js';
import { evaluate } from '../src/core/policy/evaluate.js';

const siteDir = resolve(import.meta.dirname, '../sites/demo');
const real = loadArticles(resolve(siteDir, 'kb'));
const words = real.flatMap((a) => `${a.title} ${a.keywords} ${a.body}`.toLowerCase().match(/[a-z]{4,}/g) ?? []);
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = () => words[Math.floor(rand() * words.length)]!;
const articles: Article[] = [...real];
while (articles.length < 1000) {
  const n = articles.length;
  articles.push({
    id: `gen-${n}`,
    title: `${pick()} ${pick()} ${pick()}`,
    keywords: Array.from({ length: 5 }, pick).join(', '),
    body: Array.from({ length: 120 }, pick).join(' '),
  });
}

const queries = [
  'How long does shipping to Austria take?', 'Where is my order A-10422?', 'I want to talk to a human', 'This is ridiculous, nobody answers!!!',
  'Can I pay with PayPal?', 'I was charged twice for my order', 'We need a quote for 500 units', 'I have a question', 'How do I return an item?',
  "I'm not angry, I'm asking about your refund policy", 'My card was declined at checkout, what should I do? My email is jane@example.com',
  'Je voudrais parler à un responsable, pas à un robot', 'Wo bleibt meine Rückerstattung? Das ist jetzt das dritte Mal', 'necesitamos 40 licencias para la oficina',
  'czy mogę zapłacić kartą?', 'ik krijg steeds foutcode E-402 bij het retourneren',
];
// The model loads once per process, before the first turn: its size and load time are reported apart.
const understanding = builtinUnderstanding();
const model = builtinModelInfo();
console.log(`understanding model: ${(model.bytes / 1024).toFixed(0)} KB, loaded in ${model.loadMs.toFixed(1)} ms${model.stale ? ' (STALE: run pnpm nlu:train)' : ''}`);
const bot = new EngineBot(loadPlaybook(resolve(siteDir, 'playbook.yaml')), new KnowledgeBase(articles), siteDir, understanding);
const at = new Date().toISOString();
const message = (seq: number, kind: 'visitor' | 'bot', body: string): Message => ({ id: `m${seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author: { kind }, body, createdAt: at });

// Every turn re-reads the whole transcript (entities over all visitor turns, repetition against
// each earlier one), so a long conversation costs more than a short one: measure both.
const earlier = [
  'Hello there', 'I ordered a jacket last week', 'It was order A-10422', 'My email is jane@example.com', 'It has not arrived yet',
  'The tracking page says in transit', 'Can I change the delivery address?', 'I will be away from Friday', 'Could DHL leave it at a packstation?',
  'And how do returns work if it does not fit?', 'The size guide said M', 'I usually wear a 38', 'Is exchange free?', 'What about sale items?',
  'OK, and how long does a refund take?', 'Do you ship to Austria as well?', 'My sister lives in Vienna', 'Can I pay her order by invoice?', 'Thanks so far',
];
const conversation = (turns: number, text: string, i: number): Message[] => {
  const h: Message[] = [];
  for (let t = 0; t < turns - 1; t++) {
    h.push(message(h.length + 1, 'visitor', earlier[t % earlier.length]!));
    h.push(message(h.length + 1, 'bot', `Answer ${t} to your question.`));
  }
  // The newest message is new text on every turn, as in a real conversation (no cache can know it).
  h.push(message(h.length + 1, 'visitor', `${text} (ref ${turns}-${i})`));
  return h;
};

function measure(turns: number) {
  const turn = (i: number) => {
    const history = conversation(turns, queries[i % queries.length]!, i);
    const t = process.hrtime.bigint();
    evaluate(bot.prepare({ site: { id: 's', key: 'demo', name: 'Demo' }, conversationId: 'c', history, previousDecisions: [], now: new Date() }));
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let i = 0; i < 300; i++) turn(i); // warm-up (JIT, model load)
  const samples: number[] = [];
  for (let i = 300; i < 3300; i++) samples.push(turn(i));
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return { visitor_turns: turns, turns: samples.length, p50_ms: +q(0.5).toFixed(3), p99_ms: +q(0.99).toFixed(3), max_ms: +samples.at(-1)!.toFixed(3) };
}

const mix = [2, 20].map(measure);
for (const m of mix) {
  console.log(`bot turn, ${m.visitor_turns}-turn conversations, ${articles.length} articles: p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, max ${m.max_ms} ms over ${m.turns} turns (target p99 < 10 ms)`);
}
const worst = mix.reduce((a, b) => (b.p99_ms > a.p99_ms ? b : a));
const result = { bench: 'bot_turn', model_kb: Math.round(model.bytes / 1024), model_load_ms: +model.loadMs.toFixed(1), articles: articles.length, turns: mix.reduce((n, m) => n + m.turns, 0), p50_ms: mix[0]!.p50_ms, p99_ms: worst.p99_ms, max_ms: Math.max(...mix.map((m) => m.max_ms)), target_p99_ms: 10, mix };
console.log(JSON.stringify(result));
