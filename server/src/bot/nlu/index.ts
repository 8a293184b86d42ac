// The understanding layer the signals read: the learned signal and language heads, plus the
// nearest labelled example (from the corpus, or a site's own examples) as evidence an agent can
// check. Loaded once per process; readings of the same text are remembered.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type FeatureVector, featurize } from './features.js';
import { decodeModel, type Head, predict, type Reading, strongest } from './model.js';
import { corpusHash, type CorpusExample, readCorpus } from './train.js';

export const NLU_DIR = resolve(import.meta.dirname, '../../../nlu');

export interface Nearest {
  text: string;
  label: string;
  similarity: number;
}

export interface TextReading {
  signal: Reading;
  language: Reading;
  /** The closest of the site's own labelled examples, when it is close enough to count. */
  site: Nearest | null;
  fv: FeatureVector;
}

/**
 * An inverted index over labelled examples: cosine similarity of hashed feature vectors. Sealed,
 * the postings sit in typed arrays, 8 bytes each; as one object per posting the corpus's index
 * held 75 MB of heap.
 */
class ExampleIndex {
  readonly examples: { text: string; label: string }[] = [];
  /** hash → [id, value, id, value, …], until sealed. */
  private pending: Map<number, number[]> | null = new Map();
  /** hash → its postings, ids[starts[slot]..starts[slot + 1]). */
  private readonly slots = new Map<number, number>();
  private starts = new Uint32Array(1);
  private ids = new Uint32Array(0);
  private values = new Float32Array(0);

  add(text: string, label: string, fv = featurize(text)) {
    if (!this.pending) throw new Error('ExampleIndex: sealed');
    const id = this.examples.push({ text, label }) - 1;
    for (let i = 0; i < fv.index.length; i++) {
      const h = fv.index[i]!;
      let list = this.pending.get(h);
      if (!list) this.pending.set(h, (list = []));
      list.push(id, fv.value[i]!);
    }
  }

  /** Moves the postings into typed arrays; nothing can be added after. */
  seal(): this {
    if (!this.pending) return this;
    let total = 0;
    for (const list of this.pending.values()) total += list.length / 2;
    this.starts = new Uint32Array(this.pending.size + 1);
    this.ids = new Uint32Array(total);
    this.values = new Float32Array(total);
    let at = 0;
    for (const [h, list] of this.pending) {
      const slot = this.slots.size;
      this.slots.set(h, slot);
      this.starts[slot] = at;
      for (let k = 0; k < list.length; k += 2, at++) {
        this.ids[at] = list[k]!;
        this.values[at] = list[k + 1]!;
      }
    }
    this.starts[this.slots.size] = at;
    this.pending = null;
    return this;
  }

  nearest(fv: FeatureVector, label?: string): Nearest | null {
    if (this.examples.length === 0) return null;
    const score = new Float32Array(this.examples.length);
    for (let i = 0; i < fv.index.length; i++) {
      const h = fv.index[i]!;
      const v = fv.value[i]!;
      const slot = this.slots.get(h);
      if (slot !== undefined) for (let k = this.starts[slot]!; k < this.starts[slot + 1]!; k++) score[this.ids[k]!]! += this.values[k]! * v;
      const list = this.pending?.get(h);
      if (list) for (let k = 0; k < list.length; k += 2) score[list[k]!]! += list[k + 1]! * v;
    }
    let best = -1;
    for (let id = 0; id < score.length; id++) {
      if (label && this.examples[id]!.label !== label) continue;
      if (best < 0 || score[id]! > score[best]!) best = id;
    }
    return best < 0 ? null : { ...this.examples[best]!, similarity: score[best]! };
  }
}

/** The corpus index, built a slice at a time so the event loop never waits more than a few ms. */
interface CorpusIndex {
  index: ExampleIndex | null;
  partial: { index: ExampleIndex; examples: CorpusExample[]; next: number } | null;
  building: Promise<void> | null;
}

const INDEX_SLICE = 200;

const CACHE_MAX = 5000;

export class Understanding {
  /** Shared with the site-specific copies, so warming one warms them all. */
  private corpusIndex: CorpusIndex = { index: null, partial: null, building: null };
  private readonly cache = new Map<string, TextReading>();
  private readonly siteIndex = new ExampleIndex();

  constructor(
    readonly signalHead: Head,
    readonly languageHead: Head,
    private readonly corpus: () => CorpusExample[],
    /** A site's own examples per label, matched by similarity on top of the model. */
    siteExamples: Record<string, string[]> = {},
    /** How similar a site example must be to count. */
    private readonly siteSimilarity = 0.6,
  ) {
    for (const [label, texts] of Object.entries(siteExamples)) for (const t of texts) this.siteIndex.add(t, label);
    this.siteIndex.seal();
  }

  /** The same model with a site's own examples on top. */
  withSiteExamples(examples: Record<string, string[]>): Understanding {
    const u = new Understanding(this.signalHead, this.languageHead, this.corpus, examples, this.siteSimilarity);
    u.corpusIndex = this.corpusIndex;
    return u;
  }

  get labels(): string[] {
    return this.signalHead.labels;
  }

  read(text: string): TextReading {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const fv = featurize(text);
    const site = this.siteIndex.nearest(fv);
    const reading: TextReading = {
      signal: predict(this.signalHead, fv),
      language: predict(this.languageHead, fv),
      site: site && site.similarity >= this.siteSimilarity ? site : null,
      fv,
    };
    this.cache.set(text, reading);
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return reading;
  }

  /**
   * Indexes the corpus for explanations, off the first escalation's path: a few hundred ms of
   * work in slices between other events (done at once, it held every socket up for 800 ms).
   */
  warm(): Promise<void> {
    const shared = this.corpusIndex;
    shared.building ??= (async () => {
      while (!shared.index) {
        await new Promise((r) => setImmediate(r));
        this.indexSome(INDEX_SLICE);
      }
    })();
    return shared.building;
  }

  /** What made a reading: the n-grams that weighed most and the nearest labelled example. */
  explain(reading: TextReading, label: string): { ngrams: string[]; nearest: Nearest | null } {
    if (reading.site?.label === label) return { ngrams: [], nearest: reading.site };
    this.indexSome(Infinity);
    return { ngrams: strongest(this.signalHead, reading.fv, label), nearest: this.corpusIndex.index!.nearest(reading.fv, label) };
  }

  private indexSome(count: number): void {
    const shared = this.corpusIndex;
    if (shared.index) return;
    shared.partial ??= { index: new ExampleIndex(), examples: this.corpus(), next: 0 };
    const p = shared.partial;
    for (const end = Math.min(p.examples.length, p.next + count); p.next < end; p.next++) p.index.add(p.examples[p.next]!.text, p.examples[p.next]!.label);
    if (p.next < p.examples.length) return;
    shared.index = p.index.seal();
    shared.partial = null;
  }
}

let shared: { understanding: Understanding; loadMs: number; bytes: number; stale: boolean } | null = null;

/** The built-in model (server/nlu/model.bin), loaded on first use. */
export function builtinUnderstanding(): Understanding {
  return loadBuiltin().understanding;
}

/** Size, load time and whether the model was trained on the corpus in the repository. */
export function builtinModelInfo() {
  const { loadMs, bytes, stale } = loadBuiltin();
  return { loadMs, bytes, stale };
}

function loadBuiltin() {
  if (shared) return shared;
  const started = performance.now();
  const file = resolve(NLU_DIR, 'model.bin');
  if (!existsSync(file)) throw new Error(`No understanding model at ${file}: run pnpm nlu:train`);
  const buf = readFileSync(file);
  const model = decodeModel(buf);
  const signal = model.heads.signal;
  const language = model.heads.language;
  if (!signal || !language) throw new Error(`${file}: the model needs a signal and a language head`);
  // The corpus itself is read only when a decision is first explained (its nearest example).
  const understanding = new Understanding(signal, language, () => readCorpus(resolve(NLU_DIR, 'corpus')).examples);
  const stale = corpusHash(resolve(NLU_DIR, 'corpus')) !== model.corpus;
  shared = { understanding, loadMs: performance.now() - started, bytes: buf.length, stale };
  // Once the server has started, not during: the first escalation should not pay for it.
  // A corpus that cannot be read fails the first explanation instead, where it is reported.
  setTimeout(() => understanding.warm().catch(() => {}), 2000).unref();
  return shared;
}
