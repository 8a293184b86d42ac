// The language-model builder: a valid ARPA back-off model over the dictionary's words, the same
// bytes for the same sentences.
import { describe, expect, it } from 'vitest';
import { buildArpa, corpusWords, spokenWords, trimDictionary, type Dictionary } from '../../src/speech/lm.js';
import { wordErrorRate } from '../../src/speech/wer.js';

const dict: Dictionary = new Map(
  ['where', 'is', 'my', 'order', 'parcel', 'i', 'want', 'to', 'talk', 'a', 'person', 'how', 'long', 'does', 'shipping', 'take', 'austria', 'one', 'two', 'three'].map((w) => [
    w,
    [`${w} X`],
  ]),
);
(dict as Map<string, string[]>).set('a', ['a AH', 'a(2) EY']);

const SENTENCES = ['Where is my order?', 'where is my parcel', 'I want to talk to a person!', 'How long does shipping to Austria take', 'how long does shipping take', 'my order is Zorbliq-3'];

interface Arpa { counts: number[]; grams: Map<string, { p: number; bow?: number }>[] }

function parseArpa(text: string): Arpa {
  const lines = text.split('\n');
  expect(lines[0]).toBe('\\data\\');
  expect(lines.at(-2)).toBe('\\end\\');
  const counts: number[] = [];
  const grams: Map<string, { p: number; bow?: number }>[] = [];
  let order = 0;
  for (const line of lines.slice(1)) {
    const count = /^ngram (\d)=(\d+)$/.exec(line);
    if (count) counts[Number(count[1]) - 1] = Number(count[2]);
    const section = /^\\(\d)-grams:$/.exec(line);
    if (section) {
      order = Number(section[1]);
      grams[order - 1] = new Map();
      continue;
    }
    if (order === 0 || !line.trim() || line === '\\end\\') continue;
    const [p, gram, bow] = line.split('\t');
    grams[order - 1]!.set(gram!, { p: Number(p), ...(bow !== undefined ? { bow: Number(bow) } : {}) });
  }
  return { counts, grams };
}

/** p(w | history) as a decoder reads the model: the longest known n-gram, back-off weights on the way down. */
function probability(arpa: Arpa, words: string[]): number {
  const gram = words.join(' ');
  const known = arpa.grams[words.length - 1]?.get(gram);
  if (known) return 10 ** known.p;
  const history = words.slice(0, -1).join(' ');
  const bow = arpa.grams[words.length - 2]?.get(history)?.bow ?? 0;
  return 10 ** bow * probability(arpa, words.slice(1));
}

describe('spoken words', () => {
  it('lower-cases, drops punctuation, spells digits as said', () => {
    expect(spokenWords("Where's order A-10422? It's 3 weeks late, 4th time!")).toEqual(
      ["where's", 'order', 'a', 'ten', 'thousand', 'four', 'hundred', 'twenty', 'two', "it's", 'three', 'weeks', 'late', 'fourth', 'time'],
    );
    expect(spokenWords('€14.90 or 20% — 007')).toEqual(['euro', 'fourteen', 'point', 'nine', 'zero', 'or', 'twenty', 'percent', 'zero', 'zero', 'seven']);
  });

  it('word error rate: substitutions, insertions and deletions over the reference', () => {
    expect(wordErrorRate('I want to talk to a person', 'i want to talk to a person')).toBe(0);
    expect(wordErrorRate('how long does shipping take', 'how long shipping takes a')).toBeCloseTo(3 / 5);
  });
});

describe('language model', () => {
  const corpus = corpusWords(SENTENCES, dict);

  it('keeps only words the dictionary can pronounce', () => {
    expect(corpus.at(-1)).toEqual(['my', 'order', 'is', 'three']);
    expect(corpus.flat()).not.toContain('zorbliq');
    expect(trimDictionary(corpus, dict)).toContain('a AH\na(2) EY\n');
    expect(trimDictionary(corpus, dict).split('\n').filter(Boolean)).toHaveLength(new Set(corpus.flat()).size + 1);
  });

  it('is a valid ARPA trigram model: counts match, log probabilities ≤ 0, prefixes and suffixes present', () => {
    const arpa = parseArpa(buildArpa(corpus));
    expect(arpa.counts).toHaveLength(3);
    arpa.counts.forEach((n, i) => expect(arpa.grams[i]!.size).toBe(n));
    expect(arpa.grams[0]!.get('<s>')!.p).toBe(-99);
    for (const [n, grams] of arpa.grams.entries()) {
      for (const [gram, { p, bow }] of grams) {
        expect(p).toBeLessThanOrEqual(0);
        if (n === 2) expect(bow).toBeUndefined();
        const words = gram.split(' ');
        if (n > 0) {
          expect(arpa.grams[n - 1]!.has(words.slice(0, -1).join(' '))).toBe(true);
          expect(arpa.grams[n - 1]!.has(words.slice(1).join(' '))).toBe(true);
        }
      }
    }
  });

  it('every history is a probability distribution over the vocabulary', () => {
    const arpa = parseArpa(buildArpa(corpus));
    const vocabulary = [...arpa.grams[0]!.keys()].filter((w) => w !== '<s>');
    const histories = [[], ...[...arpa.grams[0]!.keys()].filter((w) => w !== '</s>').map((w) => [w]), ...[...arpa.grams[1]!.keys()].filter((g) => !g.endsWith('</s>')).map((g) => g.split(' '))];
    for (const h of histories) {
      const total = vocabulary.reduce((sum, w) => sum + probability(arpa, [...h, w]), 0);
      expect(total, `history "${h.join(' ')}"`).toBeCloseTo(1, 4);
    }
  });

  it('the same sentences give the same bytes, in any order', () => {
    const once = buildArpa(corpusWords(SENTENCES, dict));
    expect(buildArpa(corpusWords([...SENTENCES].reverse(), dict))).toBe(once);
    expect(buildArpa(corpusWords(SENTENCES, dict))).toBe(once);
  });

  it('prefers what visitors say', () => {
    const arpa = parseArpa(buildArpa(corpus));
    expect(probability(arpa, ['to', 'austria'])).toBeGreaterThan(probability(arpa, ['to', 'parcel']));
    expect(probability(arpa, ['shipping', 'to', 'austria'])).toBeGreaterThan(probability(arpa, ['shipping', 'to', 'talk']));
  });
});
