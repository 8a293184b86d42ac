// Signals on every visitor turn: sentiment and frustration over the last turns (wink-nlp, whose
// English model ships in the package), explicit asks for a person, cancel threats, sensitive
// topics, repetition on either side, and entities (email, phone, order number, amount, date).
import type { Message } from '@baton/shared';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { LANGUAGES } from '../core/i18n/index.js';
import type { Playbook } from '../core/policy/playbook.js';
import type { FeatureVector } from './nlu/features.js';
import type { Understanding } from './nlu/index.js';
import type { Entities, Signals, TopicHit } from '../core/policy/signals.js';

export type { Entities, Signals, TopicHit } from '../core/policy/signals.js';

const nlp = winkNLP(model);
const its = nlp.its;

const ORDER = /\b[A-Z]{1,2}-?\d{4,8}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const PHONE = /(?:\+\d{1,3}[\s-]?)?(?:\(?\d{2,5}\)?[\s-]?)\d{3,4}[\s-]?\d{3,5}\b/g;
const AMOUNT = /(?:[€$£]\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?(?:€|eur|euro|euros|usd|dollars?|gbp))/gi;
const ANGER = /\b(ridiculous|terrible|awful|horrible|useless|worst|unacceptable|furious|angry|annoyed|fed up|disgusted|pathetic|a joke|scam|incompetent|outraged|sick of|frustrat\w*|nobody answers|no one answers|waste of time|fuming)\b/i;
const CANCEL_THREAT = /\b(i(?:'ll| will| am going to|'m going to)\s+cancel|cancel (?:everything|all my orders)|never (?:shop|order|buy) (?:here|from you) again|switch(?:ing)? to (?:another|a different) (?:shop|store)|close my account if)\b/i;

// Every turn reads the whole transcript again, so the same earlier messages would be parsed on every
// turn of a long conversation. Both readings are pure functions of the text: remember recent ones.
const CACHE_MAX = 5000;
function memo<T>(fn: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) {
      cache.delete(text); // most recently used last
      cache.set(text, hit);
      return hit;
    }
    const value = fn(text);
    cache.set(text, value);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
    return value;
  };
}

/** Entities in a text. The result is shared between callers: read it, don't change it. */
export const extractEntities = memo(readEntities);

function readEntities(text: string): Entities {
  const out: Entities = {};
  const orders = text.toUpperCase().match(ORDER)?.map((o) => (o.includes('-') ? o : `${o.replace(/(\D+)(\d+)/, '$1-$2')}`));
  if (orders?.length) out.orderNumber = [...new Set(orders)];
  const emails = text.match(EMAIL);
  if (emails) out.email = [...new Set(emails.map((e) => e.toLowerCase()))];
  const withoutEmailsAndOrders = text.replace(EMAIL, ' ').replace(/\b[A-Z]{1,2}-?\d{4,8}\b/gi, ' ');
  const phones = withoutEmailsAndOrders.match(PHONE)?.filter((p) => p.replace(/\D/g, '').length >= 7);
  if (phones?.length) out.phone = [...new Set(phones.map((p) => p.trim()))];
  const amounts = text.match(AMOUNT);
  if (amounts) out.amount = [...new Set(amounts.map((a) => a.trim()))];
  const dates = nlp
    .readDoc(text)
    .entities()
    .out(its.detail) as unknown as { value: string; type: string }[];
  const dateValues = dates.filter((e) => e.type === 'DATE').map((e) => e.value);
  if (dateValues.length) out.date = [...new Set(dateValues)];
  return out;
}

function tokens(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
      .split(/\s+/)
      .filter((t) => t.length > 1),
  );
}

export function overlap(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

const includesPhrase = (haystack: string, phrase: string) => {
  const escaped = phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'u').test(haystack);
};

/** Negated asks ("I don't need a human") are not asks. */
const NEGATED_ASK = /\b(don't|do not|no need (?:for|to)|not (?:asking|looking) for|without)\b[^.?!]{0,30}$/i;

export const sentimentOf = memo((text: string): number => nlp.readDoc(text).out(its.sentiment) as unknown as number);

/**
 * The conversation's language: each visitor turn's reading, weighted by how many letters it has
 * (an order number or an email says nothing), else the browser's language, else English.
 */
export function conversationLanguage(turns: string[], understanding: Understanding | null, hint?: string): { code: string; p: number } {
  const fallback = { code: hint && (LANGUAGES as readonly string[]).includes(hint) ? hint : 'en', p: 0 };
  if (!understanding) return fallback;
  const votes = new Map<string, number>();
  let total = 0;
  for (const text of turns) {
    const letters = (text.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '').match(/\p{L}/gu) ?? []).length;
    if (letters < 3) continue;
    const weight = Math.min(letters, 200);
    for (const [code, p] of Object.entries(understanding.read(text).language.p)) votes.set(code, (votes.get(code) ?? 0) + p * weight);
    total += weight;
  }
  // A few letters ("ok", "yes") are too little to overrule the browser's language.
  if (total < 12) return fallback;
  const [code, score] = [...votes].sort((a, b) => b[1] - a[1])[0]!;
  return { code, p: score / total };
}

export function computeSignals(history: Message[], playbook: Playbook, understanding: Understanding | null = null, locale?: string): Signals {
  const visitorTurns = history.filter((m) => m.author.kind === 'visitor');
  const text = visitorTurns.at(-1)?.body ?? '';
  const lower = text.toLowerCase();
  const sentiment = sentimentOf(text);
  const recent = visitorTurns.slice(-3).map((m) => sentimentOf(m.body));
  const recentSentiment = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);

  let personRequest: string | null = null;
  for (const phrase of playbook.personRequests) {
    const at = lower.indexOf(phrase.toLowerCase());
    if (at >= 0 && includesPhrase(lower, phrase) && !NEGATED_ASK.test(lower.slice(0, at))) {
      personRequest = phrase;
      break;
    }
  }

  const topics: TopicHit[] = [];
  for (const [name, topic] of Object.entries(playbook.topics)) {
    const phrase = topic.phrases.find((p) => includesPhrase(lower, p));
    if (phrase) topics.push({ name, phrase });
  }

  let visitorRepeat: Signals['visitorRepeat'] = null;
  if (tokens(text).size >= 3) {
    for (const earlier of visitorTurns.slice(0, -1)) {
      const o = overlap(text, earlier.body);
      if (o >= playbook.thresholds.repetition) {
        visitorRepeat = { earlier: earlier.body, overlap: o };
        break;
      }
    }
  }
  // A rephrased repeat ("ok but how many days to austria") shares n-grams, not whole words.
  let closestEarlier: Signals['closestEarlier'] = null;
  if (understanding) {
    const now = understanding.read(text).fv;
    for (const earlier of visitorTurns.slice(0, -1)) {
      const similarity = cosine(now, understanding.read(earlier.body).fv);
      if (!closestEarlier || similarity > closestEarlier.similarity) closestEarlier = { text: earlier.body, similarity };
    }
  }
  const botTurns = history.filter((m) => m.author.kind === 'bot');
  const botRepeat = botTurns.length >= 2 && botTurns.at(-1)!.body === botTurns.at(-2)!.body;

  // Each value once, in the order of its latest mention: A, B, A gives [B, A], so "latest wins" is A.
  const allEntities: Entities = {};
  for (const m of visitorTurns) {
    for (const [k, v] of Object.entries(extractEntities(m.body)) as [keyof Entities, string[]][]) {
      allEntities[k] = [...(allEntities[k] ?? []).filter((x) => !v.includes(x)), ...v];
    }
  }

  const letters = text.replace(/[^A-Za-z]/g, '');
  return {
    text,
    sentiment,
    recentSentiment,
    shouting: (letters.length >= 12 && letters === letters.toUpperCase()) || /!{3,}/.test(text),
    angerMarker: ANGER.exec(text)?.[0] ?? null,
    recentTurns: recent.length,
    personRequest,
    cancelThreat: CANCEL_THREAT.exec(text)?.[0] ?? null,
    topics,
    visitorRepeat,
    botRepeat,
    closestEarlier,
    entities: extractEntities(text),
    allEntities,
    understood: understanding ? understoodOf(understanding, text) : null,
    language: conversationLanguage(visitorTurns.map((m) => m.body), understanding, locale?.slice(0, 2).toLowerCase()),
  };
}

function cosine(a: FeatureVector, b: FeatureVector): number {
  const other = new Map<number, number>();
  for (let i = 0; i < b.index.length; i++) other.set(b.index[i]!, b.value[i]!);
  let dot = 0;
  for (let i = 0; i < a.index.length; i++) dot += a.value[i]! * (other.get(a.index[i]!) ?? 0);
  return dot;
}

function understoodOf(understanding: Understanding, text: string): Signals['understood'] {
  const reading = understanding.read(text);
  // A site's own example that is close enough decides the label: the site knows its visitors.
  const p = reading.site ? { ...Object.fromEntries(Object.keys(reading.signal.p).map((k) => [k, 0])), [reading.site.label]: 1 } : reading.signal.p;
  return {
    p,
    siteExample: reading.site ? { label: reading.site.label, text: reading.site.text, similarity: reading.site.similarity } : null,
    explain: (label) => {
      const { ngrams, nearest } = understanding.explain(reading, label);
      return [
        ...(ngrams.length ? [`n-grams ${ngrams.map((n) => `"${n}"`).join(', ')}`] : []),
        ...(nearest ? [`nearest ${reading.site ? "site" : "labelled"} example "${nearest.text.length > 80 ? `${nearest.text.slice(0, 79)}…` : nearest.text}" (${nearest.label}, similarity ${nearest.similarity.toFixed(2)})`] : []),
      ];
    },
  };
}
