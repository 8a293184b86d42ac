// The demo site's labelled conversations as a regression test: the same replay `pnpm eval:policy`
// runs, through the real engine (signals, knowledge base, playbook, order lookups), failing when
// escalation quality drops below what the demo promises.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import { type CaseResult, parseCases, replay, summarize } from '../../src/bot/eval.js';

const root = resolve(import.meta.dirname, '../..');
const cases = parseCases(readFileSync(resolve(root, 'eval/demo.jsonl'), 'utf8'));

describe('the demo labelled set (server/eval/demo.jsonl)', () => {
  it('[EV1] covers every trigger, resolve without escalation, clarify-then-resolve and hard negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const triggers = new Set(cases.map((c) => c.trigger).filter(Boolean));
    expect([...triggers].sort()).toEqual(['accuracy_risk', 'emotional_urgency', 'high_value_intent', 'visitor_request', 'workflow_failure']);
    expect(cases.filter((c) => c.escalateAt === null).length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.turns.some((t) => typeof t !== 'string' && t.expect === 'clarify') && c.escalateAt === null).length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.id.startsWith('neg-')).length).toBeGreaterThanOrEqual(5);
  });

  it('[EV2] replayed through the engine, escalation precision, recall and trigger accuracy stay ≥ 0.95 with no clarify loops', async () => {
    const bot = loadEngine(resolve(root, 'sites/demo'));
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await replay(bot, c));
    const summary = summarize(results);
    const failing = results.filter((r) => !r.pass).map((r) => `${r.id}: ${r.decisions.map((d) => d.rule).join(' → ')}`);
    console.log(JSON.stringify({ summary }));
    expect(summary.escalation_precision, failing.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(summary.escalation_recall, failing.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(summary.trigger_accuracy, failing.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(summary.clarify_loops, failing.join('\n')).toBe(0);
    expect(summary.passed / summary.conversations, failing.join('\n')).toBeGreaterThanOrEqual(0.95);
  }, 30_000);
});
