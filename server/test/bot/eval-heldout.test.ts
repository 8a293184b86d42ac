// The frozen held-out set (server/eval/heldout.jsonl): written from LABELS.md alone by someone who
// never saw the engine, its playbook or its training data, and never edited to fit. The engine is
// not tuned on it; this test keeps the targets from slipping.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import { type CaseResult, parseCases, replay, summarize } from '../../src/bot/eval.js';

const root = resolve(import.meta.dirname, '../..');
const cases = parseCases(readFileSync(resolve(root, 'eval/heldout.jsonl'), 'utf8'));

describe('the frozen held-out set (server/eval/heldout.jsonl)', () => {
  it('is what the issue asks for: ≥ 150 conversations, a third not in English, ≥ 40 multi-turn, ≥ 25 hard negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => c.lang && c.lang !== 'en').length).toBeGreaterThanOrEqual(cases.length / 3);
    expect(cases.filter((c) => c.turns.length > 1).length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.escalateAt === null).length).toBeGreaterThanOrEqual(25);
  });

  it('[EV3] recall ≥ 0.95, precision ≥ 0.90, trigger accuracy ≥ 0.85, none later than labelled, no clarify loop', async () => {
    const bot = loadEngine(resolve(root, 'sites/demo'));
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await replay(bot, c));
    const summary = summarize(results);
    const failing = results.filter((r) => !r.pass).map((r) => `${r.id}: ${r.decisions.map((d) => d.rule).join(' → ')}`).join('\n');
    expect(summary.escalation_recall, failing).toBeGreaterThanOrEqual(0.95);
    expect(summary.escalation_precision, failing).toBeGreaterThanOrEqual(0.9);
    expect(summary.trigger_accuracy, failing).toBeGreaterThanOrEqual(0.85);
    expect(summary.clarify_loops).toBe(0);
    // A miss is counted by recall; an escalation that came, came no later than labelled.
    expect(results.filter((r) => r.escalatedAt !== null && r.expected.escalateAt !== null && r.escalatedAt > r.expected.escalateAt)).toEqual([]);
  }, 60_000);
});
