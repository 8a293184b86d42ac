// A linear classifier (softmax regression) over hashed features: one weight row per feature seen
// in training. Small, fast (a turn reads ~150 rows), and explainable: a decision names the
// n-grams that weighed most. The file holds several heads over the same features (the signals,
// the language). `pnpm nlu:train` writes it from server/nlu/corpus/.
import { featureNames, featurize, type FeatureVector, HASH_BITS } from './features.js';

export interface Head {
  labels: string[];
  /** Feature hash → row number in `weights`. */
  rows: Map<number, number>;
  /** rows × labels, row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface Reading {
  /** Probability per label, summing to 1. */
  p: Record<string, number>;
  best: string;
}

export function predict(head: Head, fv: FeatureVector): Reading {
  const k = head.labels.length;
  const z = Float64Array.from(head.bias);
  for (let i = 0; i < fv.index.length; i++) {
    const row = head.rows.get(fv.index[i]!);
    if (row === undefined) continue;
    const x = fv.value[i]!;
    const at = row * k;
    for (let c = 0; c < k; c++) z[c]! += head.weights[at + c]! * x;
  }
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - max);
  const p: Record<string, number> = {};
  let best = 0;
  for (let c = 0; c < k; c++) {
    p[head.labels[c]!] = z[c]! / sum;
    if (z[c]! > z[best]!) best = c;
  }
  return { p, best: head.labels[best]! };
}

/** The features that pushed hardest towards `label` (against the average of the others). */
export function strongest(head: Head, fv: FeatureVector, label: string, n = 3): string[] {
  const k = head.labels.length;
  const c = head.labels.indexOf(label);
  if (c < 0) return [];
  const pushes: { name: string; w: number }[] = [];
  const names = featureNames(fv.text);
  for (let i = 0; i < fv.index.length; i++) {
    const row = head.rows.get(fv.index[i]!);
    if (row === undefined) continue;
    let others = 0;
    for (let o = 0; o < k; o++) if (o !== c) others += head.weights[row * k + o]!;
    const w = head.weights[row * k + c]! - others / (k - 1);
    if (w > 0) pushes.push({ name: names.get(fv.index[i]!) ?? '', w });
  }
  // Words and word pairs first: "manager" says more to an agent than "nag".
  pushes.sort((a, b) => Number(a.name.startsWith('~')) - Number(b.name.startsWith('~')) || b.w - a.w);
  const out: string[] = [];
  for (const { name } of pushes) {
    const shown = name.replace(/^~|[<>^$]/g, '').trim();
    if ((shown.length < 4 && !shown.includes(' ')) || out.some((o) => o.includes(shown) || shown.includes(o))) continue;
    out.push(shown);
    if (out.length === n) break;
  }
  return out;
}

// The file: "BNLU", a uint32 header length, a JSON header, then per head its row hashes (uint32),
// a scale per row (float32), its weights (int8, scaled per row) and its bias (float32).
const MAGIC = 'BNLU';

export interface ModelFile {
  heads: Record<string, Head>;
  /** sha256 of the corpus the model was trained on. */
  corpus: string;
  trainedAt: string;
}

export function encodeModel(model: ModelFile): Buffer {
  const parts: Buffer[] = [];
  const heads: { name: string; labels: string[]; rows: number }[] = [];
  for (const [name, head] of Object.entries(model.heads)) {
    const k = head.labels.length;
    const n = head.rows.size;
    const hashes = new Uint32Array(n);
    const scales = new Float32Array(n);
    const q = new Int8Array(n * k);
    let r = 0;
    for (const [hash, row] of head.rows) {
      hashes[r] = hash;
      let max = 0;
      for (let c = 0; c < k; c++) max = Math.max(max, Math.abs(head.weights[row * k + c]!));
      const scale = max / 127 || 1;
      scales[r] = scale;
      for (let c = 0; c < k; c++) q[r * k + c] = Math.round(head.weights[row * k + c]! / scale);
      r++;
    }
    heads.push({ name, labels: head.labels, rows: n });
    parts.push(Buffer.from(hashes.buffer), Buffer.from(scales.buffer), Buffer.from(q.buffer), Buffer.from(Float32Array.from(head.bias).buffer));
  }
  const header = Buffer.from(JSON.stringify({ version: 1, hashBits: HASH_BITS, corpus: model.corpus, trainedAt: model.trainedAt, heads }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(MAGIC), len, header, ...parts]);
}

export function decodeModel(buf: Buffer): ModelFile {
  if (buf.subarray(0, 4).toString() !== MAGIC) throw new Error('not a Baton NLU model (bad magic)');
  const headerLength = buf.readUInt32LE(4);
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString()) as {
    version: number;
    hashBits: number;
    corpus: string;
    trainedAt: string;
    heads: { name: string; labels: string[]; rows: number }[];
  };
  if (header.version !== 1 || header.hashBits !== HASH_BITS) throw new Error(`model version ${header.version}/${header.hashBits} bits does not match this build (1/${HASH_BITS})`);
  let at = 8 + headerLength;
  // Copies, not views: a view into a Node buffer need not be aligned for its element type.
  const take = (bytes: number) => {
    const out = new Uint8Array(bytes);
    out.set(buf.subarray(at, at + bytes));
    at += bytes;
    return out.buffer;
  };
  const heads: Record<string, Head> = {};
  for (const h of header.heads) {
    const k = h.labels.length;
    const hashes = new Uint32Array(take(h.rows * 4));
    const scales = new Float32Array(take(h.rows * 4));
    const q = new Int8Array(take(h.rows * k));
    const bias = new Float32Array(take(k * 4));
    const weights = new Float32Array(h.rows * k);
    const rows = new Map<number, number>();
    for (let r = 0; r < h.rows; r++) {
      rows.set(hashes[r]!, r);
      for (let c = 0; c < k; c++) weights[r * k + c] = q[r * k + c]! * scales[r]!;
    }
    heads[h.name] = { labels: h.labels, rows, weights, bias };
  }
  if (at !== buf.length) throw new Error('model file has trailing bytes (truncated or corrupt)');
  return { heads, corpus: header.corpus, trainedAt: header.trainedAt };
}

export { featurize };
