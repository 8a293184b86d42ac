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

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface FeatureVector {
  /** Hashed feature indices, each once. */
  index: Uint32Array;
  /** Feature values (L2-normalised presence). */
  value: Float32Array;
  /** The feature behind each index, for explanations. */
  name: string[];
}

/** The features of one text, each counted once, the vector scaled to unit length. */
export function featurize(text: string): FeatureVector {
  const folded = fold(text);
  const ws = words(folded);
  const names = new Map<number, string>();
  // Character n-grams are named with a leading ~ so explanations can prefer whole words.
  const add = (kind: string, s: string) => {
    const h = fnv1a(`${kind}${s}`) & MASK;
    if (!names.has(h)) names.set(h, kind === 'c:' ? `~${s}` : s);
  };
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    add('w:', w);
    add('b:', `${i === 0 ? '^' : ws[i - 1]} ${w}`);
    if (w.length < 2) continue;
    const padded = `<${w}>`;
    for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= padded.length; j++) add('c:', padded.slice(j, j + n));
  }
  if (ws.length > 0) add('b:', `${ws.at(-1)} $`);
  // Shouting is a signal of its own, whatever the words.
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 8 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) add('m:', 'all caps');
  if (/[!?]{3,}/.test(text)) add('m:', '!!!');
  const n = names.size;
  const index = new Uint32Array(n);
  const value = new Float32Array(n);
  const name: string[] = [];
  const v = n > 0 ? 1 / Math.sqrt(n) : 0;
  let i = 0;
  for (const [h, s] of names) {
    index[i] = h;
    value[i] = v;
    name.push(s);
    i++;
  }
  return { index, value, name };
}
