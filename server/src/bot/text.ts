// Term processing shared by the knowledge base and the intent index: lower case without accents
// ("devolución" finds "devolucion"), no stop words in any of the eight languages (a Dutch "hoe
// lang is een" must not outweigh "cadeaukaart"), prefix and fuzzy matching only for words long
// enough to mean something.
const STOP_WORDS = new Set(
  [
    'a an and are as at be but by can could do does did for from has have how i i\'m im in is it it\'s its me my of on or our please so that the their them then there this to too us was we will with would you your yours hi hello hey just also any some get got need want like know tell',
    'der die das den dem des ein eine einen einem ich du sie wir ihr es ist sind bin mit von zu zum zur auf fur und oder wie was wo wann kann konnen mein meine meinen mir mich bitte hallo noch schon nicht',
    'le la les un une des du de au aux je tu il elle nous vous ils est sont suis avec pour par et ou comment quoi quand est-ce mon ma mes me moi sil vous plait bonjour pas ne que qui dans sur',
    'el la los las un una unos unas de del al yo tu el ella nosotros es son soy con para por y o como que cuando donde mi mis me puedo puede hola por favor no se en lo',
    'il lo la i gli le un uno una di da del della al alla io tu lui lei noi e sono con per come cosa quando dove mio mia mi posso puo ciao non che in su',
    'o a os as um uma de do da dos das ao eu tu ele ela nos e sao sou com para por como que quando onde meu minha me posso pode ola nao se em no na',
    'de het een en of ik jij je u hij zij wij is zijn ben met voor van naar hoe wat wanneer waar mijn mij me kan kunnen hallo niet dat die er op in te',
    'i w z na do od ze jak co kiedy gdzie czy jest sa jestem moj moja moje mi mnie moge moze prosze dzien dobry nie to ten ta sie',
  ]
    .join(' ')
    .split(' '),
);

export function processTerm(term: string): string | null {
  const t = term.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/ł/g, 'l');
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
}

export const searchTuning = {
  processTerm,
  prefix: (term: string) => term.length >= 4,
  fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
};
