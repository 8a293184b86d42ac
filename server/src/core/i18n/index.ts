// Every language Baton speaks to visitors in, and the lines of each.
import type { Language } from '@baton/shared';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { nl } from './nl.js';
import { pl } from './pl.js';
import { pt } from './pt.js';
import type { LanguageTexts } from './types.js';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl'] as const satisfies readonly Language[];

const TEXTS: Record<Language, LanguageTexts> = { en, de, fr, es, it, pt, nl, pl };

/** The lines for a language; English for one not translated. */
export function textsFor(language: string | null | undefined): LanguageTexts {
  return TEXTS[(language ?? 'en') as Language] ?? en;
}
