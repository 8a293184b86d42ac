// The one place a conversation changes hands: the core decides, the store commits (with its log
// entry and webhook outbox), then the effects are carried out: notices appended, timers set or
// cancelled, visitors and agents told, the queue moved on.
import { BatonError } from '@baton/shared';
import { type Command, type Effect, transition } from '../../core/conversation.js';
import type { ConversationRecord, SiteRecord } from '../../store/types.js';
import { agentView } from '../views.js';
import { publish } from '../webhooks.js';
import { copyFor, type Ctx, now, siteOf, stateOf } from './context.js';
import { scheduleAbandon, watchSilence } from './deadlines.js';
import { record, type TransitionBy } from './events.js';
import { systemNotice } from './messages.js';
import { formatOpening, queueContext, type QueueContext, route, sendQueuePositions, visitorViewOf } from './queue.js';

export type TransitionExtra = Partial<Pick<ConversationRecord, 'trigger' | 'reason' | 'handoff' | 'priority' | 'team' | 'outcome' | 'passedOver'>>;

/**
 * Runs a command through the core, commits it with compare-and-set (so a concurrent change
 * makes this one fail cleanly rather than overwrite), logs it, and carries out its effects.
 * `known`: the conversation's site when the caller read it already.
 */
export async function apply(
  ctx: Ctx,
  conversation: ConversationRecord,
  command: Command,
  extra: TransitionExtra,
  by: TransitionBy,
  known?: SiteRecord,
): Promise<ConversationRecord> {
  const { store } = ctx;
  const site = known ?? (await siteOf(ctx, conversation.siteId));
  const result = transition(stateOf(conversation), command, copyFor(ctx, site, conversation.language, conversation.channel), site.name);
  if (!result.ok) throw new BatonError(result.error.code, result.error.message, result.error.details);
  const next = result.state;
  const at = command.at;
  // The change, its log entry and its webhook deliveries commit together (the outbox).
  const updated = await store.transaction(async (tx) => {
    const changed = await tx.updateConversation(
      conversation.id,
      { control: conversation.control, agentId: conversation.agentId },
      {
        control: next.control,
        agentId: next.agentId,
        agentName: next.agentName,
        queuedAt: next.queuedAt,
        ...(next.control === 'closed' ? { closedAt: at } : {}),
        ...(next.control === 'agent' && conversation.control !== 'agent' ? { claimedAt: at, passedOver: null } : {}),
        ...extra,
        updatedAt: at,
      },
    );
    if (!changed) return null;
    await record(
      tx,
      conversation.id,
      { type: 'transition', data: { command: command.type, from: conversation.control, to: next.control, by, ...('trigger' in command ? { trigger: command.trigger, reason: command.reason } : {}) } },
      at,
    );
    const hook = command.type === 'escalate' ? 'conversation.escalated' : command.type === 'claim' || command.type === 'transfer' ? 'conversation.assigned' : command.type === 'resolve' ? 'conversation.resolved' : null;
    if (hook) await publish(tx, { siteId: changed.siteId, type: hook, data: { conversation: await agentView(tx, changed) }, at, newId: ctx.newId });
    return changed;
  });
  if (!updated) {
    // Someone changed it first: re-decide against what is stored now, so the caller learns why.
    const fresh = await store.getConversation(conversation.id);
    if (fresh && fresh.control !== conversation.control) {
      // Decided again against what is stored: a take-over is agent-initiated only from the bot.
      return apply(ctx, fresh, command, extra, fresh.control === 'bot' ? by : notInitiated(by), site);
    }
    throw new BatonError('already_claimed', 'The conversation changed; try again.', { agentName: fresh?.agentName ?? null });
  }
  if (command.type === 'escalate') ctx.meter.escalation(command.trigger);
  if (command.type === 'claim' && conversation.queuedAt) ctx.meter.timeToHuman((Date.parse(at) - Date.parse(conversation.queuedAt)) / 1000);
  await carryOut(ctx, result.effects, updated, site);
  return updated;
}

async function carryOut(ctx: Ctx, effects: Effect[], conversation: ConversationRecord, site: SiteRecord) {
  const { store, notifier, timers } = ctx;
  for (const effect of effects) {
    if (effect.type === 'notice') await systemNotice(ctx, conversation, effect.notice, effect.body);
  }
  let queue: QueueContext | undefined;
  if (conversation.control === 'queued') queue = await queued(ctx, conversation, site);
  if (conversation.control === 'agent') await watchSilence(ctx, conversation, conversation.lastSeq, { site });
  if (conversation.control === 'closed' || conversation.control === 'bot') {
    await timers.cancel(`silent:${conversation.id}`);
    await timers.cancel(`abandon:${conversation.id}`);
  }
  const fresh = (await store.getConversation(conversation.id)) ?? conversation;
  notifier.toVisitor(fresh.visitorId, 'conversation:updated', await visitorViewOf(ctx, fresh, queue));
  notifier.toSiteAgents(fresh.siteId, 'conversation:updated', await agentView(store, fresh));
  if (effects.some((e) => e.type === 'queueChanged')) await sendQueuePositions(ctx, fresh.siteId, fresh.id);
  // A conversation waits, or an agent's slot freed up: auto-assign gets its chance.
  if (fresh.control !== 'agent' || effects.some((e) => e.type === 'queueChanged')) await route(ctx, fresh.siteId);
}

/** A conversation just joined the queue: the visitor learns what to expect. Returns the queue as read then. */
async function queued(ctx: Ctx, conversation: ConversationRecord, site: SiteRecord): Promise<QueueContext> {
  await ctx.timers.cancel(`silent:${conversation.id}`);
  const queue = await queueContext(ctx, site);
  const { unavailable } = queue;
  const copy = copyFor(ctx, site, conversation.language, conversation.channel);
  if (unavailable.kind !== 'live' && !conversation.replyLater) {
    // Told before waiting: nobody can answer live, and what the choices are.
    const opensAt = unavailable.kind === 'closed' ? formatOpening(site, unavailable.opensAt, conversation.language) : null;
    await systemNotice(ctx, conversation, 'unavailable', copy.unavailable(unavailable.kind, opensAt));
  }
  const position = queue.positions.get(conversation.id) ?? 1;
  // The estimate shown at queueing, kept to measure it against the wait that followed.
  const shown = (await visitorViewOf(ctx, conversation, queue)).wait;
  const estimateSeconds = !shown ? null : shown.kind === 'soon' ? 60 : shown.kind === 'range' ? ((shown.lowMinutes + shown.highMinutes) / 2) * 60 : null;
  await record(ctx.store, conversation.id, { type: 'queued_estimate', data: { kind: shown?.kind ?? null, seconds: estimateSeconds } }, now(ctx));
  // "A specialist will join" only when one can: after the unavailable notice it would contradict it.
  await systemNotice(ctx, conversation, 'queued', copy.queued(position, unavailable.kind === 'live'));
  // The visitor may have closed the page while the bot was still deciding: the abandonment
  // clock starts now, as it would have when their last tab closed.
  if (!conversation.replyLater && !(await ctx.presence.visitorConnected(conversation.visitorId).catch(() => false))) {
    await scheduleAbandon(ctx, conversation.id);
  }
  return queue;
}

function notInitiated(by: TransitionBy): TransitionBy {
  if (by.kind !== 'agent') return by;
  const { agentInitiated: _, ...rest } = by;
  return rest;
}
