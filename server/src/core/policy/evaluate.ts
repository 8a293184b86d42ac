// The escalation policy (seed steps 1, 2 and 5), pure: signals + retrieval + playbook + what
// happened before → RESOLVE, CLARIFY (once), ESCALATE with a trigger — or ACT (run an action,
// then evaluate again with its outcome). Rule ids are in SPEC.md; each decision names its rule
// and the evidence it saw.
import type { HandoffStatus, Message, Trigger } from '@baton/shared';
import type { BotDecision } from './decision.js';
import { type Playbook, requiredDetails } from './playbook.js';
import { type Lines, linesFor } from './lines.js';
import type { Signals } from './signals.js';
import { escalationMass, type TriggerReading, understoodTrigger } from './understanding.js';
import { buildHandoff, maskText } from './handoff.js';

export interface RetrievalHit {
  id: string;
  title: string;
  body: string;
  score: number;
}

export type ActionOutcome =
  | { name: string; status: 'ok'; reply: string }
  | { name: string; status: 'not_found'; reply: string }
  | { name: string; status: 'error'; error: string }
  /** `why`: the visitor's value differs, the record has no such field, or the value was never given. */
  | { name: string; status: 'verification_failed'; field: string; why?: 'mismatch' | 'not_on_record' | 'not_given' | 'no_record' };

export interface PolicyInput {
  playbook: Playbook;
  signals: Signals;
  history: Message[];
  intent: { name: string; score: number } | null;
  retrieval: RetrievalHit | null;
  previousDecisions: BotDecision[];
  /** Details collected over the conversation (latest value per name). */
  details: Record<string, string>;
  /** Details for which the visitor gave different values. */
  conflicts: string[];
  action: ActionOutcome | null;
  channel?: 'chat' | 'voice';
  /** The visitor pressed "Talk to a person": an explicit ask, whatever the words. */
  askedForPerson?: boolean;
}

export type PolicyResult = BotDecision | { mode: 'act'; action: string; intent: string };

const quote = (s: string) => `"${s.length > 140 ? `${s.slice(0, 139)}…` : s}"`;

/** Below the playbook's threshold but this likely to need a person: ask once rather than guess. */
const UNSURE = 0.35;
/** A phrase from the playbook's lists is overruled only by a reading this sure that nothing is wrong. */
const PHRASE_OVERRULED = 0.9;
/** How alike (character n-gram cosine) a turn must be to an earlier one to count as asking it again. */
const REPHRASED = 0.35;

export function evaluate(input: PolicyInput): PolicyResult {
  const { playbook, signals, previousDecisions } = input;
  const last = previousDecisions.at(-1);
  // An answer to our clarifying question keeps the intent we asked about.
  const carried = last?.mode === 'clarify' && last.intent && last.intent !== 'unknown' ? last.intent : null;
  const answeredClarify = carried && last?.mode === 'clarify' && input.details[last.missing] !== undefined && givenThisTurn(playbook, signals, last.missing);
  const recognised = input.intent && input.intent.score >= playbook.thresholds.intent ? input.intent.name : null;
  // An answer to our clarifying question keeps the intent we asked about.
  const intentName = answeredClarify ? carried : (recognised ?? carried ?? impliedByDetail(playbook, signals, previousDecisions));
  const intent = intentName ? playbook.intents[intentName] : undefined;
  const topicFlags = signals.topics.flatMap((t) => playbook.topics[t.name]?.riskFlags ?? []);
  const riskFlags = [...new Set([...(intent?.riskFlags ?? []), ...topicFlags])];
  const urgent = signals.topics.some((t) => playbook.topics[t.name]?.urgent);
  const intentLabel = intentName ?? 'unknown';
  const lines = linesFor(playbook, signals.language.code);
  const channel = input.channel ?? 'chat';
  const understood = signals.understood;
  const reading = understood ? understoodTrigger(understood, playbook.understanding.threshold) : null;
  // The playbook's phrase lists are one feature among several: a phrase inside a product name
  // ("the Emergency Blanket") does not escalate when the learned reading is sure it is harmless.
  // A site's own `none` example, close enough, overrules them too: how a site fixes a false alarm.
  const phrasesCount = !understood || (understood.p.none ?? 0) < PHRASE_OVERRULED;
  const surelyHarmless = !phrasesCount;
  // Sentiment (wink-nlp) reads English only: in any other language, or when the learned reading
  // finds nothing wrong, capitals and exclamation marks are joy as often as anger.
  const sentimentCounts = !understood || ((understood.p.none ?? 0) < 0.5 && signals.language.code === 'en');
  const byReading = (r: TriggerReading, rule: string, reason: string, status?: HandoffStatus, flags?: string[]) =>
    escalate(r.trigger, `${rule}.understood.${r.label}`, reason, [quote(signals.text), ...evidenceOf(signals, r)], status, flags ? { flags } : {});

  function escalate(trigger: Trigger, rule: string, reason: string, evidence: string[], status?: HandoffStatus, extra: { attempted?: { action: string; outcome: string }[]; flags?: string[] } = {}): BotDecision {
    return escalation(input, {
      trigger,
      rule,
      reason,
      evidence,
      intent: intentLabel,
      riskFlags: [...new Set([...riskFlags, ...(extra.flags ?? [])])],
      status: status ?? (urgent || trigger === 'emotional_urgency' ? 'urgent' : trigger === 'high_value_intent' ? 'resolved' : 'blocked'),
      ...(extra.attempted ? { attempted: extra.attempted } : {}),
    });
  }

  // [ESC1] An explicit ask for a person is honoured at once.
  if (input.askedForPerson) {
    return escalate('visitor_request', 'ESC1.button', 'The visitor asked for a person.', [quote(signals.text), 'pressed "Talk to a person"']);
  }
  if (signals.personRequest && phrasesCount) {
    return escalate('visitor_request', 'ESC1.visitor_request', 'The visitor asked for a person.', [quote(signals.text), `matched "${signals.personRequest}"`]);
  }
  if (reading?.trigger === 'visitor_request') return byReading(reading, 'ESC1', 'The visitor asked for a person.');

  // [ESC2] Emotional urgency: vulnerable situations, urgent interruptions, threats to cancel, frustration.
  const topics = phrasesCount ? signals.topics : [];
  const urgentTopic = topics.find((t) => playbook.topics[t.name]?.escalate !== false && playbook.topics[t.name]?.trigger === 'emotional_urgency');
  if (urgentTopic) {
    const topic = playbook.topics[urgentTopic.name]!;
    return escalate('emotional_urgency', `ESC2.topic.${urgentTopic.name}`, topic.reason, [quote(signals.text), `topic ${urgentTopic.name}: "${urgentTopic.phrase}"`], 'urgent');
  }
  if (signals.cancelThreat && phrasesCount) {
    return escalate('emotional_urgency', 'ESC2.cancel_threat', 'The visitor is threatening to cancel.', [quote(signals.text), `threat: "${signals.cancelThreat}"`], 'urgent', { flags: ['cancellation'] });
  }
  if (reading?.trigger === 'emotional_urgency') {
    return byReading(reading, 'ESC2', EMOTIONAL_REASON[reading.label] ?? 'The visitor is upset or in a hurry.', 'urgent', EMOTIONAL_FLAGS[reading.label]);
  }
  // [ESC4] Sensitive topics the playbook hands to people (refund disputes, pricing exceptions, legal, security).
  const sensitive = topics.find((t) => playbook.topics[t.name]?.escalate !== false);
  if (sensitive) {
    const topic = playbook.topics[sensitive.name]!;
    return escalate(topic.trigger, `ESC4.topic.${sensitive.name}`, topic.reason, [quote(signals.text), `topic ${sensitive.name}: "${sensitive.phrase}"`], topic.urgent ? 'urgent' : 'blocked');
  }
  if (reading?.trigger === 'accuracy_risk') {
    const flags = ACCURACY_FLAGS[reading.label] ?? [];
    return byReading(reading, 'ESC4', ACCURACY_REASON[reading.label] ?? 'Answering would mean guessing or granting what only a person may.', reading.label === 'security' ? 'urgent' : 'blocked', flags);
  }

  // [ESC2] Frustration voiced now: negative and angry words or shouting.
  const angry =
    (signals.sentiment < 0 && (signals.angerMarker !== null || signals.shouting)) || (signals.shouting && signals.sentiment <= 0 && signals.text.length >= 12);
  // Frustration building over turns: the average of the last turns is below the playbook's threshold.
  const souring = signals.sentiment < 0 && signals.recentTurns >= 2 && signals.recentSentiment <= playbook.thresholds.frustration;
  const frustration = (): BotDecision =>
    escalate('emotional_urgency', 'ESC2.frustration', 'The visitor is frustrated.', [
      quote(signals.text),
      `sentiment ${signals.sentiment.toFixed(2)}, last ${signals.recentTurns} turn(s) ${signals.recentSentiment.toFixed(2)} (threshold ${playbook.thresholds.frustration})${signals.angerMarker ? `, "${signals.angerMarker}"` : ''}${signals.shouting ? ', shouting' : ''}`,
    ], 'urgent', { flags: ['complaint'] });
  if (angry && sentimentCounts) return frustration();

  // [ESC5] High-value intent: a person is the best next step, not a failure.
  if (reading?.trigger === 'high_value_intent' && !intent?.highValue) {
    return byReading(reading, 'ESC5', 'High-value intent: a sales conversation for the sales team.', 'resolved');
  }
  if (intent?.highValue && intentName) {
    return escalate('high_value_intent', `ESC5.high_value.${intentName}`, `High-value intent (${intentName.replace(/_/g, ' ')}) for the ${intent.team} team.`, [
      quote(signals.text),
      `intent ${intentName} (score ${input.intent?.score.toFixed(1) ?? 'carried over'})`,
    ]);
  }

  // [ESC6] Conflicting customer data: answering would be guessing.
  if (input.conflicts.length > 0) {
    return escalate('accuracy_risk', 'ESC6.conflicting_data', `The visitor gave conflicting ${input.conflicts.join(', ')}.`, input.conflicts.map((c) => `several values for ${c}`));
  }

  // [ESC7] Loops: the visitor repeats themselves, or the bot would repeat itself.
  if (signals.visitorRepeat && previousDecisions.length > 0) {
    return escalate('workflow_failure', 'ESC7.visitor_repeats', 'The visitor is repeating themselves: the bot is not helping.', [
      quote(signals.text),
      `repeats ${quote(signals.visitorRepeat.earlier)} (overlap ${signals.visitorRepeat.overlap.toFixed(2)})`,
    ]);
  }
  // (Unless the visitor is plainly moving on: "ok thanks, I'll do that now" after the same answer twice.)
  if (signals.botRepeat && !surelyHarmless) {
    return escalate('workflow_failure', 'ESC7.bot_repeats', 'The bot gave the same answer twice.', [quote(signals.text)]);
  }
  if (souring && sentimentCounts) return frustration();
  // [ESC3] A self-service step keeps failing for the visitor, in their words ("same error again").
  if (reading?.trigger === 'workflow_failure' && reading.label === 'self_service_failure') {
    return byReading(reading, 'ESC3', 'A self-service step keeps failing for the visitor.', 'blocked');
  }
  // [ESC3] After the bot asked or answered, the visitor cannot give what it needs ("I deleted the
  // email with the number"): one more question would not help.
  const intentNeedsDetails = intentName ? requiredDetails(playbook, intentName).length > 0 : false;
  if (reading?.label === 'cannot_provide' && previousDecisions.length > 0 && !intentNeedsDetails) {
    return byReading(reading, 'ESC3', 'The visitor cannot give the details the bot needs.', 'blocked');
  }

  const clarifiesFor = (missing: string) => previousDecisions.filter((d) => d.mode === 'clarify' && d.missing === missing).length;

  // Intents that need details (and the details that verify them): ask for the one missing piece, once; then act.
  const required = intentName ? requiredDetails(playbook, intentName) : [];
  if (intent && intentName && required.length > 0) {
    const missing = required.filter((n) => !input.details[n]);
    if (missing.length > 0) {
      const need = missing[0]!;
      // [ESC3] The clarify budget is spent: a second unclear turn hands over.
      if (clarifiesFor(need) >= playbook.clarifyBudget) {
        return escalate('workflow_failure', 'ESC3.clarify_budget', `Still missing ${need} after asking ${clarifiesFor(need)} time(s).`, [quote(signals.text), `asked for ${need} before`]);
      }
      // The visitor already said they cannot give it: asking would not improve the chances (seed step 2).
      if (reading?.label === 'cannot_provide') {
        return byReading(reading, 'ESC3', `The visitor cannot give the ${need} this needs.`, 'blocked');
      }
      const detail = playbook.details[need]!;
      // [CLR1] Exactly one missing detail stands between the visitor and an answer: ask for it.
      return {
        mode: 'clarify',
        missing: need,
        rule: `CLR1.missing.${need}`,
        evidence: [`intent ${intentName} needs ${need}`],
        intent: intentName,
        reply: lines.ask(need),
        ...(detail.options?.length ? { quickReplies: detail.options } : {}),
        ...(riskFlags.length ? { riskFlags } : {}),
      };
    }
    if (intent.action) {
      const outcome = input.action;
      if (!outcome) return { mode: 'act', action: intent.action, intent: intentName };
      if (outcome.status === 'ok') {
        // [RES2] An action completed.
        return { mode: 'resolve', rule: `RES2.action.${outcome.name}`, evidence: [`${outcome.name}: ok`], intent: intentName, reply: outcome.reply, attempted: [{ action: outcome.name, outcome: 'ok' }] };
      }
      if (outcome.status === 'not_found') {
        const need = intent.needs[0] ?? 'details';
        if (clarifiesFor(need) >= playbook.clarifyBudget) {
          return escalate('workflow_failure', 'ESC3.clarify_budget', `${outcome.name} found nothing for the details given, twice.`, [quote(signals.text)], 'blocked', { attempted: [{ action: outcome.name, outcome: 'not found' }] });
        }
        return { mode: 'clarify', missing: need, rule: `CLR1.not_found.${outcome.name}`, evidence: [`${outcome.name}: not found`], intent: intentName, reply: outcome.reply, attempted: [{ action: outcome.name, outcome: 'not found' }] };
      }
      if (outcome.status === 'verification_failed') {
        // [ESC9] Verification failed: a person must check identity.
        // What the agent reads; the visitor is told the same whichever it was.
        const [why, evidence] = {
          not_on_record: [`the record has no ${outcome.field} to check against`, 'missing from the record'],
          not_given: [`no ${outcome.field} was given`, 'not given'],
          no_record: [`no record matches the details given`, 'no record for these details'],
          mismatch: [`the ${outcome.field} does not match the record`, 'mismatch'],
        }[outcome.why ?? 'mismatch'];
        return escalate('workflow_failure', 'ESC9.verification_failed', `Verification failed: ${why}.`, [`${outcome.field} ${evidence}`], 'blocked', {
          attempted: [{ action: outcome.name, outcome: `verification failed (${outcome.field})` }],
          flags: ['security'],
        });
      }
      // [ESC8] The action errored.
      return escalate('workflow_failure', 'ESC8.action_error', `${outcome.name} failed: ${outcome.error}`, [outcome.error], 'blocked', { attempted: [{ action: outcome.name, outcome: `error: ${outcome.error}` }] });
    }
  }

  const hit = input.retrieval;
  const grounded = hit !== null && hit.score >= playbook.thresholds.retrieval;
  // [CLR3] The reading leans towards a person but is not sure, and there is no grounded answer:
  // ask once whether a person should take over, rather than guess either way.
  const askedAboutPerson = previousDecisions.some((d) => d.mode === 'clarify' && d.missing === 'person');
  if (understood && !reading && !grounded && !askedAboutPerson && escalationMass(understood) >= UNSURE) {
    const leaning = understoodTrigger(understood, UNSURE);
    return {
      mode: 'clarify',
      missing: 'person',
      rule: 'CLR3.unsure',
      evidence: [`needs a person ${escalationMass(understood).toFixed(2)} < ${playbook.understanding.threshold}`, ...(leaning ? evidenceOf(signals, leaning) : [])],
      intent: intentLabel,
      reply: lines.unsure(channel),
      quickReplies: [...lines.unsureOptions],
      ...(riskFlags.length ? { riskFlags } : {}),
    };
  }
  // [ESC7] A rephrased repeat: the visitor asks again, in other words, what the bot already answered
  // from this very article — the answer did not help.
  const answeredBefore = hit && previousDecisions.some((d) => d.mode === 'resolve' && d.rule === 'RES1.grounded' && d.sources?.[0]?.title === hit.title);
  if (grounded && answeredBefore && signals.closestEarlier && signals.closestEarlier.similarity >= REPHRASED) {
    return escalate('workflow_failure', 'ESC7.visitor_rephrases', 'The visitor asks again what the bot already answered: the answer did not help.', [
      quote(signals.text),
      `rephrases ${quote(signals.closestEarlier.text)} (similarity ${signals.closestEarlier.similarity.toFixed(2)}), answered from ${hit.title} before`,
    ]);
  }
  // [RES1] A grounded answer from the knowledge base, citing the article.
  if (hit && grounded) {
    return {
      mode: 'resolve',
      rule: 'RES1.grounded',
      evidence: [`${hit.title} (score ${hit.score.toFixed(1)} ≥ ${playbook.thresholds.retrieval})`],
      intent: intentLabel !== 'unknown' ? intentLabel : hit.id,
      reply: `${hit.body}\n\n_${lines.source}: ${hit.title}_`,
      sources: [{ title: hit.title }],
      ...(riskFlags.length ? { riskFlags } : {}),
    };
  }

  const best = hit ? `best article ${hit.title} scored ${hit.score.toFixed(1)} < ${playbook.thresholds.retrieval}` : 'no article matched';
  // [ESC10] A clear question without a grounded answer: answering would be guessing.
  if (intentName) {
    return escalate('accuracy_risk', 'ESC10.no_grounded_answer', 'No grounded answer for a recognised question.', [quote(signals.text), best]);
  }
  // [ESC3] Unclear again after a clarifying question.
  // (Declining the offer of a person is not "still unclear": the topic question comes next.)
  if (last?.mode === 'clarify' && last.missing !== 'person') {
    return escalate('workflow_failure', 'ESC3.clarify_budget', 'Still unclear after one clarifying question.', [quote(signals.text), best]);
  }
  // [CLR2] Unclear what it is about: one useful question, with the options we know.
  return {
    mode: 'clarify',
    missing: 'topic',
    rule: 'CLR2.topic',
    evidence: [best],
    intent: 'unknown',
    reply: lines.clarifyTopic(channel),
    quickReplies: lines.topicOptions,
  };
}

const EMOTIONAL_REASON: Record<string, string> = {
  anger: 'The visitor is frustrated.',
  leave_threat: 'The visitor is threatening to leave or cancel.',
  urgency: 'The visitor is under time pressure or facing real-world consequences.',
  vulnerable: 'The visitor may be in a vulnerable situation and needs a caring person.',
  outage: 'An urgent service interruption blocks the visitor.',
};
const EMOTIONAL_FLAGS: Record<string, string[]> = { anger: ['complaint'], leave_threat: ['cancellation'], urgency: ['urgent'], vulnerable: ['vulnerable'], outage: ['urgent'] };
const ACCURACY_REASON: Record<string, string> = {
  security: 'A possible account or payment compromise needs a person now.',
  legal: 'Legal questions need a person; the assistant must not give legal answers.',
  refund_dispute: 'A refund dispute needs a person who can check payments and approve exceptions.',
  exception: 'An exception or a discount needs someone with authority to approve it.',
};
const ACCURACY_FLAGS: Record<string, string[]> = { security: ['security'], legal: ['legal'], refund_dispute: ['refund', 'billing'], exception: ['policy_exception'] };

/** What the learned reading saw, in words an agent can check. */
function evidenceOf(signals: Signals, r: TriggerReading): string[] {
  const u = signals.understood;
  if (!u) return [];
  if (u.siteExample) return [`site example "${u.siteExample.text}" (${u.siteExample.label}, similarity ${u.siteExample.similarity.toFixed(2)})`];
  return [`understood ${r.label} ${(u.p[r.label] ?? 0).toFixed(2)}, ${r.trigger} ${r.p.toFixed(2)}, language ${signals.language.code}`, ...u.explain(r.label)];
}

export interface EscalationArgs {
  trigger: Trigger;
  rule: string;
  reason: string;
  evidence: string[];
  intent: string;
  riskFlags: string[];
  status: HandoffStatus;
  /** Attempts made this turn; earlier ones come from the previous decisions. */
  attempted?: { action: string; outcome: string }[];
}

/** An escalation decision: the site's handoff copy for the trigger and channel, and the package. */
export function escalation(input: PolicyInput, args: EscalationArgs): BotDecision {
  const { playbook } = input;
  const lines: Lines = linesFor(playbook, input.signals.language.code);
  const kinds = detailKinds(playbook);
  // The decision is logged and shown in the console: it masks what the package masks.
  const mask = (text: string) => maskText(text, { details: input.details, permitted: playbook.permittedDetails, kinds });
  return {
    mode: 'escalate',
    trigger: args.trigger,
    reason: mask(args.reason),
    rule: args.rule,
    evidence: args.evidence.map(mask),
    intent: args.intent,
    riskFlags: args.riskFlags,
    ...(args.attempted ? { attempted: args.attempted.map((a) => ({ action: a.action, outcome: mask(a.outcome) })) } : {}),
    reply: lines.escalate(args.trigger, input.channel ?? 'chat'),
    handoff: buildHandoff({
      intent: args.intent,
      status: args.status,
      trigger: args.trigger,
      reason: args.reason,
      evidence: args.evidence,
      riskFlags: args.riskFlags,
      details: input.details,
      permitted: playbook.permittedDetails,
      attempted: [...attemptsSoFar(input.previousDecisions), ...(args.attempted ?? [])],
      history: input.history,
      rule: args.rule,
      team: playbook.intents[args.intent]?.team ?? (args.trigger === 'high_value_intent' ? 'sales' : null), // [RT5]
      kinds,
    }),
  };
}

/** Detail name → the entity kind it is, so masking in free text knows emails from order numbers. */
export function detailKinds(playbook: Playbook): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(playbook.details).map(([name, d]) => [name, d.entity]));
}

/** Whether the visitor's latest turn carries the detail: its entity kind, or its pattern. */
function givenThisTurn(playbook: Playbook, signals: Signals, name: string): boolean {
  const def = playbook.details[name];
  if (!def) return false;
  if (def.entity) return (signals.entities[def.entity]?.length ?? 0) > 0;
  return def.pattern ? new RegExp(def.pattern, 'i').test(signals.text) : false;
}

/** A bare detail ("A-10422") means the intent that needs it: the one we were on, else the first. */
function impliedByDetail(playbook: Playbook, signals: Signals, previous: BotDecision[]): string | null {
  const given = Object.entries(playbook.details)
    .filter(([, d]) => d.entity && signals.entities[d.entity]?.length)
    .map(([name]) => name);
  if (given.length === 0) return null;
  const needing = Object.entries(playbook.intents).filter(([, i]) => i.needs.some((n) => given.includes(n)));
  const recent = [...previous].reverse().find((d) => d.intent && needing.some(([name]) => name === d.intent))?.intent;
  return recent ?? needing[0]?.[0] ?? null;
}

/** What the bot already tried, from its earlier decisions, for the handoff package. */
export function attemptsSoFar(decisions: BotDecision[]): { action: string; outcome: string }[] {
  const out: { action: string; outcome: string }[] = [];
  for (const d of decisions) {
    if (d.attempted) out.push(...d.attempted);
    else if (d.mode === 'resolve') out.push({ action: 'answered from knowledge base', outcome: d.evidence[0] ?? d.rule });
    else if (d.mode === 'clarify') out.push({ action: `asked for ${d.missing}`, outcome: 'asked once' });
  }
  return out;
}
