// Every language Baton speaks to visitors in, and the lines of each.
import type { Language } from '@baton/shared';
import { en } from './en.js';
import type { LanguageTexts } from './types.js';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl'] as const satisfies readonly Language[];

const TEXTS: Partial<Record<Language, LanguageTexts>> = { en };

/** The lines for a language; English for one not translated. */
export function textsFor(language: string | null | undefined): LanguageTexts {
  return TEXTS[language as Language] ?? en;
}
