// Word error rate: word-level edit distance over the reference's length, both sides read as spoken
// words (lm.ts spokenWords: lower case, no punctuation, digits spelled).
import { spokenWords } from './lm.js';

export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const ref = spokenWords(reference);
  const hyp = spokenWords(hypothesis);
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return { errors: prev[hyp.length]!, words: ref.length };
}

export const wordErrorRate = (reference: string, hypothesis: string) => {
  const { errors, words } = wordErrors(reference, hypothesis);
  return words === 0 ? (errors === 0 ? 0 : 1) : errors / words;
};
