// A small site-specific language model for pocketsphinx (issue 18). The generic English model
// hears synthetic or accented speech as noise; a trigram model of what this site's visitors say,
// over only the words they use, narrows the search enough to recognise them.
// Witten-Bell discounting with back-off (Katz form), written as an ARPA file, plus a dictionary
// trimmed to the model's words so pocketsphinx loads in milliseconds instead of seconds.
import { readFile } from 'node:fs/promises';

export const LM_ORDER = 3;
const BOS = '<s>';
const EOS = '</s>';

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

function below1000(n: number): string[] {
  const words: string[] = [];
  if (n >= 100) {
    words.push(ONES[Math.floor(n / 100)]!, 'hundred');
    n %= 100;
  }
  if (n >= 20) {
    words.push(TENS[Math.floor(n / 10)]!);
    if (n % 10) words.push(ONES[n % 10]!);
  } else if (n > 0 || words.length === 0) words.push(ONES[n]!);
  return words;
}

/** A run of digits as it is said: a cardinal up to 999,999; digit by digit when longer or zero-led ("007"). */
export function numberWords(digits: string): string[] {
  if (digits.length > 6 || (digits.length > 1 && digits.startsWith('0'))) return [...digits].map((d) => ONES[Number(d)]!);
  const n = Number(digits);
  if (n < 1000) return below1000(n);
  const rest = n % 1000;
  return [...below1000(Math.floor(n / 1000)), 'thousand', ...(rest ? below1000(rest) : [])];
}

function ordinalWords(digits: string): string[] {
  const words = numberWords(digits);
  const last = words.pop()!;
  const ordinal = ORDINAL[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, ordinal];
}

const SYMBOLS: Record<string, string> = { '%': ' percent ', '&': ' and ', '@': ' at ', '€': ' euro ', $: ' dollar ', '£': ' pound ', '+': ' plus ' };

/**
 * A sentence as the words a speaker says: lower case, digits spelled, punctuation gone,
 * apostrophes kept inside words ("don't"). The same function reads LM sentences and WER references.
 */
export function spokenWords(sentence: string): string[] {
  const text = sentence
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[%&@€$£+]/g, (s) => SYMBOLS[s]!)
    .replace(/(\d),(\d{3})\b/g, '$1$2') // 1,000
    .replace(/(\d)[.,](\d+)/g, (_, whole: string, fraction: string) => `${whole} point ${[...fraction].map((d) => ONES[Number(d)]).join(' ')} `)
    .replace(/(\d+)(st|nd|rd|th)\b/g, (_, d: string) => ` ${ordinalWords(d).join(' ')} `)
    .replace(/\d+/g, (d) => ` ${numberWords(d).join(' ')} `);
  return text
    .split(/[^a-z']+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** A pronunciation dictionary: word → its lines ("word PH ONES", "word(2) PH ONES"). */
export type Dictionary = ReadonlyMap<string, readonly string[]>;

export async function loadDictionary(path: string): Promise<Dictionary> {
  const dict = new Map<string, string[]>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const word = line.slice(0, space).replace(/\(\d+\)$/, '');
    const lines = dict.get(word);
    if (lines) lines.push(line.trimEnd());
    else dict.set(word, [line.trimEnd()]);
  }
  return dict;
}

/** Sentences as word lists, words the dictionary cannot pronounce dropped (brand names, typos). */
export function corpusWords(sentences: readonly string[], dict: Dictionary): string[][] {
  const out: string[][] = [];
  for (const sentence of sentences) {
    const words = spokenWords(sentence).filter((w) => dict.has(w));
    if (words.length > 0) out.push(words);
  }
  return out;
}

const log10 = (p: number) => Math.log10(p);
const fmt = (x: number) => x.toFixed(6);

/**
 * An ARPA back-off trigram model over the sentences (Witten-Bell: a history that was followed by
 * T distinct words in C tokens keeps T/(C+T) of its mass for words it never saw follow it).
 * Deterministic: n-grams are written sorted.
 */
export function buildArpa(corpus: readonly (readonly string[])[], order = LM_ORDER): string {
  // counts[n-1]: n-gram (joined by ' ') → count
  const counts: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  for (const words of corpus) {
    const seq = [BOS, ...words, EOS];
    for (let n = 1; n <= order; n++) {
      for (let i = 0; i + n <= seq.length; i++) {
        if (n === 1 && i === 0) continue; // <s> is context only
        const gram = seq.slice(i, i + n).join(' ');
        counts[n - 1]!.set(gram, (counts[n - 1]!.get(gram) ?? 0) + 1);
      }
    }
  }
  // History statistics: for each history h, its token count C(h) and distinct followers T(h).
  const historyTokens = new Map<string, number>();
  const historyTypes = new Map<string, number>();
  for (let n = 2; n <= order; n++) {
    for (const [gram, c] of counts[n - 1]!) {
      const h = gram.slice(0, gram.lastIndexOf(' '));
      historyTokens.set(h, (historyTokens.get(h) ?? 0) + c);
      historyTypes.set(h, (historyTypes.get(h) ?? 0) + 1);
    }
  }

  // Probabilities, lowest order first (higher orders back off to them).
  const prob: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  let total = 0;
  for (const c of counts[0]!.values()) total += c;
  for (const [w, c] of counts[0]!) prob[0]!.set(w, c / total);
  const lower = (gram: string): number => {
    // p(w | h) through the back-off chain, for a gram whose own order may be unseen.
    const words = gram.split(' ');
    const n = words.length;
    const seen = prob[n - 1]!.get(gram);
    if (seen !== undefined) return seen;
    if (n === 1) return 0;
    const h = words.slice(0, -1).join(' ');
    return (bow.get(h) ?? 1) * lower(words.slice(1).join(' '));
  };
  const bow = new Map<string, number>();
  for (let n = 2; n <= order; n++) {
    for (const [gram, c] of counts[n - 1]!) {
      const h = gram.slice(0, gram.lastIndexOf(' '));
      prob[n - 1]!.set(gram, c / (historyTokens.get(h)! + historyTypes.get(h)!));
    }
    // Back-off weights of the (n-1)-gram histories: the kept mass over the lower-order mass of unseen followers.
    const seenLower = new Map<string, number>();
    for (const gram of counts[n - 1]!.keys()) {
      const h = gram.slice(0, gram.lastIndexOf(' '));
      seenLower.set(h, (seenLower.get(h) ?? 0) + lower(gram.slice(gram.indexOf(' ') + 1)));
    }
    for (const [h, tokens] of historyTokens) {
      if (h.split(' ').length !== n - 1) continue;
      const types = historyTypes.get(h)!;
      const kept = types / (tokens + types);
      const rest = 1 - (seenLower.get(h) ?? 0);
      bow.set(h, rest > 1e-9 ? kept / rest : 1);
    }
  }

  const lines = ['\\data\\'];
  for (let n = 1; n <= order; n++) lines.push(`ngram ${n}=${counts[n - 1]!.size + (n === 1 ? 1 : 0)}`);
  for (let n = 1; n <= order; n++) {
    lines.push('', `\\${n}-grams:`);
    const grams = [...prob[n - 1]!.keys()];
    if (n === 1) grams.push(BOS);
    grams.sort();
    for (const gram of grams) {
      const p = gram === BOS ? '-99' : fmt(log10(prob[n - 1]!.get(gram)!));
      const b = n < order && bow.has(gram) ? `\t${fmt(log10(bow.get(gram)!))}` : '';
      lines.push(`${p}\t${gram}${b}`);
    }
  }
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

/** The dictionary lines for the model's words, sorted (pocketsphinx loads only these). */
export function trimDictionary(corpus: readonly (readonly string[])[], dict: Dictionary): string {
  const words = [...new Set(corpus.flat())].sort();
  return `${words.flatMap((w) => dict.get(w) ?? []).join('\n')}\n`;
}
