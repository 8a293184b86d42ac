// What every conversation module receives: the service's dependencies, and the little state one
// node keeps in memory (bot turns in flight, queue updates owed, routing passes). Nothing here is
// needed by another node: the store is the source of truth.
import { type AgentServerToClient, BatonError, type Channel, LIMITS, type VisitorServerToClient } from '@baton/shared';
import type { BotProvider } from '../../bot/provider.js';
import type { ControlState } from '../../core/conversation.js';
import { type CopyCatalog, copyCatalog, DEFAULT_COPY } from '../../core/copy.js';
import type { Logger } from '../../log.js';
import { type Meter, NO_METER } from '../../observability.js';
import type { ConversationRecord, SiteRecord, Store } from '../../store/types.js';
import { siteSettings } from '../settings.js';

/** Whom to tell what, in the sockets' own event maps (shared/src/events.ts). */
export interface Notifier {
  /** Every tab of one visitor. */
  toVisitor<E extends keyof VisitorServerToClient>(visitorId: string, event: E, ...payload: Parameters<VisitorServerToClient[E]>): void;
  /** Agent sockets that opened this conversation. */
  toWatchers<E extends keyof AgentServerToClient>(conversationId: string, event: E, ...payload: Parameters<AgentServerToClient[E]>): void;
  /** Every console tab of one agent. */
  toAgent<E extends keyof AgentServerToClient>(agentId: string, event: E, ...payload: Parameters<AgentServerToClient[E]>): void;
  /** Every agent of a site. */
  toSiteAgents<E extends keyof AgentServerToClient>(siteId: string, event: E, ...payload: Parameters<AgentServerToClient[E]>): void;
}

/** Who is connected right now, across every node (the Socket.IO adapter answers for all). */
export interface Presence {
  connectedAgents(siteId: string): Promise<Set<string>>;
  visitorConnected(visitorId: string): Promise<boolean>;
}

/** What must happen later; backed by the store's durable jobs (see service/jobs.ts). */
export interface Timers {
  /** Creates or replaces the timer; `keep`: leaves a pending one with this id as it is. */
  schedule(id: string, kind: string, runAt: Date, data: Record<string, unknown>, options?: { keep?: boolean }): Promise<void>;
  cancel(id: string): Promise<void>;
}

export interface Timing {
  /** An agent whose last console tab closed keeps their conversations this long. */
  presenceGraceMs: number;
  /** A waiting visitor who left is counted as abandoned after this long. */
  abandonAfterMs: number;
  /** Agent replies to a visitor who is away are collected this long before one email goes out. */
  replyEmailDelayMs: number;
}

export const DEFAULT_TIMING: Timing = { presenceGraceMs: 60_000, abandonAfterMs: 10 * 60_000, replyEmailDelayMs: 60_000 };

export interface ServiceDeps {
  store: Store;
  bots: (site: SiteRecord) => BotProvider;
  clock: () => Date;
  newId: (prefix: string) => string;
  logger: Logger;
  notifier: Notifier;
  copy?: CopyCatalog;
  /** How long a bot turn may take before the conversation is handed to a person. */
  botTimeoutMs?: number;
  presence?: Presence;
  timers?: Timers;
  meter?: Meter;
  /** Reads a sealed site secret (identity secrets are stored encrypted). */
  unsealSecret?: (stored: string) => string;
  /** A short-lived signed path for an attachment (full file or thumbnail). */
  attachmentUrl?: (id: string, variant: 'full' | 'thumb') => string;
  timing?: Partial<Timing>;
}

export interface VisitorContext {
  siteId: string;
  visitorId: string;
}

/** This node's in-memory bookkeeping, shared by the modules. */
export interface Shared {
  /** Bot turns of one conversation run one after another on this node. */
  botChains: Map<string, Promise<void>>;
  /** Per site: queue places owed to waiting visitors (queue.ts, sendQueuePositions). */
  queueSends: Map<string, { again: boolean; sending: boolean }>;
  /** Per site: an auto-assign pass is running; `true`: run another when it ends. */
  routing: Map<string, boolean>;
  /** Visitors this node marked as seen lately (last seen is kept to the minute, not per message). */
  touched: Map<string, number>;
}

/** The service's dependencies with their defaults filled in, and the shared state. */
export type Ctx = Required<Omit<ServiceDeps, 'unsealSecret' | 'attachmentUrl' | 'timing'>> &
  Pick<ServiceDeps, 'unsealSecret' | 'attachmentUrl'> & {
    timing: Timing;
    shared: Shared;
  };

const NO_PRESENCE: Presence = { connectedAgents: async () => new Set(), visitorConnected: async () => false };
const NO_TIMERS: Timers = { schedule: async () => {}, cancel: async () => {} };
/** The longest a bot turn may take before the visitor is handed to a person. */
const BOT_TIMEOUT_MS = 10_000;

export function createContext(deps: ServiceDeps): Ctx {
  return {
    store: deps.store,
    bots: deps.bots,
    clock: deps.clock,
    newId: deps.newId,
    logger: deps.logger,
    notifier: deps.notifier,
    copy: deps.copy ?? DEFAULT_COPY,
    botTimeoutMs: deps.botTimeoutMs ?? BOT_TIMEOUT_MS,
    presence: deps.presence ?? NO_PRESENCE,
    timers: deps.timers ?? NO_TIMERS,
    meter: deps.meter ?? NO_METER,
    timing: { ...DEFAULT_TIMING, ...deps.timing },
    ...(deps.unsealSecret ? { unsealSecret: deps.unsealSecret } : {}),
    ...(deps.attachmentUrl ? { attachmentUrl: deps.attachmentUrl } : {}),
    shared: { botChains: new Map(), queueSends: new Map(), routing: new Map(), touched: new Map() },
  };
}

/** Resolves when every bot turn has finished and no queue update is still owed (tests, shutdown). */
export async function settled(shared: Shared): Promise<void> {
  for (;;) {
    if (shared.botChains.size > 0) await Promise.all([...shared.botChains.values()]);
    else if ([...shared.queueSends.values()].some((e) => e.again || e.sending)) await new Promise((r) => setTimeout(r, 20));
    else return;
  }
}

export function now(ctx: Ctx): string {
  return ctx.clock().toISOString();
}

export async function siteOf(ctx: Ctx, siteId: string): Promise<SiteRecord> {
  const site = await ctx.store.getSite(siteId);
  if (!site) throw new BatonError('not_found', 'No such site.');
  return site;
}

/** The site's own copy where it has lines, the defaults (or the injected catalog) otherwise, in the visitor's language. */
/** `channel`: 'voice' for lines the visitor will hear (the voice variants read well aloud). */
export function copyFor(ctx: Ctx, site: SiteRecord, language: string | null = null, channel: Channel = 'chat'): CopyCatalog {
  const overrides = siteSettings(site).copy;
  if ((language && language !== 'en') || channel === 'voice') return copyCatalog(overrides, channel, language ?? 'en');
  return Object.keys(overrides).length ? copyCatalog(overrides, 'chat') : ctx.copy;
}

export const stateOf = (c: ConversationRecord): ControlState => ({
  control: c.control,
  agentId: c.agentId,
  agentName: c.agentName,
  queuedAt: c.queuedAt,
});

/** Where to read from so that a long conversation shows its latest messages, not its first. */
export function latestFrom(c: ConversationRecord, afterSeq: number): number {
  return Math.max(afterSeq, c.lastSeq - LIMITS.resumeBatchMax);
}
