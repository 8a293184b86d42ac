// The queue: who can answer, where each waiting visitor stands and how long they may wait, the
// places sent to them as the line moves, and auto-assign.
import { BatonError, type VisitorConversation } from '@baton/shared';
import { estimateWait } from '../../core/wait.js';
import { availability, type Candidate, chooseAgent, placeAmong, queueOrder, servingPool } from '../../core/routing.js';
import type { ConversationRecord, SiteRecord } from '../../store/types.js';
import { siteSettings } from '../settings.js';
import { visitorView } from '../views.js';
import { type Ctx, now, siteOf } from './context.js';
import { record } from './events.js';
import { apply } from './transitions.js';

/** Queue places sent to waiting visitors at most about this often per site and node (sendQueuePositions). */
const QUEUE_NOTIFY_MS = 100;

export type QueueContext = Awaited<ReturnType<typeof queueContext>>;

/** Agents who are online (not away) and have a console open, with their load and capacity. */
export async function candidates(ctx: Ctx, site: SiteRecord): Promise<Candidate[]> {
  const { store } = ctx;
  const settings = siteSettings(site);
  const [agents, connected, loads] = await Promise.all([store.listAgents(site.id), ctx.presence.connectedAgents(site.id), store.agentLoads(site.id)]);
  return agents
    .filter((a) => a.active)
    .map((a) => ({
      id: a.id,
      name: a.name,
      available: connected.has(a.id) && a.presence === 'online',
      teams: a.teams,
      load: loads.get(a.id) ?? 0,
      capacity: a.capacity ?? settings.agentCapacity,
      lastAssignedAt: a.lastAssignedAt,
    }));
}

/**
 * Everything a waiting visitor's estimate depends on, read once per site rather than once per
 * visitor: who is available, recent handle times, the queue in order, and whether a live
 * transfer is possible at all (business hours, nobody online, all busy).
 */
export async function queueContext(ctx: Ctx, site: SiteRecord) {
  const settings = siteSettings(site);
  const [everyone, handleTimes, queued] = await Promise.all([
    candidates(ctx, site),
    ctx.store.recentHandleTimes(site.id, 50),
    ctx.store.listConversations(site.id, ['queued']),
  ]);
  const available = everyone.filter((c) => c.available);
  const waiting = queued.filter((c) => !c.abandonedAt && c.queuedAt).sort(queueOrder);
  const unavailable = availability({
    hours: settings.businessHours,
    at: ctx.clock(),
    agentsOnline: available.length,
    freeSlots: available.reduce((n, c) => n + Math.max(0, c.capacity - c.load), 0),
    waiting: waiting.length,
    maxWaiting: settings.maxWaiting,
  });
  return { site, available, handleTimes, waiting, unavailable, positions: new Map(waiting.map((c, i) => [c.id, i + 1])) };
}

export function formatOpening(site: SiteRecord, at: Date | null, language: string | null = null): string | null {
  const hours = siteSettings(site).businessHours;
  if (!at || !hours) return null;
  const text = new Intl.DateTimeFormat(language && language !== 'en' ? language : 'en-US', { timeZone: hours.timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${text} (${hours.timeZone})`;
}

/** The visitor's view, with an honest wait estimate while queued. `context`: the site's queue when the caller read it. */
export async function visitorViewOf(ctx: Ctx, c: ConversationRecord, context?: QueueContext): Promise<VisitorConversation> {
  if (c.control !== 'queued') return visitorView(ctx.store, c);
  const queue = context ?? (await queueContext(ctx, await siteOf(ctx, c.siteId)));
  const view = await visitorView(ctx.store, c, queue.positions.get(c.id) ?? null);
  if (view.queuePosition === null) return view;
  const { unavailable } = queue;
  // [RT8] under auto-assign, only the agents who could take it, and those ahead competing for them.
  const auto = siteSettings(queue.site).routing === 'auto';
  const available = auto ? servingPool(queue.available, c.team) : queue.available;
  const position = auto ? (placeAmong(queue.waiting, c) ?? view.queuePosition) : view.queuePosition;
  const wait = estimateWait({
    position,
    agentsOnline: available.length,
    // Agents may have their own capacities: the average keeps agents × capacity = the slots online.
    capacity: available.length ? available.reduce((n, a) => n + a.capacity, 0) / available.length : siteSettings(queue.site).agentCapacity,
    busySlots: available.reduce((n, a) => n + a.load, 0),
    handleTimes: queue.handleTimes,
  });
  return {
    ...view,
    wait: unavailable.kind === 'closed' ? { kind: 'no_agents' } : wait,
    unavailable:
      unavailable.kind === 'live'
        ? null
        : { kind: unavailable.kind, opensAt: unavailable.kind === 'closed' ? (unavailable.opensAt?.toISOString() ?? null) : null },
  };
}

/** Agents came or went: auto-assign gets its chance, and every waiting visitor gets a fresh estimate. */
export async function queueMoved(ctx: Ctx, siteId: string) {
  await route(ctx, siteId);
  await sendQueuePositions(ctx, siteId, '');
}

/**
 * Every other waiting visitor of the site learns their new place in line: at once, and for the
 * changes that follow within QUEUE_NOTIFY_MS, once more at the end of that window, so a burst of
 * changes sends each waiting visitor a few updates a second, each with the latest place.
 */
export async function sendQueuePositions(ctx: Ctx, siteId: string, except: string) {
  const { queueSends } = ctx.shared;
  const pending = queueSends.get(siteId);
  if (pending) {
    pending.again = true;
    return;
  }
  const entry = { again: false, sending: true };
  queueSends.set(siteId, entry);
  try {
    await sendQueuePositionsNow(ctx, siteId, except);
  } finally {
    entry.sending = false;
    void (async () => {
      try {
        for (;;) {
          await new Promise((r) => setTimeout(r, QUEUE_NOTIFY_MS));
          if (!entry.again) return;
          entry.again = false;
          entry.sending = true;
          await sendQueuePositionsNow(ctx, siteId, '');
          entry.sending = false;
        }
      } catch (err) {
        ctx.logger.warn({ err, siteId }, 'queue positions not sent');
      } finally {
        queueSends.delete(siteId);
      }
    })();
  }
}

async function sendQueuePositionsNow(ctx: Ctx, siteId: string, except: string) {
  const queue = await queueContext(ctx, await siteOf(ctx, siteId));
  for (const c of queue.waiting) {
    if (c.id === except) continue;
    ctx.notifier.toVisitor(c.visitorId, 'conversation:updated', await visitorViewOf(ctx, c, queue));
  }
}

/** Auto-assign: while a free matching agent exists, the next waiting conversation goes to them. */
export async function route(ctx: Ctx, siteId: string): Promise<void> {
  const { routing } = ctx.shared;
  if (routing.has(siteId)) {
    routing.set(siteId, true); // run again when the current pass ends
    return;
  }
  routing.set(siteId, false);
  try {
    do {
      routing.set(siteId, false);
      await routePass(ctx, siteId);
    } while (routing.get(siteId));
  } finally {
    routing.delete(siteId);
  }
}

async function routePass(ctx: Ctx, siteId: string) {
  const { store, logger } = ctx;
  const site = await siteOf(ctx, siteId);
  if (siteSettings(site).routing !== 'auto') return;
  const waiting = (await store.listConversations(siteId, ['queued'])).filter((c) => !c.abandonedAt).sort(queueOrder);
  // Read who is free once per pass and count each assignment in; re-read only after a lost race.
  let pool = await candidates(ctx, site);
  for (const conversation of waiting) {
    const eligible = conversation.passedOver ? pool.filter((c) => c.id !== conversation.passedOver) : pool;
    const choice = chooseAgent(eligible, conversation.team);
    if (!choice.agent) {
      logger.debug({ conversationId: conversation.id, reason: choice.reason }, 'routing: nobody free');
      continue;
    }
    const at = now(ctx);
    try {
      await apply(ctx, conversation, { type: 'claim', agent: { id: choice.agent.id, name: choice.agent.name }, at }, {}, {
        kind: 'routing',
        agentId: choice.agent.id,
        reason: choice.reason,
      }, site);
    } catch (error) {
      if (!(error instanceof BatonError)) throw error;
      pool = await candidates(ctx, site); // someone took it meanwhile
      continue;
    }
    const chosen = choice.agent.id;
    pool = pool.map((c) => (c.id === chosen ? { ...c, load: c.load + 1, lastAssignedAt: at } : c));
    await store.updateAgent(choice.agent.id, { lastAssignedAt: at });
    await record(store, conversation.id, { type: 'routing', data: { agentId: choice.agent.id, team: conversation.team, reason: choice.reason } }, at);
    logger.info({ conversationId: conversation.id, agentId: choice.agent.id, reason: choice.reason }, 'routing: assigned');
  }
}
