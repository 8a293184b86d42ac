// Term processing shared by the knowledge base and the intent index: lower case, no stop words,
// prefix and fuzzy matching only for words long enough to mean something.
const STOP_WORDS = new Set(
  'a an and are as at be but by can could do does did for from has have how i i\'m im in is it it\'s its me my of on or our please so that the their them then there this to too us was we will with would you your yours hi hello hey just also any some get got need want like know tell'.split(' '),
);

export function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
}

export const searchTuning = {
  processTerm,
  prefix: (term: string) => term.length >= 4,
  fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
};
