// pnpm nlu:corpus: writes server/nlu/corpus/<lang>.gen.jsonl from the hand-written seeds in
// server/nlu/seeds/<lang>.yaml (label → utterances), each seed with the variants visitors really
// type: lower case without punctuation, without accents or with a typo, and voice-transcript
// style with a filler word. Deterministic, so the corpus and the model it trains are reproducible.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const dir = resolve(import.meta.dirname, '../nlu');
const Seeds = z.record(z.string().regex(/^[a-z_]+$/), z.array(z.string().min(1)));
const FILLERS: Record<string, string[]> = {
  en: ['uh', 'um so', 'yeah so', 'ok so', 'hi'],
  de: ['ähm', 'also', 'hallo', 'ja also', 'äh'],
  fr: ['euh', 'bonjour', 'alors', 'bah', 'bon'],
  es: ['eh', 'hola', 'bueno pues', 'oye', 'mira'],
  it: ['ehm', 'salve', 'allora', 'tipo', 'ciao'],
  pt: ['então', 'olá', 'tipo assim', 'bom', 'ah'],
  nl: ['eh', 'hallo', 'nou', 'dus', 'hoi'],
  pl: ['eee', 'dzień dobry', 'no więc', 'halo', 'słuchajcie'],
};

let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const plain = (s: string) => s.toLowerCase().replace(/[.!?¿¡,;:]+/g, '').replace(/\s+/g, ' ').trim();
const noAccents = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/Ł/g, 'L');
function typo(s: string): string {
  const words = s.split(' ');
  const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5);
  if (!long.length) return s;
  const [w, i] = long[Math.floor(random() * long.length)]!;
  const at = 1 + Math.floor(random() * (w.length - 2));
  words[i] = random() < 0.5 ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2) : w.slice(0, at) + w.slice(at + 1);
  return words.join(' ');
}

for (const file of readdirSync(resolve(dir, 'seeds')).filter((f) => /^[a-z]{2}\.yaml$/.test(f)).sort()) {
  const lang = file.slice(0, 2);
  seed = [...lang].reduce((n, c) => n * 31 + c.charCodeAt(0), 7);
  const seeds = Seeds.parse(parse(readFileSync(resolve(dir, 'seeds', file), 'utf8')));
  const out = new Map<string, string>();
  for (const [label, texts] of Object.entries(seeds)) {
    for (const text of texts) {
      const variants = [text, plain(text), random() < 0.5 ? noAccents(plain(text)) : typo(plain(text))];
      if (random() < 0.5) variants.push(`${FILLERS[lang]![Math.floor(random() * 5)]} ${plain(text)}`);
      for (const v of variants) if (!out.has(v)) out.set(v, label);
    }
  }
  const lines = [...out].map(([text, label]) => JSON.stringify({ text, label }));
  writeFileSync(resolve(dir, 'corpus', `${lang}.gen.jsonl`), `${lines.join('\n')}\n`);
  console.log(`${lang}: ${Object.values(seeds).flat().length} seeds → ${lines.length} utterances`);
}
