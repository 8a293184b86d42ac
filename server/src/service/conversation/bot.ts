// The bot's turns: one after another per conversation on this node, each answering the visitor's
// latest message, and escalating to the queue when the decision says so (or the bot fails).
import { type Channel, type DecisionNote, LIMITS, type Message } from '@baton/shared';
import type { BotDecision } from '../../bot/provider.js';
import { mayAuthorSpeak } from '../../core/conversation.js';
import { priorityOf } from '../../core/routing.js';
import { buildHandoff } from '../../core/policy/handoff.js';
import type { ConversationRecord, SiteRecord } from '../../store/types.js';
import { siteSettings } from '../settings.js';
import { copyFor, type Ctx, latestFrom, now, siteOf, stateOf } from './context.js';
import { allEvents, record } from './events.js';
import { append } from './messages.js';
import { queueContext } from './queue.js';
import { apply } from './transitions.js';

export function scheduleBotTurn(ctx: Ctx, conversationId: string) {
  const { botChains } = ctx.shared;
  const previous = botChains.get(conversationId) ?? Promise.resolve();
  const next = previous
    .then(() => botTurn(ctx, conversationId))
    .catch((error) => ctx.logger.error({ err: error, conversationId }, 'bot turn failed'))
    .finally(() => {
      if (botChains.get(conversationId) === next) botChains.delete(conversationId);
    });
  botChains.set(conversationId, next);
}

/**
 * A visitor came back to a conversation whose last word is theirs, unanswered for longer than a
 * bot turn may take: the node that was answering died (bot turns live in its memory). Answer now.
 * A turn still running elsewhere loses nothing: the answer's client id is per visitor message.
 * `latest`: the conversation's last message when the caller just read it (resume reads up to it).
 */
export async function answerIfUnanswered(ctx: Ctx, conversation: ConversationRecord, latest?: Message) {
  if (ctx.shared.botChains.has(conversation.id) || conversation.lastSeq === 0) return;
  const [last] = latest?.seq === conversation.lastSeq ? [latest] : await ctx.store.listMessages(conversation.id, conversation.lastSeq - 1, 1);
  if (!last || last.author.kind !== 'visitor') return;
  const waited = ctx.clock().getTime() - Date.parse(last.createdAt);
  if (waited > ctx.botTimeoutMs + 5_000) scheduleBotTurn(ctx, conversation.id);
}

/** What one bot turn answers: the visitor's message, with the transcript and decisions before it. */
interface Turn {
  conversation: ConversationRecord;
  site: SiteRecord;
  last: Message;
  transcript: Message[];
  previousDecisions: BotDecision[];
  askedForPerson: boolean;
}

async function botTurn(ctx: Ctx, conversationId: string) {
  const turn = await nextTurn(ctx, conversationId);
  if (!turn) return;
  const decision = await decide(ctx, turn);
  await carryOutDecision(ctx, turn, decision);
}

/** The visitor message the bot owes an answer, or null (someone else owns it now, or it is answered). */
async function nextTurn(ctx: Ctx, conversationId: string): Promise<Turn | null> {
  const { store } = ctx;
  const conversation = await store.getConversation(conversationId);
  if (!conversation || conversation.control !== 'bot') return null;
  const history = await store.listMessages(conversationId, latestFrom(conversation, 0), LIMITS.resumeBatchMax);
  // The visitor's latest message, unless the bot already answered it. Not "the last message":
  // a visitor who writes again while the bot answers the previous one must get an answer too.
  const last = [...history].reverse().find((m) => m.author.kind === 'visitor');
  if (!last || history.some((m) => m.author.kind === 'bot' && m.clientId === `bot-${last.id}`)) return null;
  // Providers get the transcript ending with the message they answer (the bot's answer to an
  // earlier message may have been stored after it).
  const transcript = [...history.filter((m) => m.id !== last.id), last];
  const site = await siteOf(ctx, conversation.siteId);
  const events = await allEvents(store, conversationId);
  const previousDecisions = events.flatMap((e) => (e.type === 'decision' ? [e.data.decision] : []));
  const askedForPerson = events.some((e) => e.type === 'ask_person' && e.data.messageId === last.id);
  return { conversation, site, last, transcript, previousDecisions, askedForPerson };
}

/** The site's bot decides, within the time a turn may take; a failure is a handover to a person. */
async function decide(ctx: Ctx, turn: Turn): Promise<BotDecision> {
  const { conversation, site } = turn;
  const conversationId = conversation.id;
  const started = Date.now();
  let decision: BotDecision;
  try {
    decision = await withTimeout(
      ctx.bots(site).turn({
        site: { id: site.id, key: site.key, name: site.name },
        conversationId,
        history: turn.transcript,
        previousDecisions: turn.previousDecisions,
        now: ctx.clock(),
        ...(turn.askedForPerson ? { askedForPerson: true } : {}),
        channel: channelOf(turn.last),
        ...(await localeOf(ctx, conversation)),
      }),
      ctx.botTimeoutMs,
    );
  } catch (error) {
    ctx.logger.warn({ err: error, conversationId }, 'bot failed; handing over to a person');
    decision = botFailure(ctx, error, turn.transcript, site, conversation.language, channelOf(turn.last));
  }
  ctx.logger.info({ conversationId, mode: decision.mode, rule: decision.rule, ms: Date.now() - started }, 'bot decision');
  ctx.meter.botTurn((Date.now() - started) / 1000);
  return decision;
}

/** Logs the decision, then (if the bot still has the conversation) replies and escalates. */
async function carryOutDecision(ctx: Ctx, turn: Turn, decision: BotDecision) {
  const { store } = ctx;
  const { conversation, site, last } = turn;
  const conversationId = conversation.id;
  const at = now(ctx);
  await record(store, conversationId, { type: 'decision', data: { decision, inReplyTo: last.id } }, at);
  ctx.notifier.toWatchers(conversationId, 'conversation:decision', decisionNote(conversationId, last.id, decision, at));
  // The conversation may have been claimed while the bot thought: then the bot stays silent.
  let current = await store.getConversation(conversationId);
  if (!current || !mayAuthorSpeak(stateOf(current), { kind: 'bot' })) return;
  // Kept on the conversation so that every notice after this turn speaks the visitor's language.
  if (decision.language && decision.language !== current.language) {
    current = (await store.updateConversation(current.id, { control: 'bot' }, { language: decision.language, updatedAt: at })) ?? current;
    if (current.control !== 'bot') return;
  }
  // "A person is joining now" only when one can: otherwise the line says the team has it (seed step 5).
  const reply = decision.mode === 'escalate' ? await handoffLine(ctx, site, current, decision, channelOf(last)) : decision.reply;

  await append(ctx, conversation.siteId, {
    id: ctx.newId('m'),
    conversationId,
    clientId: `bot-${last.id}`,
    author: { kind: 'bot', name: siteSettings(site).botName },
    body: reply,
    ...(decision.mode === 'clarify' && decision.quickReplies?.length ? { quickReplies: decision.quickReplies } : {}),
    now: at,
  });

  if (decision.mode === 'escalate') {
    // The package says where the visitor is: on voice, the agent is offered the call, not a chat.
    const handoff = { ...decision.handoff, channel: channelOf(last) };
    await apply(
      ctx,
      current,
      { type: 'escalate', trigger: decision.trigger, reason: decision.reason, at },
      { trigger: decision.trigger, reason: decision.reason, handoff, priority: priorityOf(handoff), team: handoff.team ?? null },
      { kind: 'bot', rule: decision.rule, evidence: decision.evidence },
      site,
    );
  }
}

/** The escalation line: the bot's own when a person can answer live, a truthful one when nobody can. */
async function handoffLine(ctx: Ctx, site: SiteRecord, conversation: ConversationRecord, decision: Extract<BotDecision, { mode: 'escalate' }>, channel: Channel): Promise<string> {
  const { unavailable } = await queueContext(ctx, site);
  if (unavailable.kind === 'live') return decision.reply;
  return copyFor(ctx, site, conversation.language, channel).escalatedLater(decision.handoff.status === 'urgent');
}

/** The browser's language, for the first turns whose words are too few to tell. */
async function localeOf(ctx: Ctx, conversation: ConversationRecord): Promise<{ locale?: string }> {
  if (conversation.language) return { locale: conversation.language };
  const locale = (await ctx.store.getVisitor(conversation.visitorId))?.context?.locale;
  return locale ? { locale } : {};
}

/** A turn is in voice when the visitor said the message it answers (seed step 4: voice stays voice). */
const channelOf = (m: Message): Channel => (m.spoken ? 'voice' : 'chat');

function botFailure(ctx: Ctx, error: unknown, history: Message[], site: SiteRecord, language: string | null, channel: Channel): BotDecision {
  const reason = 'The assistant could not answer (error or timeout).';
  return {
    mode: 'escalate',
    trigger: 'workflow_failure',
    reason,
    rule: 'bot.failure',
    evidence: [String((error as Error)?.message ?? error).slice(0, 200)],
    reply: copyFor(ctx, site, language, channel).botUnavailable(),
    // Through core's package like every escalation: the visitor's words are quoted masked.
    handoff: buildHandoff({ intent: 'unknown', status: 'blocked', trigger: 'workflow_failure', reason, evidence: [], riskFlags: [], details: {}, permitted: [], attempted: [{ action: 'bot_reply', outcome: 'failed' }], history }),
  };
}

/** A bot decision as the console shows it beside the transcript. */
export function decisionNote(conversationId: string, inReplyTo: string, d: BotDecision, at: string): DecisionNote {
  return {
    conversationId,
    inReplyTo,
    mode: d.mode,
    rule: d.rule,
    evidence: d.evidence,
    ...(d.mode === 'escalate' ? { trigger: d.trigger, reason: d.reason } : {}),
    at,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
