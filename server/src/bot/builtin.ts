// The built-in bot: answers from the site's knowledge base when the answer is grounded, and
// hands over to a person when the visitor asks for one or nothing grounded is found twice.
// The escalation engine (issue 5) replaces these decisions behind the same BotProvider seam.
import { join } from 'node:path';
import type { HandoffPackage, Message } from '@baton/shared';
import { type Hit, KnowledgeBase, loadArticles } from './knowledge.js';
import type { BotDecision, BotProvider, BotTurnInput } from './provider.js';

const PERSON = /\b(human|real person|a person|an agent|agent|someone real|talk to (someone|somebody)|speak (to|with) (someone|somebody|a)|representative|operator|support team|mensch|mitarbeiter)\b/i;
const HANDOFF_COPY =
  "I've captured the issue and I'm handing this conversation to a support specialist now. They'll see the details you already shared, so you won't need to repeat everything.";

/** Below this BM25 score a hit is not grounded enough to answer from. */
const MIN_SCORE = 4;

function details(history: Message[]): Record<string, string> {
  const text = history.filter((m) => m.author.kind === 'visitor').map((m) => m.body).join('\n');
  const out: Record<string, string> = {};
  const order = /\b[A-Z]-\d{4,}\b/.exec(text);
  if (order) out.orderNumber = order[0];
  const email = /[\w.+-]+@[\w-]+\.[\w.-]+/.exec(text);
  if (email) out.email = email[0];
  return out;
}

function handoff(input: BotTurnInput, trigger: HandoffPackage['trigger'], reason: string, evidence: string[], intent: string): HandoffPackage {
  const visitorTurns = input.history.filter((m) => m.author.kind === 'visitor').map((m) => m.body);
  const attempted = input.previousDecisions
    .filter((d) => d.mode === 'resolve')
    .map((d) => ({ action: 'answered from knowledge base', outcome: d.evidence[0] ?? d.rule }));
  return {
    intent,
    status: 'blocked',
    trigger,
    reason,
    evidence,
    riskFlags: [],
    customerDetails: details(input.history),
    attempted,
    summary: visitorTurns.slice(-3).join(' / ').slice(0, 300),
  };
}

export class BuiltinBot implements BotProvider {
  readonly name = 'builtin';

  constructor(private readonly kb: KnowledgeBase) {}

  async turn(input: BotTurnInput): Promise<BotDecision> {
    const last = input.history.at(-1);
    const text = last?.body ?? '';
    const best: Hit | undefined = this.kb.search(text)[0];
    const intent = best && best.score >= MIN_SCORE ? best.article.id : 'unknown';

    if (PERSON.test(text)) {
      const evidence = [`"${text.slice(0, 160)}"`];
      return {
        mode: 'escalate',
        trigger: 'visitor_request',
        reason: 'The visitor asked for a person.',
        rule: 'esc.visitor_request',
        evidence,
        intent: previousIntent(input) ?? intent,
        reply: HANDOFF_COPY,
        handoff: handoff(input, 'visitor_request', 'The visitor asked for a person.', evidence, previousIntent(input) ?? intent),
      };
    }
    if (best && best.score >= MIN_SCORE) {
      return {
        mode: 'resolve',
        rule: 'kb.match',
        evidence: [`${best.article.title} (score ${best.score.toFixed(1)})`],
        intent: best.article.id,
        reply: `${best.article.body}\n\n_Source: ${best.article.title}_`,
        sources: [{ title: best.article.title }],
      };
    }
    const unclearBefore = input.previousDecisions.at(-1)?.mode === 'clarify';
    if (unclearBefore) {
      const reason = 'No grounded answer after one clarifying question.';
      const evidence = [`"${text.slice(0, 160)}"`, best ? `best match ${best.article.title} scored ${best.score.toFixed(1)}` : 'no match'];
      return {
        mode: 'escalate',
        trigger: 'accuracy_risk',
        reason,
        rule: 'esc.no_grounded_answer',
        evidence,
        intent,
        reply: HANDOFF_COPY,
        handoff: handoff(input, 'accuracy_risk', reason, evidence, intent),
      };
    }
    return {
      mode: 'clarify',
      missing: 'topic',
      rule: 'clarify.topic',
      evidence: [best ? `best match ${best.article.title} scored ${best.score.toFixed(1)}` : 'no match'],
      intent,
      reply: "I want to get this right. Which of these is it about? If none fits, just say so and I'll bring in a person.",
      quickReplies: ['Order status', 'Shipping', 'Returns', 'Payment', 'Talk to a person'],
    };
  }
}

function previousIntent(input: BotTurnInput): string | undefined {
  return [...input.previousDecisions].reverse().find((d) => d.intent && d.intent !== 'unknown')?.intent;
}

export function createBuiltinBotSync(siteDir: string): BuiltinBot {
  return new BuiltinBot(new KnowledgeBase(loadArticles(join(siteDir, 'kb'))));
}
