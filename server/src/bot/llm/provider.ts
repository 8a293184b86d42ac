// An OpenAI-compatible chat-completions provider (OpenAI, Ollama, vLLM, llama.cpp server) behind
// the policy's guardrails. The hard rules run first and their escalations stand; the model only
// writes answers the rules would let the bot give, grounded in retrieved articles; its output is
// checked again before the visitor sees it. Errors and timeouts hand over (workflow_failure).
import { Trigger } from '@baton/shared';
import { z } from 'zod';
import { fold } from '../nlu/features.js';
import { detailKinds, escalation, evaluate, type PolicyInput } from '../../core/policy/evaluate.js';
import { maskText } from '../../core/policy/handoff.js';
import type { EngineBot } from '../engine.js';
import type { BotDecision, BotProvider, BotTurnInput } from '../provider.js';

export interface LlmConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** The model's whole part of a bot turn (answer, then summary), at most MAX_TURN_BUDGET_MS. */
  timeoutMs?: number;
}

// The service cuts any bot turn at 10 s and then hands over with a generic failure that knows no
// intent or details. The model's calls share one deadline well before that, so a slow or failing
// model ends in this provider's own workflow_failure handoff, with the context the rules collected.
export const LLM_TURN_BUDGET_MS = 7000;
export const MAX_TURN_BUDGET_MS = 8000;
/** The summary is a nicety: it gets at most this, and is skipped when less than SUMMARY_MIN_MS is left. */
const SUMMARY_MAX_MS = 3000;
const SUMMARY_MIN_MS = 750;

const ModelAnswer = z.object({
  mode: z.enum(['resolve', 'clarify', 'escalate']),
  reply: z.string().min(1).max(2000),
  reason: z.string().max(300).optional(),
  quickReplies: z.array(z.string().max(60)).max(6).optional(),
  /** The model's own reading of the trigger: null when the visitor needs no person. */
  trigger: Trigger.nullable().optional(),
});

/**
 * Promises only a person may make: refunds, discounts, extensions, exceptions, compensation, and
 * claims to have done any of it. A model that writes one has talked past the policy, even when the
 * knowledge base states the general rule (a person decides whether it applies to this case).
 */
const COMMITMENTS: RegExp[] = [
  // "you'll get a full refund", "you will receive a refund", "you'll be refunded"
  /\byou(?:'ll| will| would|'d)?\s+(?:get|receive|be (?:given|getting|receiving|issued))\s+(?:a |an |your )?(?:full |partial |complete |100\s?% )?(?:refund|reimbursement|credit|voucher|replacement|compensation)\b/i,
  /\byou(?:'ll| will| would|'d)? be (?:fully |partially )?(?:refunded|reimbursed|compensated|credited)\b/i,
  // "we'll refund you", "I can refund the shipping", "we will reimburse"
  /\b(?:we|i)(?:'ll| will| would|'d| can| could| are going to| am going to|'re going to|'m going to| shall)\s+(?:happily |gladly |now |also )?(?:refund|reimburse|compensate|credit|waive|extend|replace (?:it|the \w+) for free)\b/i,
  /\brefund you\b/i,
  // "you get a 50% discount", "you'll get 20% off", "€10 off for you"
  /\byou(?:'ll| will| can| would)?\s+(?:get|have|receive|be given)\s+(?:a |an )?(?:\d+\s?%|\d+ percent|[€$£]\s?\d+(?:[.,]\d+)?)/i,
  /\b(?:give|offer|grant|send) you (?:a |an )?(?:\d+\s?%|\d+ percent|[€$£]\s?\d+|discount|refund|voucher|coupon|credit|free)/i,
  /\b\d+\s?%\s+(?:off|discount) (?:for you|on your)\b/i,
  // "we'll extend your return window", "I've extended the deadline"
  /\b(?:extend|extended|extending|prolong|prolonged)\s+(?:your|the)\s+(?:return|refund|warranty|trial|deadline|membership|subscription|due date|payment)\w*/i,
  // "I've issued a refund", "we have processed your refund", "your refund has been approved"
  /\b(?:i|we)(?:'ve| have)?\s+(?:already |just |now )?(?:credited|refunded|reimbursed|waived|extended|cancell?ed your)\b/i,
  /\b(?:i|we)(?:'ve| have)?\s+(?:already |just |now )?(?:issued|processed|initiated|approved|granted|applied|arranged|sent)\s+(?:[\w€$£.,%-]+\s+){0,3}?(?:refund|credit|discount|voucher|coupon|exception|compensation|cancellation)\w*/i,
  /\b(?:refund|credit|discount|exception|compensation)\s+(?:has|have) been\s+(?:issued|processed|approved|granted|applied|arranged)\b/i,
  /\b(?:waive|waived|make an exception|as an exception|an exception for you|compensat\w*|free of charge|on the house|credit (?:your|the) account|guarantee (?:that|you))\b/i,
];

/**
 * The same promises in the other languages visitors write in, matched on folded text (lower case,
 * no accents: "remboursé" and "rembourse" alike), so a model answering in French is held to them too.
 */
const FOLDED_COMMITMENTS: RegExp[] = [
  // de: "Sie erhalten eine volle Rückerstattung", "wir erstatten Ihnen", "ich habe ... gutgeschrieben", "20 % Rabatt für Sie"
  /\b(?:sie|du)\s+(?:bekommen|bekommst|erhalten|erhaltst)\s+(?:\S+\s+){0,3}?(?:ruckerstattung|erstattung|gutschrift|rabatt|gutschein|entschadigung|ersatz)/,
  /\b(?:wir|ich)\s+(?:werden\s+|wurden\s+|kann\s+|konnen\s+)?(?:ihnen\s+|dir\s+)?(?:\S+\s+){0,3}?(?:erstatten|zuruckerstatten|gutschreiben|entschadigen|verlangern|erlassen)\b/,
  /\b(?:habe|haben)\s+(?:ihnen\s+|dir\s+)?(?:\S+\s+){0,4}?(?:erstattet|zuruckerstattet|gutgeschrieben|erlassen|verlangert)\b/,
  /\b(?:ausnahme (?:fur sie|machen)|aus kulanz|kostenlos ersetzen|0+ ?% rabatt)/,
  // fr: "vous serez remboursé", "nous allons vous rembourser", "j'ai effectué le remboursement", "un geste commercial"
  /\bvous (?:serez|allez etre|etes) (?:integralement |entierement )?rembourse/,
  /\b(?:je|nous) (?:vais |allons |pouvons |peux |vous )*(?:vous )?(?:rembourser|dedommager|offrir (?:un|une)|accorder|prolonger|faire (?:une )?exception)/,
  /\b(?:j'ai|nous avons|c'est) (?:bien |deja )?(?:rembourse|effectue le remboursement|accorde|applique|prolonge)/,
  /\bvous (?:recevrez|obtiendrez|aurez|allez recevoir) (?:un |une )?(?:remboursement|avoir|bon d'achat|reduction|remise|dedommagement|geste)/,
  /\b(?:geste commercial|a titre exceptionnel)\b/,
  // es: "le reembolsaremos", "recibirá un reembolso", "hemos procesado su reembolso", "haremos una excepción"
  /\b(?:le |te |les )?(?:reembolsaremos|vamos a reembolsar|devolveremos (?:el|su|tu) dinero|compensaremos)/,
  /\b(?:recibira|recibiras|obtendra|obtendras|tendra|tendras|va a recibir|vas a recibir) (?:un |una |el )?(?:reembolso|descuento|cupon|compensacion|vale)/,
  /\b(?:he|hemos|ya) (?:procesado|emitido|aprobado|realizado|hecho) (?:el |su |tu )?(?:reembolso|descuento|abono)/,
  /\b(?:haremos|hare|hacer) una excepcion\b/,
  // it: "riceverà un rimborso", "la rimborseremo", "abbiamo già rimborsato", "faremo un'eccezione"
  /\b(?:ricevera|riceverai|otterra|otterrai|avra|avrai) (?:un |uno |una |il )?(?:rimborso|sconto|buono|risarcimento)/,
  /\b(?:la |ti |vi )?(?:rimborseremo|rimborsero|risarciremo)\b/,
  /\b(?:ho|abbiamo) (?:gia )?(?:rimborsato|emesso il rimborso|applicato lo sconto|concesso)/,
  /\b(?:faremo|faro|fare) un'?eccezione\b/,
  // pt: "receberá um reembolso", "vamos reembolsar", "já reembolsamos", "abrir uma exceção"
  /\b(?:recebera|vai receber|vais receber|tera|obtera) (?:um |uma |o )?(?:reembolso|desconto|vale|compensacao|estorno)/,
  /\b(?:vamos|iremos|vou) (?:te |lhe |o |a )?(?:reembolsar|estornar|compensar)/,
  /\b(?:ja )?(?:reembolsamos|estornamos|processamos o (?:seu )?reembolso|emitimos o reembolso)/,
  /\b(?:abrir|abriremos|faremos|fazer) uma excecao\b/,
  // nl: "u krijgt een volledige terugbetaling", "wij zullen u terugbetalen", "ik heb het teruggestort"
  /\b(?:u|je|jij) (?:krijgt|ontvangt|krijg) (?:\S+\s+){0,2}?(?:terugbetaling|restitutie|korting|tegoedbon|vergoeding|compensatie)/,
  /\b(?:wij|we|ik) (?:zullen|gaan|kunnen|zal|ga) (?:u |je )?(?:\S+\s+){0,3}?(?:terugbetalen|vergoeden|crediteren|terugstorten|kwijtschelden)/,
  /\b(?:heb|hebben) (?:\S+\s+){0,4}?(?:terugbetaald|teruggestort|gecrediteerd|vergoed)\b/,
  /\buitzondering (?:maken|voor u|voor je)\b/,
  // pl: "otrzyma Pan pełny zwrot", "zwrócimy pieniądze", "zwróciliśmy", "zrobimy wyjątek"
  /\b(?:otrzyma|otrzymasz|dostanie|dostaniesz)(?: pan| pani)? (?:\S+\s+){0,2}?(?:zwrot|rabat|znizke|bon|rekompensate|voucher)/,
  /\b(?:zwrocimy|oddamy|zrekompensujemy|przedluzymy)\b/,
  /\b(?:zwrocilismy|zwrocilem|zwrocilam|przyznalismy|przelalismy)\b/,
  /\b(?:zrobimy|zrobie|zrobic) wyjatek\b/,
];

export function findCommitment(reply: string): string | null {
  const text = reply.replace(/[\u2018\u2019\u02bc]/g, "'"); // models like typographic apostrophes: you’ll
  for (const re of COMMITMENTS) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  const folded = fold(text).replace(/\s+/g, ' ');
  for (const re of FOLDED_COMMITMENTS) {
    const m = re.exec(folded);
    if (m) return m[0];
  }
  return null;
}

export function buildPrompt(prepared: PolicyInput, siteName: string) {
  const article = prepared.retrieval;
  const system = [
    `You are the website chat assistant of ${siteName}. Answer only from the knowledge below; never invent policies, prices, exceptions or promises.`,
    'If the knowledge does not answer the question, or the visitor needs a decision only a person can make, choose "escalate".',
    'If one missing piece of information would let you answer, choose "clarify" and ask for exactly that.',
    `Write the reply in the visitor's language (${prepared.signals.language.code}).`,
    'Also say whether the visitor needs a person, as "trigger": "visitor_request" (asks for a person in any words), "emotional_urgency" (anger, threats to leave, a vulnerable situation, time pressure, an outage), "accuracy_risk" (refund disputes, discounts or exceptions, legal, security or fraud, conflicting data), "high_value_intent" (business or bulk purchases, quotes, sales), "workflow_failure" (a self-service step keeps failing), or null.',
    'Reply with one JSON object: {"mode":"resolve"|"clarify"|"escalate","reply":"markdown for the visitor","reason":"why, for escalate","quickReplies":["optional options"],"trigger":null}.',
    '',
    'Knowledge:',
    article ? `## ${article.title}\n${article.body}` : '(no article matched this question)',
  ].join('\n');
  // The team's replies are part of the conversation the bot continues after a hand back: it must
  // neither contradict them nor ask again for what an agent already settled.
  const messages = prepared.history
    .filter((m) => m.author.kind === 'visitor' || m.author.kind === 'bot' || m.author.kind === 'agent')
    .slice(-12)
    .map((m) =>
      m.author.kind === 'visitor'
        ? { role: 'user', content: m.body }
        : { role: 'assistant', content: m.author.kind === 'agent' ? `(${m.author.name ?? 'A person'} from our team wrote:) ${m.body}` : m.body },
    );
  return [{ role: 'system', content: system }, ...messages];
}

export class LlmBot implements BotProvider {
  readonly name = 'llm';
  private readonly budgetMs: number;

  constructor(
    private readonly config: LlmConfig,
    private readonly engine: EngineBot,
  ) {
    this.budgetMs = Math.min(config.timeoutMs ?? LLM_TURN_BUDGET_MS, MAX_TURN_BUDGET_MS);
  }

  /** One chat-completions call; resolves with the first choice's text. */
  private async chat(messages: { role: string; content: string }[], options: { timeoutMs: number; json: boolean; temperature: number }): Promise<string> {
    const res = await fetch(`${this.config.baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      signal: AbortSignal.timeout(Math.max(1, options.timeoutMs)),
      headers: { 'content-type': 'application/json', ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}) },
      body: JSON.stringify({
        model: this.config.model,
        temperature: options.temperature,
        ...(options.json ? { response_format: { type: 'json_object' } } : {}),
        messages,
      }),
    });
    if (!res.ok) throw new Error(`model endpoint answered HTTP ${res.status}`);
    const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('model reply had no message content');
    return content;
  }

  private async complete(prepared: PolicyInput, siteName: string, timeoutMs: number): Promise<z.infer<typeof ModelAnswer>> {
    const content = await this.chat(buildPrompt(prepared, siteName), { timeoutMs, json: true, temperature: 0.2 });
    let json: unknown;
    try {
      json = JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      throw new Error('model reply was not JSON');
    }
    const parsed = ModelAnswer.safeParse(json);
    if (!parsed.success) throw new Error(`model reply did not match the decision schema (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  /** A handoff decided around the model: the rules' intent, risk flags and details, the model's attempt. */
  private handOver(prepared: PolicyInput, rules: BotDecision, trigger: Trigger, rule: string, reason: string, evidence: string[], flags: string[] = []): BotDecision {
    return escalation(prepared, {
      trigger,
      rule,
      reason,
      evidence,
      intent: rules.intent ?? prepared.intent?.name ?? 'unknown',
      riskFlags: [...new Set([...(rules.riskFlags ?? []), ...flags])],
      status: trigger === 'emotional_urgency' ? 'urgent' : trigger === 'high_value_intent' ? 'resolved' : 'blocked',
      attempted: [{ action: 'language model answer', outcome: reason }],
    });
  }

  /** With a model configured, the package's summary is written by it, if time allows; the extractive one stays otherwise. */
  private async withSummary(decision: BotDecision, prepared: PolicyInput, timeLeft: () => number): Promise<BotDecision> {
    if (decision.mode !== 'escalate') return decision;
    const timeoutMs = Math.min(SUMMARY_MAX_MS, timeLeft());
    if (timeoutMs < SUMMARY_MIN_MS) return decision;
    // The model's summary is checked like the extractive one: what the playbook masks stays masked.
    const mask = (text: string) => maskText(text, { details: prepared.details, permitted: prepared.playbook.permittedDetails, kinds: detailKinds(prepared.playbook) });
    try {
      const summary = (
        await this.chat(
          [
            { role: 'system', content: 'Summarize this support chat for the human agent taking over, in one or two sentences: what the customer needs and what happened. Facts only, no advice.' },
            { role: 'user', content: mask(prepared.history.map((m) => `${m.author.kind}: ${m.body}`).join('\n').slice(-4000)) },
          ],
          { timeoutMs, json: false, temperature: 0 },
        )
      ).trim();
      if (!summary || summary.length > 400 || summary.startsWith('{')) return decision;
      return { ...decision, handoff: { ...decision.handoff, summary: mask(summary) } };
    } catch {
      return decision;
    }
  }

  async turn(input: BotTurnInput): Promise<BotDecision> {
    const deadline = Date.now() + this.budgetMs;
    const timeLeft = () => deadline - Date.now();
    const prepared = this.engine.prepare(input);
    const { decision, modelFailed } = await this.decide(input, prepared, timeLeft);
    // A model that just failed or timed out is not asked again for a summary.
    const final = modelFailed ? decision : await this.withSummary(decision, prepared, timeLeft);
    return { ...final, language: prepared.signals.language.code };
  }

  private async decide(input: BotTurnInput, prepared: PolicyInput, timeLeft: () => number): Promise<{ decision: BotDecision; modelFailed: boolean }> {
    const rules = evaluate(prepared);
    // Hard rules first: escalations, actions and questions for a missing detail stand as they are.
    // A topic question, or the built-in layer unsure whether a person is needed, asks the model.
    if (rules.mode === 'escalate' || rules.mode === 'act' || (rules.mode === 'clarify' && rules.missing !== 'topic' && rules.missing !== 'person')) {
      return { decision: rules.mode === 'act' ? await this.engine.turn(input) : rules, modelFailed: false };
    }
    let answer: z.infer<typeof ModelAnswer>;
    try {
      answer = await this.complete(prepared, input.site.name, timeLeft());
    } catch (error) {
      const message = (error as Error).name === 'TimeoutError' ? `the language model timed out after ${this.budgetMs} ms` : (error as Error).message;
      return { decision: this.handOver(prepared, rules, 'workflow_failure', 'LLM.failure', `The assistant could not answer: ${message}.`, [message]), modelFailed: true };
    }
    return { decision: this.guard(prepared, rules, answer), modelFailed: false };
  }

  /** After the model: no promises only a person may make, no confidence without grounding. */
  private guard(prepared: PolicyInput, rules: BotDecision, answer: z.infer<typeof ModelAnswer>): BotDecision {
    const promise = findCommitment(answer.reply);
    if (promise) {
      return this.handOver(prepared, rules, 'accuracy_risk', 'LLM.guard.commitment', 'The model offered something only a person may approve.', [`model wrote "${promise}"`]);
    }
    // Either layer can raise an escalation: the model's trigger, validated, stands beside the rules'.
    if (answer.trigger) {
      return this.handOver(prepared, rules, answer.trigger, `LLM.trigger.${answer.trigger}`, answer.reason ?? `The model read ${answer.trigger.replace(/_/g, ' ')}.`, [
        `model classified ${answer.trigger}`,
        ...(answer.reason ? [answer.reason] : []),
      ]);
    }
    if (answer.mode === 'escalate') {
      return this.handOver(prepared, rules, 'accuracy_risk', 'LLM.escalate', answer.reason ?? 'The model could not answer from the knowledge base.', [answer.reason ?? 'model chose to escalate']);
    }
    if (answer.mode === 'resolve' && rules.mode !== 'resolve') {
      // The rules found no grounded article: the model may not answer anyway. Keep the rules' question.
      return { ...rules, evidence: [...rules.evidence, 'model answered without grounding; answer withheld'] };
    }
    // A sensitive topic the rules flagged but let the bot answer (e.g. cancellation): the model's own
    // words are not sent as a resolve; the rules' grounded answer, citing its article, stands.
    const sensitive = prepared.signals.topics.filter((t) => prepared.playbook.topics[t.name]);
    if (answer.mode === 'resolve' && rules.mode === 'resolve' && sensitive.length > 0) {
      return { ...rules, evidence: [...rules.evidence, `sensitive topic ${sensitive.map((t) => t.name).join(', ')}: model reply withheld`] };
    }
    const riskFlags = rules.riskFlags?.length ? { riskFlags: rules.riskFlags } : {};
    if (answer.mode === 'clarify') {
      if (rules.mode === 'clarify') return rules; // one topic question, the playbook's own
      return { mode: 'clarify', missing: 'topic', rule: 'LLM.clarify', evidence: rules.evidence, intent: rules.intent ?? 'unknown', reply: answer.reply, ...(answer.quickReplies?.length ? { quickReplies: answer.quickReplies } : {}), ...riskFlags };
    }
    return { mode: 'resolve', rule: 'LLM.resolve', evidence: rules.evidence, intent: rules.intent ?? 'unknown', reply: answer.reply, ...(rules.mode === 'resolve' && rules.sources ? { sources: rules.sources } : {}), ...riskFlags };
  }
}
