// Training for the understanding layer: softmax regression by stochastic gradient descent with L2,
// classes weighted so the large `none` class does not drown the rest. Deterministic: the same
// corpus gives the same model (seeded shuffle), so a committed model can be checked against it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type FeatureVector, featurize, HASH_BITS } from './features.js';
import type { Head } from './model.js';

export const CorpusLine = z.object({ text: z.string().min(1).max(1000), label: z.string().regex(/^[a-z_]+$/) });
export interface CorpusExample {
  text: string;
  label: string;
  lang: string;
}

const corpusFiles = (dir: string) => readdirSync(dir).filter((f) => /^[a-z]{2}(?:\.[a-z]+)?\.jsonl$/.test(f)).sort();

/** The corpus's fingerprint, from the files as they are (cheap: no parsing), to tell a stale model. */
export function corpusHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of corpusFiles(dir)) hash.update(file).update('\0').update(readFileSync(join(dir, file), 'utf8')).update('\0');
  return hash.digest('hex');
}

/** Every `<lang>[.<source>].jsonl` in the folder; a bad line fails with its file and line number. */
export function readCorpus(dir: string): { examples: CorpusExample[]; hash: string } {
  const examples: CorpusExample[] = [];
  for (const file of corpusFiles(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const lang = file.slice(0, 2);
    for (const [n, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`${file}: line ${n + 1}: not valid JSON`);
      }
      const parsed = CorpusLine.safeParse(raw);
      if (!parsed.success) throw new Error(`${file}: line ${n + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      examples.push({ ...parsed.data, lang });
    }
  }
  return { examples, hash: corpusHash(dir) };
}

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

export function trainHead(data: { fv: FeatureVector; label: string }[], opts: TrainOptions = {}): Head {
  const { epochs = 30, learningRate = 0.6, l2 = 1e-6, seed = 7 } = opts;
  const labels = [...new Set(data.map((d) => d.label))].sort();
  const k = labels.length;
  const y = data.map((d) => labels.indexOf(d.label));
  const counts = labels.map((_, c) => y.filter((v) => v === c).length);
  // Inverse square root of the class size: rare classes count more, without overfitting them.
  const classWeight = counts.map((n) => Math.sqrt(Math.max(...counts) / n));
  const dim = 1 << HASH_BITS;
  const w = new Float32Array(dim * k);
  const bias = new Float32Array(k);
  const touched = new Set<number>();
  const order = data.map((_, i) => i);
  const random = mulberry32(seed);
  const z = new Float64Array(k);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const lr = learningRate / (1 + epoch * 0.2);
    for (const n of order) {
      const { fv } = data[n]!;
      for (let c = 0; c < k; c++) z[c] = bias[c]!;
      for (let i = 0; i < fv.index.length; i++) {
        const at = fv.index[i]! * k;
        for (let c = 0; c < k; c++) z[c]! += w[at + c]! * fv.value[i]!;
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
      const cw = classWeight[y[n]!]!;
      for (let c = 0; c < k; c++) {
        const g = cw * (z[c]! / sum - (c === y[n] ? 1 : 0));
        bias[c]! -= lr * g * 0.1;
        for (let i = 0; i < fv.index.length; i++) {
          const at = fv.index[i]! * k + c;
          w[at]! -= lr * (g * fv.value[i]! + l2 * w[at]!);
        }
      }
      for (let i = 0; i < fv.index.length; i++) touched.add(fv.index[i]!);
    }
  }
  const rows = new Map<number, number>();
  const kept: number[] = [];
  for (const f of [...touched].sort((a, b) => a - b)) {
    let max = 0;
    for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(w[f * k + c]!));
    if (max < 1e-3) continue;
    rows.set(f, kept.length);
    kept.push(f);
  }
  const weights = new Float32Array(kept.length * k);
  kept.forEach((f, r) => weights.set(w.subarray(f * k, f * k + k), r * k));
  return { labels, rows, weights, bias };
}

export function featurizeCorpus(examples: CorpusExample[]) {
  return examples.map((e) => ({ ...e, fv: featurize(e.text) }));
}
