// The understanding layer's parts: folding and features, training, the model file, the corpus
// reader's errors, and the committed model being the one trained on the committed corpus.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureNames, featurize, fold } from '../../src/bot/nlu/features.js';
import { builtinModelInfo, builtinUnderstanding, NLU_DIR, Understanding } from '../../src/bot/nlu/index.js';
import { decodeModel, encodeModel, predict } from '../../src/bot/nlu/model.js';
import { readCorpus, trainHead } from '../../src/bot/nlu/train.js';

const names = (text: string) => [...featureNames(text).values()];
const shared = (a: string, b: string) => {
  const x = new Set(names(a));
  return names(b).filter((n) => x.has(n));
};

describe('[NLU1] features', () => {
  it('fold: case, accents, Polish ł, shouting repeats and typographic apostrophes read alike', () => {
    expect(fold('ÇA MARCHE PAAAS')).toBe(fold('ca marche paas'));
    expect(fold('Zwróciłem pieniądze')).toBe('zwrocilem pieniadze');
    expect(fold('I’m')).toBe("i'm");
  });

  it('what varies per visitor becomes a placeholder: emails, order numbers, numbers', () => {
    expect(fold('order A-10422 for jane@example.com, 3 items').split(/\s+/)).toEqual(['order', 'zorder', 'for', 'zemail', ',', '0', 'items']);
    expect(shared('where is A-10422', 'where is B-55555').length).toBe(featurize('where is A-10422').index.length);
  });

  it('names every hashed feature the fast path reads, and nothing else', () => {
    const text = "Je voudrais parler à un RESPONSABLE!!! c'est urgent";
    expect([...featureNames(text).keys()].sort()).toEqual([...featurize(text).index].sort());
  });

  it('a typo keeps most of its character n-grams; shouting is a feature of its own', () => {
    const a = new Set(names('Rückerstattung'));
    const b = names('ruckerstatung');
    expect(b.filter((n) => a.has(n)).length / b.length).toBeGreaterThan(0.5);
    expect(names('WHERE IS MY REFUND')).toContain('all caps');
    expect(names('where is my refund')).not.toContain('all caps');
  });
});

const tiny = [
  { text: 'I want a human', label: 'person_request' },
  { text: 'let me speak to a person', label: 'person_request' },
  { text: 'how long is shipping', label: 'none' },
  { text: 'what does shipping cost', label: 'none' },
].map((d) => ({ ...d, fv: featurize(d.text) }));

describe('[NLU1] training and the model file', () => {
  it('learns a tiny corpus and gives the same answers after the file round trip', () => {
    const head = trainHead(tiny);
    expect(predict(head, featurize('a human please')).best).toBe('person_request');
    expect(predict(head, featurize('shipping cost?')).best).toBe('none');
    const file = decodeModel(encodeModel({ heads: { signal: head, language: head }, corpus: 'x', trainedAt: '2026-12-04' }));
    const q = featurize('can I speak to a human');
    expect(file.heads.signal!.labels).toEqual(head.labels);
    expect(predict(file.heads.signal!, q).p.person_request).toBeCloseTo(predict(head, q).p.person_request!, 2);
  });

  it('training is deterministic: the same corpus gives the same weights', () => {
    expect(encodeModel({ heads: { s: trainHead(tiny) }, corpus: 'x', trainedAt: 'd' })).toEqual(encodeModel({ heads: { s: trainHead(tiny) }, corpus: 'x', trainedAt: 'd' }));
  });

  it('a corrupt or truncated model file fails with a clear error', () => {
    const good = encodeModel({ heads: { s: trainHead(tiny) }, corpus: 'x', trainedAt: 'd' });
    expect(() => decodeModel(Buffer.from('nope'))).toThrow(/bad magic/);
    expect(() => decodeModel(Buffer.concat([good, Buffer.from([1])]))).toThrow(/trailing bytes/);
    expect(() => decodeModel(good.subarray(0, good.length - 10))).toThrow();
  });

  it('a bad corpus line fails with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-corpus-'));
    writeFileSync(join(dir, 'fr.jsonl'), '{"text":"bonjour","label":"none"}\n{"text":"","label":"none"}\n');
    expect(() => readCorpus(dir)).toThrow(/fr\.jsonl: line 2: text/);
    writeFileSync(join(dir, 'fr.jsonl'), '{"text":"bonjour","label":"none"}\nnot json\n');
    expect(() => readCorpus(dir)).toThrow(/fr\.jsonl: line 2: not valid JSON/);
  });
});

describe('[NLU0] the built-in model', () => {
  it('is the one trained on the committed corpus: eight languages, fourteen labels, thousands of utterances', () => {
    const { examples } = readCorpus(resolve(NLU_DIR, 'corpus'));
    expect(builtinModelInfo().stale, 'the corpus changed since the model was trained: run pnpm nlu:train').toBe(false);
    expect(new Set(examples.map((e) => e.lang))).toEqual(new Set(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl']));
    expect(builtinUnderstanding().labels).toHaveLength(14);
    expect(examples.length).toBeGreaterThanOrEqual(3000);
    expect(readFileSync(resolve(NLU_DIR, 'model.bin')).subarray(0, 4).toString()).toBe('BNLU');
  });

  it.each([
    ['en', 'Could you please tell me when my parcel will arrive?'],
    ['de', 'Könnten Sie mir bitte sagen, wann mein Paket ankommt?'],
    ['fr', 'Pourriez-vous me dire quand mon colis va arriver ?'],
    ['es', '¿Podrían decirme cuándo llegará mi paquete?'],
    ['it', 'Potreste dirmi quando arriverà il mio pacco?'],
    ['pt', 'Podem dizer-me quando a minha encomenda vai chegar?'],
    ['nl', 'Kunt u me vertellen wanneer mijn pakket aankomt?'],
    ['pl', 'Czy możecie mi powiedzieć, kiedy dotrze moja paczka?'],
  ])('[NLU2] reads the language of a sentence: %s', (lang, text) => {
    expect(builtinUnderstanding().read(text).language.best).toBe(lang);
  });

  it('a site example close enough decides the label, and is named as the evidence', () => {
    const u = builtinUnderstanding().withSiteExamples({ none: ['is the Panic Room board game in stock'] });
    const reading = u.read('is the panic room board game in stock?');
    expect(reading.site).toMatchObject({ label: 'none', text: 'is the Panic Room board game in stock' });
    expect(u.explain(reading, 'none').nearest?.text).toBe('is the Panic Room board game in stock');
    expect(new Understanding(u.signalHead, u.languageHead, () => []).read('is the panic room board game in stock?').site).toBeNull();
  });

  it('explains a reading with the n-grams that weighed most and the nearest labelled example', () => {
    const u = builtinUnderstanding();
    const reading = u.read('I want to speak with a real human being, not a bot');
    expect(reading.signal.best).toBe('person_request');
    const why = u.explain(reading, 'person_request');
    expect(why.ngrams.length).toBeGreaterThan(0);
    expect(why.nearest?.label).toBe('person_request');
  });
});
