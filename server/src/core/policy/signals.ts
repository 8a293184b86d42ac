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
  /** Entities found in this turn. */
  entities: Entities;
  /** Entities found over the whole conversation, latest value last. */
  allEntities: Entities;
}
