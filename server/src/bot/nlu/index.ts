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

/** An inverted index over labelled examples: cosine similarity of hashed feature vectors. */
class ExampleIndex {
  private readonly postings = new Map<number, { id: number; value: number }[]>();
  readonly examples: { text: string; label: string }[] = [];

  add(text: string, label: string, fv = featurize(text)) {
    const id = this.examples.push({ text, label }) - 1;
    for (let i = 0; i < fv.index.length; i++) {
      const h = fv.index[i]!;
      let list = this.postings.get(h);
      if (!list) this.postings.set(h, (list = []));
      list.push({ id, value: fv.value[i]! });
    }
  }

  nearest(fv: FeatureVector, label?: string): Nearest | null {
    if (this.examples.length === 0) return null;
    const score = new Float32Array(this.examples.length);
    for (let i = 0; i < fv.index.length; i++) {
      for (const p of this.postings.get(fv.index[i]!) ?? []) score[p.id]! += p.value * fv.value[i]!;
    }
    let best = -1;
    for (let id = 0; id < score.length; id++) {
      if (label && this.examples[id]!.label !== label) continue;
      if (best < 0 || score[id]! > score[best]!) best = id;
    }
    return best < 0 ? null : { ...this.examples[best]!, similarity: score[best]! };
  }
}

const CACHE_MAX = 5000;

export class Understanding {
  /** Shared with the site-specific copies, so warming one warms them all. */
  private corpusIndex: { index: ExampleIndex | null } = { index: null };
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

  /** Indexes the corpus for explanations now, off the first escalation's path (a few hundred ms). */
  warm(): void {
    this.corpusIndex.index ??= this.indexCorpus();
  }

  /** What made a reading: the n-grams that weighed most and the nearest labelled example. */
  explain(reading: TextReading, label: string): { ngrams: string[]; nearest: Nearest | null } {
    if (reading.site?.label === label) return { ngrams: [], nearest: reading.site };
    this.warm();
    return { ngrams: strongest(this.signalHead, reading.fv, label), nearest: this.corpusIndex.index!.nearest(reading.fv, label) };
  }

  private indexCorpus(): ExampleIndex {
    const index = new ExampleIndex();
    for (const e of this.corpus()) index.add(e.text, e.label);
    return index;
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
  setTimeout(() => understanding.warm(), 2000).unref();
  return shared;
}
