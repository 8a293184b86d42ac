// The bot seam. The conversation service calls `turn` on every visitor message while the bot
// owns the conversation; the provider decides RESOLVE, CLARIFY or ESCALATE and explains why.
// Providers: the built-in engine (playbook + knowledge base) and, later, an LLM behind guardrails.
import type { Channel, Message } from '@baton/shared';
import type { BotDecision } from '../core/policy/decision.js';

export type { BotDecision } from '../core/policy/decision.js';

export interface BotTurnInput {
  site: { id: string; key: string; name: string };
  conversationId: string;
  /** The whole transcript so far, ending with the visitor's new message. */
  history: Message[];
  /** Decisions this provider made earlier in the conversation, oldest first. */
  previousDecisions: BotDecision[];
  now: Date;
  /** The visitor's browser language (e.g. `fr-BE`): the fallback when their words are too few to tell. */
  locale?: string;
  /** The visitor pressed "Talk to a person" for this message. */
  askedForPerson?: boolean;
  /** `voice`: the visitor said this message aloud; the answer is spoken, in the playbook's voice lines. */
  channel?: Channel;
}

export interface BotProvider {
  readonly name: string;
  turn(input: BotTurnInput): Promise<BotDecision>;
}
