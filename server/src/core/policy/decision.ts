// What the bot decides on a visitor turn: resolve, clarify or escalate, each naming the rule that
// fired and its evidence (seed step 2).
import type { HandoffPackage, Trigger } from '@baton/shared';

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
  /** The visitor's language as this turn read it (ISO 639-1): notices that follow speak it. */
  language?: string;
}

export type BotDecision =
  | (DecisionBase & { mode: 'resolve'; sources?: { title: string; url?: string }[] })
  | (DecisionBase & { mode: 'clarify'; missing: string; quickReplies?: string[] })
  | (DecisionBase & { mode: 'escalate'; trigger: Trigger; reason: string; handoff: HandoffPackage });
