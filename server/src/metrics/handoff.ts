// Handoff quality (seed step 6), computed from stored facts only: conversation rows, their event
// log (transitions, decisions, verdicts, marks, estimates) and messages. Pure: the caller loads
// the facts (for a date range). Definitions, exclusions and blind spots: docs/metrics.md.
import type { Counted, HandoffReport, Message, MetricsFilter, Outcomes, Quantiles, Timing, VerdictCells } from '@baton/shared';
import type { ConversationEventRecord, ConversationRecord } from '../store/types.js';

export interface Facts {
  conversations: ConversationRecord[];
  events: ConversationEventRecord[];
  messages: Message[];
}

const SOLVED = new Set(['solved', 'won', 'quote_sent']);
const CONVERTED = new Set(['won', 'quote_sent']);
/** A new conversation from the same visitor within this window means the bot did not resolve it. */
export const REPEAT_CONTACT_WINDOW_MS = 24 * 60 * 60 * 1000;

export function quantiles(measured: Array<{ id: string; seconds: number }>): Quantiles {
  if (measured.length === 0) return { n: 0, p50: null, p90: null, ids: [] };
  // Slowest first; equal times keep their order (sort is stable).
  const sorted = [...measured].sort((a, b) => b.seconds - a.seconds);
  // Nearest-rank percentiles: an actual observed value, no interpolation.
  const at = (p: number) => sorted[Math.max(0, sorted.length - Math.max(1, Math.ceil(p * sorted.length)))]!.seconds;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), ids: sorted.map((m) => m.id) };
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
const mean = (xs: number[]) => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100);
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const counted = (ids: string[]): Counted => ({ count: ids.length, ids });
const idsOf = (list: Array<{ id: string }>) => list.map((s) => s.id);

/** What the metrics read off one conversation's log, kept alike in a story and a summary. */
interface Derived {
  /** When it first went to people: the bot's escalation, or an agent taking over early. */
  escalatedAt: string | null;
  agentInitiated: boolean;
  trigger: string | null;
  intent: string;
  team: string;
  claimedAt: string | null;
  firstAgentReplyAt: string | null;
  verdict: string | null;
  repeatMark: boolean | null;
  estimateSeconds: number | null;
  waitedSeconds: number | null;
}

/** What happened to one conversation, read from its events and messages. */
export interface Story extends Derived {
  c: ConversationRecord;
  messages: Message[];
}

export function stories(facts: Facts): Story[] {
  const events = groupBy(facts.events, (e) => e.conversationId);
  const messages = groupBy(facts.messages, (m) => m.conversationId);
  return facts.conversations.map((c) => {
    const log = events.get(c.id) ?? [];
    const transitions = log.filter((e) => e.type === 'transition');
    const escalation = transitions.find((e) => e.data.to === 'queued' || (e.data.to === 'agent' && e.data.from === 'bot'));
    const agentInitiated = escalation ? escalation.data.from === 'bot' && escalation.data.to === 'agent' : false;
    const escalatedAt = escalation?.at ?? null;
    const firstQueued = transitions.find((e) => e.data.to === 'queued');
    const claim = escalatedAt ? transitions.find((e) => e.data.to === 'agent' && e.at >= escalatedAt) : undefined;
    const msgs = messages.get(c.id) ?? [];
    const firstAgent = escalatedAt ? msgs.find((m) => m.author.kind === 'agent' && m.createdAt >= escalatedAt) : undefined;
    const verdicts = log.filter((e) => e.type === 'verdict');
    const marks = log.filter((e) => e.type === 'repeat_mark');
    const estimate = log.find((e) => e.type === 'queued_estimate');
    const claimAfterQueue = firstQueued ? transitions.find((e) => e.data.to === 'agent' && e.at >= firstQueued.at) : undefined;
    return {
      c,
      escalatedAt,
      agentInitiated,
      trigger: agentInitiated ? 'agent_initiated' : (c.trigger ?? (escalation?.data.trigger as string | undefined) ?? null),
      intent: c.handoff?.intent ?? 'unknown',
      team: c.team ?? 'none',
      claimedAt: claim?.at ?? null,
      firstAgentReplyAt: firstAgent?.createdAt ?? null,
      verdict: c.verdict ?? (verdicts.at(-1)?.data.verdict as string | undefined) ?? null,
      repeatMark: marks.length ? marks.at(-1)!.data.repeated === true : null,
      estimateSeconds: typeof estimate?.data.seconds === 'number' ? estimate.data.seconds : null,
      waitedSeconds: firstQueued && claimAfterQueue ? seconds(firstQueued.at, claimAfterQueue.at) : null,
      messages: msgs,
    };
  });
}

/** Values from the handoff package the customer should never have to give again. */
export function knownDetails(c: ConversationRecord): Array<{ name: string; value: string }> {
  return Object.entries(c.handoff?.customerDetails ?? {})
    .filter(([, v]) => v && !v.includes('***') && v.length >= 3)
    .map(([name, value]) => ({ name, value }));
}

const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ').toLowerCase();

/**
 * Detected repetition: after the handoff the visitor repeats a detail already in the package,
 * or one of the agent's first two messages asks for one ("what is your order number?").
 */
export function detectRepetition(s: Story): boolean {
  if (!s.escalatedAt) return false;
  const details = knownDetails(s.c);
  if (details.length === 0) return false;
  const after = s.messages.filter((m) => m.createdAt >= s.escalatedAt!);
  const visitorRepeats = after.some((m) => m.author.kind === 'visitor' && details.some((d) => m.body.toLowerCase().includes(d.value.toLowerCase())));
  const agentAsks = after
    .filter((m) => m.author.kind === 'agent')
    .slice(0, 2)
    .some((m) => m.body.includes('?') && details.some((d) => m.body.toLowerCase().includes(words(d.name))));
  return visitorRepeats || agentAsks;
}

/**
 * One conversation's part in the metrics: what its story says, without the raw rows. Small and
 * anonymous (no visitor data, no text), so closed conversations keep theirs in the
 * conversation_facts rollup and a report reads one row per conversation instead of its log.
 */
export interface Summary extends Derived {
  id: string;
  visitorId: string;
  createdAt: string;
  control: ConversationRecord['control'];
  outcome: string | null;
  csatRating: number | null;
  /** Waiting in the queue right now (after a claim this is cleared; waitedSeconds keeps the wait). */
  queuedNow: boolean;
  abandoned: boolean;
  /** The visitor chose a reply later over waiting: not counted as a wait that could be abandoned. */
  replyLater: boolean;
  /** The trigger in the handoff package (high-value intent counts toward conversion). */
  handoffTrigger: string | null;
  repetitionDetected: boolean;
  /** The mode of the bot's last decision (a bot-only conversation counts as resolved on "resolve"). */
  lastDecisionMode: string | null;
}

export function summaries(facts: Facts): Summary[] {
  const decisions = groupBy(
    facts.events.filter((e) => e.type === 'decision'),
    (e) => e.conversationId,
  );
  return stories(facts).map((story) => {
    const { c, messages: _rows, ...derived } = story;
    const lastDecision = decisions.get(c.id)?.at(-1)?.data.decision as { mode?: string } | undefined;
    return {
      ...derived,
      id: c.id,
      visitorId: c.visitorId,
      createdAt: c.createdAt,
      control: c.control,
      outcome: c.outcome,
      csatRating: c.csat?.rating ?? null,
      queuedNow: c.queuedAt !== null,
      abandoned: c.abandonedAt !== null,
      replyLater: c.replyLater,
      handoffTrigger: c.handoff?.trigger ?? null,
      repetitionDetected: detectRepetition(story),
      lastDecisionMode: lastDecision?.mode ?? null,
    };
  });
}

/** CSAT, resolution and conversion of a group: escalated ones by their outcomes, bot-only ones by bot resolution. */
function outcomes(list: Summary[], botResolved: Set<string>, escalatedGroup: boolean): Outcomes {
  const rated = list.filter((s) => s.csatRating !== null);
  const closed = list.filter((s) => s.outcome);
  const highValueClosed = closed.filter((s) => s.handoffTrigger === 'high_value_intent' || s.team === 'sales');
  const resolved = escalatedGroup ? closed.filter((s) => SOLVED.has(s.outcome!)) : list.filter((s) => botResolved.has(s.id));
  const converted = highValueClosed.filter((s) => CONVERTED.has(s.outcome!));
  return {
    conversations: list.length,
    ids: idsOf(list),
    rated: counted(idsOf(rated)),
    csatAverage: mean(rated.map((s) => s.csatRating!)),
    resolved: counted(idsOf(resolved)),
    resolutionRate: ratio(resolved.length, escalatedGroup ? closed.length : list.length),
    converted: counted(idsOf(converted)),
    conversionRate: ratio(converted.length, highValueClosed.length),
  };
}

/** Time to human of escalated conversations; claims only after a bot escalation (an agent-initiated takeover is its own claim). */
function timing(escalated: Summary[]): Timing {
  return {
    firstReplySeconds: quantiles(escalated.filter((s) => s.firstAgentReplyAt).map((s) => ({ id: s.id, seconds: seconds(s.escalatedAt!, s.firstAgentReplyAt!) }))),
    claimSeconds: quantiles(escalated.filter((s) => s.claimedAt && !s.agentInitiated).map((s) => ({ id: s.id, seconds: seconds(s.escalatedAt!, s.claimedAt!) }))),
  };
}

export function handoffReport(facts: Facts, filter: MetricsFilter = {}): HandoffReport {
  return reportOf(summaries(facts), filter);
}

/**
 * The report from conversations' summaries (freshly derived, or read from the rollup). A filter
 * selects escalated conversations only: team, trigger and intent are facts of a handoff (intent is
 * read from the handoff package), so a bot-only conversation has none to match (docs/metrics.md).
 */
export function reportOf(all: Summary[], filter: MetricsFilter = {}): HandoffReport {
  const matches = (s: Summary) =>
    (!filter.team || s.team === filter.team) && (!filter.intent || s.intent === filter.intent) && (!filter.trigger || s.trigger === filter.trigger);
  const filtered = filter.team || filter.intent || filter.trigger ? all.filter((s) => s.escalatedAt && matches(s)) : all;
  const escalated = filtered.filter((s) => s.escalatedAt);
  const botOnly = filtered.filter((s) => !s.escalatedAt);

  // Time to human, overall, by team and by hour of escalation (UTC).
  const timed = escalated.filter((s) => s.firstAgentReplyAt || (s.claimedAt && !s.agentInitiated));
  const byTeam = recordOf(groupBy(timed, (s) => s.team), timing);
  const byHour = recordOf(groupBy(timed, (s) => s.escalatedAt!.slice(11, 13)), timing);

  // Repetition: detected automatically and confirmed by agents, shown separately.
  const handled = escalated.filter((s) => s.firstAgentReplyAt || s.claimedAt);
  const detected = handled.filter((s) => s.repetitionDetected).map((s) => s.id);
  const confirmed = handled.filter((s) => s.repeatMark === true).map((s) => s.id);
  const repeated = new Set([...detected, ...confirmed]);
  const without = handled.filter((s) => s.control === 'closed' && !repeated.has(s.id)).map((s) => s.id);

  // Which intents escalate most, with their triggers.
  const intents = [...groupBy(escalated, (s) => s.intent)]
    .map(([intent, list]) => ({
      intent,
      escalations: list.length,
      triggers: recordOf(groupBy(list, (s) => s.trigger ?? 'unknown'), (l) => counted(idsOf(l))),
      ids: idsOf(list),
    }))
    .sort((a, b) => b.escalations - a.escalations || a.intent.localeCompare(b.intent));

  // Bot resolution: never escalated, the bot's last decision was an answer, and no new
  // conversation from the same visitor within the window.
  const byVisitor = groupBy(all, (s) => s.visitorId);
  const botResolved = new Set(
    botOnly
      .filter((s) => {
        if (s.lastDecisionMode !== 'resolve') return false;
        const created = Date.parse(s.createdAt);
        const again = (byVisitor.get(s.visitorId) ?? []).some(
          (o) => o.id !== s.id && Date.parse(o.createdAt) > created && Date.parse(o.createdAt) - created < REPEAT_CONTACT_WINDOW_MS,
        );
        return !again;
      })
      .map((s) => s.id),
  );

  // Verdicts, in total and per trigger and intent (each cell with its conversations).
  const judged = escalated.filter((s) => s.verdict);
  const byVerdict: Record<string, Counted> = {};
  for (const v of ['right', 'too_early', 'too_late', 'wrong_reason']) byVerdict[v] = counted(idsOf(judged.filter((s) => s.verdict === v)));
  const cells = (list: Summary[]): VerdictCells => recordOf(groupBy(list, (s) => s.verdict!), (l) => counted(idsOf(l)));

  // Abandonment among conversations that waited.
  // Those who chose a reply later did not wait live (docs/metrics.md): outside both counts.
  const queued = filtered.filter((s) => !s.replyLater && (s.queuedNow || s.waitedSeconds !== null || (s.escalatedAt && !s.agentInitiated)));
  const abandoned = queued.filter((s) => s.abandoned).map((s) => s.id);

  // Wait estimate shown vs the wait that followed.
  const estimated = filtered.filter((s) => s.estimateSeconds !== null && s.waitedSeconds !== null);
  const errors = estimated.map((s) => Math.abs(s.estimateSeconds! - s.waitedSeconds!) / 60);

  const daily = [...groupBy(filtered, (s) => s.createdAt.slice(0, 10))]
    .map(([day, list]) => ({
      day,
      conversations: counted(idsOf(list)),
      escalated: counted(idsOf(list.filter((s) => s.escalatedAt))),
      csatAverage: mean(list.filter((s) => s.csatRating !== null).map((s) => s.csatRating!)),
    }))
    .sort((a, b) => a.day.localeCompare(b.day));

  const everyEscalated = all.filter((s) => s.escalatedAt);
  const valuesOf = (value: (s: Summary) => string | null) => [...new Set(everyEscalated.map(value).filter((v): v is string => v !== null))].sort();

  return {
    conversations: filtered.length,
    escalated: counted(idsOf(escalated)),
    timeToHuman: { ...timing(escalated), byTeam, byHour },
    repetition: {
      escalated: handled.length,
      detected: counted(detected),
      confirmed: counted(confirmed),
      withoutRepetition: counted(without),
      rate: ratio(repeated.size, handled.length),
    },
    intents,
    helped: {
      botOnly: outcomes(botOnly, botResolved, false),
      escalated: outcomes(escalated, botResolved, true),
      byTrigger: recordOf(groupBy(escalated, (s) => s.trigger ?? 'unknown'), (list) => outcomes(list, botResolved, true)),
    },
    verdicts: {
      judged: judged.length,
      byVerdict,
      byTrigger: recordOf(groupBy(judged, (s) => s.trigger ?? 'unknown'), cells),
      byIntent: recordOf(groupBy(judged, (s) => s.intent), cells),
    },
    botResolution: { botOnly: botOnly.length, resolved: counted([...botResolved]), rate: ratio(botResolved.size, botOnly.length) },
    abandonment: { queued: queued.length, abandoned: counted(abandoned), rate: ratio(abandoned.length, queued.length) },
    waitEstimate: { n: estimated.length, meanAbsoluteErrorMinutes: errors.length ? Math.round(mean(errors)! * 100) / 100 : null, ids: idsOf(estimated) },
    daily,
    options: { teams: valuesOf((s) => s.team), intents: valuesOf((s) => s.intent), triggers: valuesOf((s) => s.trigger) },
  };
}

/** Groups as a record; fromEntries makes every key an own property, even a team called "__proto__". */
function recordOf<K extends string, T, V>(groups: Map<K, T[]>, value: (list: T[]) => V): Record<string, V> {
  return Object.fromEntries([...groups].map(([k, list]) => [k, value(list)]));
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
