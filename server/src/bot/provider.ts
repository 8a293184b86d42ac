// The bot seam. The conversation service calls `turn` on every visitor message while the bot
// owns the conversation; the provider decides RESOLVE, CLARIFY or ESCALATE and explains why.
// Providers: the built-in engine (playbook + knowledge base) and, later, an LLM behind guardrails.
import type { HandoffPackage, Message, Trigger } from '@baton/shared';

export interface BotTurnInput {
  site: { id: string; key: string; name: string };
  conversationId: string;
  /** The whole transcript so far, ending with the visitor's new message. */
  history: Message[];
  /** Decisions this provider made earlier in the conversation, oldest first. */
  previousDecisions: BotDecision[];
  now: Date;
}

interface DecisionBase {
  /** The bot's message to the visitor (markdown). */
  reply: string;
  /** Which rule fired, e.g. `faq.match`, `esc.visitor_request`. */
  rule: string;
  /** What the rule saw, in words an agent can check. */
  evidence: string[];
  /** The intent the bot believes the visitor has, when known. */
  intent?: string;
  /** Actions run this turn and how they ended (order lookup, verification, ...). */
  attempted?: { action: string; outcome: string }[];
  /** Risk flags raised this turn (refund, legal, ...). */
  riskFlags?: string[];
}

export type BotDecision =
  | (DecisionBase & { mode: 'resolve'; sources?: { title: string; url?: string }[] })
  | (DecisionBase & { mode: 'clarify'; missing: string; quickReplies?: string[] })
  | (DecisionBase & { mode: 'escalate'; trigger: Trigger; reason: string; handoff: HandoffPackage });

export interface BotProvider {
  readonly name: string;
  turn(input: BotTurnInput): Promise<BotDecision>;
}
