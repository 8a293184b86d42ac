// Features for the understanding layer: word unigrams and bigrams plus character 3–5-grams inside
// words (typos, inflections and compounds share most of their n-grams), hashed into a fixed space
// so the model needs no vocabulary. Text is folded first (case, accents, repeated letters) so that
// "ça marche pas", "CA MARCHE PAS!!!" and "ca marcheeee pas" read alike.

/** log2 of the hashed feature space. */
export const HASH_BITS = 18;
const MASK = (1 << HASH_BITS) - 1;

const FOLD: Record<string, string> = { ł: 'l', ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ı: 'i' };

/** Lower case, no accents, placeholders for what varies per visitor (emails, order numbers, numbers). */
export function fold(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' zemail ')
    .replace(/\bhttps?:\/\/\S+/gi, ' zurl ')
    .replace(/\b[A-Za-z]{1,2}-?\d{4,8}\b/g, ' zorder ')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[łßøæœđı]/g, (c) => FOLD[c] ?? c)
    .replace(/\d+(?:[.,]\d+)?/g, ' 0 ')
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .replace(/[’`´]/g, "'");
}

export function words(folded: string): string[] {
  return folded.match(/[\p{L}0-9']+|[!?]/gu) ?? [];
}

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

function fnvStep(h: number, s: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, PRIME);
  }
  return h;
}

// Each kind of feature hashes from its own prefix ("w:", "b:", "c:", "m:"), so a word and a
// character n-gram with the same letters are different features.
const WORD = fnvStep(OFFSET, 'w:');
const PAIR = fnvStep(OFFSET, 'b:');
const CHARS = fnvStep(OFFSET, 'c:');
const META = fnvStep(OFFSET, 'm:');
const SPACE = fnvStep(PAIR, '^ ');

export interface FeatureVector {
  /** Hashed feature indices, each once. */
  index: Uint32Array;
  /** Feature values (L2-normalised presence). */
  value: Float32Array;
  /** The text the features were read from (explanations read it again to name them). */
  text: string;
}

/**
 * Every feature of a text, calling `emit(hash, name)`. The hot path passes no namer and builds no
 * strings beyond the words; explanations pass one to learn what each hash was.
 */
function readFeatures(text: string, emit: (hash: number, name?: () => string) => void, named: boolean) {
  const ws = words(fold(text));
  const out = (h: number, name: () => string) => emit((h >>> 0) & MASK, named ? name : undefined);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out(fnvStep(WORD, w), () => w);
    const prev = i === 0 ? '^' : ws[i - 1]!;
    out(fnvStep(i === 0 ? SPACE : fnvStep(fnvStep(PAIR, prev), ' '), w), () => `${prev} ${w}`);
    if (w.length < 2) continue;
    const padded = `<${w}>`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) out(fnvStep(CHARS, padded, j, j + n), () => `~${padded.slice(j, j + n)}`);
    }
  }
  if (ws.length > 0) out(fnvStep(fnvStep(PAIR, ws.at(-1)!), ' $'), () => `${ws.at(-1)} $`);
  // Shouting is a signal of its own, whatever the words.
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 8 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) out(fnvStep(META, 'all caps'), () => 'all caps');
  if (/[!?]{3,}/.test(text)) out(fnvStep(META, '!!!'), () => '!!!');
}

/** The features of one text, each counted once, the vector scaled to unit length. */
export function featurize(text: string): FeatureVector {
  const seen = new Set<number>();
  readFeatures(text, (h) => seen.add(h), false);
  const n = seen.size;
  const index = Uint32Array.from(seen);
  const value = new Float32Array(n).fill(n > 0 ? 1 / Math.sqrt(n) : 0);
  return { index, value, text };
}

/** What each feature hash of a text stands for (character n-grams start with ~). Slow: for explanations. */
export function featureNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  readFeatures(text, (h, name) => {
    if (!names.has(h) && name) names.set(h, name());
  }, true);
  return names;
}
