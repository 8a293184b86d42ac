// A bot turn's latency — signals + retrieval + policy, no LLM, no action I/O — on a generated
// 1,000-article knowledge base with the demo playbook. Target: p99 under 10 ms on this machine.
import { resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { EngineBot } from '../src/bot/engine.js';
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
];
const bot = new EngineBot(loadPlaybook(resolve(siteDir, 'playbook.yaml')), new KnowledgeBase(articles), siteDir);
const at = new Date().toISOString();
const history = (text: string, i: number): Message[] => [
  { id: 'a', conversationId: 'c', seq: 1, clientId: 'a', author: { kind: 'visitor' }, body: 'Hello there', createdAt: at },
  { id: 'b', conversationId: 'c', seq: 2, clientId: 'b', author: { kind: 'bot' }, body: 'Hi! How can I help?', createdAt: at },
  { id: `m${i}`, conversationId: 'c', seq: 3, clientId: `k${i}`, author: { kind: 'visitor' }, body: text, createdAt: at },
];

const turn = (i: number) => {
  const prepared = bot.prepare({ site: { id: 's', key: 'demo', name: 'Demo' }, conversationId: 'c', history: history(queries[i % queries.length]!, i), previousDecisions: [], now: new Date() });
  return evaluate(prepared);
};
for (let i = 0; i < 300; i++) turn(i); // warm-up (JIT, model load)
const samples: number[] = [];
for (let i = 0; i < 3000; i++) {
  const t = process.hrtime.bigint();
  turn(i);
  samples.push(Number(process.hrtime.bigint() - t) / 1e6);
}
samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
const result = { bench: 'bot_turn', articles: articles.length, turns: samples.length, p50_ms: +q(0.5).toFixed(3), p99_ms: +q(0.99).toFixed(3), max_ms: +samples.at(-1)!.toFixed(3), target_p99_ms: 10 };
console.log(`bot turn on ${result.articles} articles: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms (target p99 < 10 ms) over ${result.turns} turns`);
console.log(JSON.stringify(result));
