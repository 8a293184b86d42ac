// What the bot read in a visitor turn, as the policy sees it. Computing it (NLP, the learned
// understanding layer, entity patterns) is the bot's business (bot/signals.ts).

export interface Entities {
  email?: string[];
  phone?: string[];
  orderNumber?: string[];
  amount?: string[];
  date?: string[];
}

export interface TopicHit {
  name: string;
  phrase: string;
}

/** The learned layer's reading of the visitor's turn (bot/nlu): a probability per label. */
export interface Understood {
  p: Record<string, number>;
  /** The label read, when a site's own example was close enough to decide it. */
  siteExample: { label: string; text: string; similarity: number } | null;
  /** What made the reading of `label`: the n-grams that weighed most and the nearest labelled example. */
  explain(label: string): string[];
}

export interface Signals {
  text: string;
  /** wink-nlp sentiment of this turn, -1..1 (negation-aware: "not angry" is not negative). */
  sentiment: number;
  /** Average sentiment of the last (up to) three visitor turns. */
  recentSentiment: number;
  /** Shouting, piled-up exclamation marks. */
  shouting: boolean;
  /** A word of anger or exasperation ("ridiculous", "fed up"); only counts with negative sentiment. */
  angerMarker: string | null;
  /** How many visitor turns the recent sentiment averages over. */
  recentTurns: number;
  personRequest: string | null;
  cancelThreat: string | null;
  topics: TopicHit[];
  /** An earlier visitor turn this one repeats, with the overlap. */
  visitorRepeat: { earlier: string; overlap: number } | null;
  /** The bot said the same thing twice in a row. */
  botRepeat: boolean;
  /** The earlier visitor turn closest in wording (character n-grams, any language), for rephrased repeats. */
  closestEarlier: { text: string; similarity: number } | null;
  /** Entities found in this turn. */
  entities: Entities;
  /** Entities found over the whole conversation, latest value last. */
  allEntities: Entities;
  /** The learned reading of this turn; null when the site runs without the model. */
  understood: Understood | null;
  /** The visitor's language over the conversation so far (ISO 639-1), and how sure the reading is. */
  language: { code: string; p: number };
}
