// pnpm nlu:train [--cv]: trains the understanding layer from server/nlu/corpus/*.jsonl and writes
// server/nlu/model.bin (the signal head and the language head). --cv first reports 5-fold
// cross-validated accuracy per label and language on the corpus itself.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeModel, type Head, predict } from '../src/bot/nlu/model.js';
import { featurizeCorpus, readCorpus, trainHead } from '../src/bot/nlu/train.js';
import { LABEL_TRIGGER } from '../src/core/policy/understanding.js';

const { values } = parseArgs({ options: { cv: { type: 'boolean', default: false } } });
const dir = resolve(import.meta.dirname, '../nlu');
const started = performance.now();
const { examples, hash } = readCorpus(resolve(dir, 'corpus'));
const data = featurizeCorpus(examples);
console.log(`corpus: ${examples.length} utterances, ${new Set(examples.map((e) => e.lang)).size} languages, ${new Set(examples.map((e) => e.label)).size} labels`);

if (values.cv) {
  const folds = 5;
  const hits = { signal: new Map<string, [number, number]>(), trigger: new Map<string, [number, number]>(), language: new Map<string, [number, number]>() };
  const triggerOf = (label: string) => LABEL_TRIGGER[label] ?? 'none';
  for (let f = 0; f < folds; f++) {
    // Runs of eight lines per fold: a generated seed's variants sit next to each other and must not
    // be split between training and test (that would score the typo against its own original).
    const fold = (i: number) => Math.floor(i / 8) % folds;
    const train = data.filter((_, i) => fold(i) !== f);
    const test = data.filter((_, i) => fold(i) === f);
    const signal = trainHead(train.map((d) => ({ fv: d.fv, label: d.label })));
    const language = trainHead(train.map((d) => ({ fv: d.fv, label: d.lang })));
    for (const d of test) {
      const count = (m: Map<string, [number, number]>, key: string, ok: boolean) => {
        const [a, b] = m.get(key) ?? [0, 0];
        m.set(key, [a + (ok ? 1 : 0), b + 1]);
      };
      const best = predict(signal, d.fv).best;
      count(hits.signal, d.label, best === d.label);
      // What the policy acts on: the trigger (or none), not the finer label.
      count(hits.trigger, triggerOf(d.label), triggerOf(best) === triggerOf(d.label));
      count(hits.language, d.lang, predict(language, d.fv).best === d.lang);
    }
  }
  for (const [name, m] of Object.entries(hits)) {
    const total = [...m.values()].reduce((s, [a, b]) => [s[0]! + a, s[1]! + b], [0, 0]);
    console.log(`cv ${name}: ${(total[0]! / total[1]!).toFixed(3)} — ${[...m].sort().map(([k, [a, b]]) => `${k} ${(a / b).toFixed(2)}`).join(', ')}`);
  }
}

const heads: Record<string, Head> = {
  signal: trainHead(data.map((d) => ({ fv: d.fv, label: d.label }))),
  language: trainHead(data.map((d) => ({ fv: d.fv, label: d.lang }))),
};
const file = resolve(dir, 'model.bin');
const bytes = encodeModel({ heads, corpus: hash, trainedAt: new Date().toISOString().slice(0, 10) });
writeFileSync(file, bytes);
console.log(
  `wrote ${file}: ${(bytes.length / 1024).toFixed(0)} KB, ${Object.entries(heads).map(([n, h]) => `${n} ${h.rows.size} rows × ${h.labels.length}`).join(', ')}, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
