// The conversation service: what happens when a visitor or an agent acts. Each method
// validates against the pure core, persists through the store, then tells the notifier whom to
// inform. The transport adapts sockets to these methods; the tests call them through sockets.
import {
  type AgentRef,
  type Author,
  BatonError,
  type ConversationSummary,
  type DecisionNote,
  LIMITS,
  type NoticeKind,
  type Message,
  type Note,
  type Outcome,
  type Verdict,
  type VisitorContext as PageContext,
  type VisitorConversation,
  type VisitorPanel,
  type AgentStatus,
} from '@baton/shared';
import type { BotDecision, BotProvider } from '../bot/provider.js';
import { type IdentityClaim, validSecrets, verifyIdentity } from '../auth/identity.js';
import { type Command, type ControlState, type Effect, mayAuthorSpeak, transition } from '../core/conversation.js';
import { type CopyCatalog, copyCatalog, DEFAULT_COPY } from '../core/copy.js';
import { estimateWait } from '../core/wait.js';
import { availability, type Candidate, chooseAgent, placeAmong, priorityOf, queueOrder, servingPool } from '../core/routing.js';
import type { Logger } from '../log.js';
import { type Meter, NO_METER } from '../observability.js';
import type { AgentRecord, Appended, AttachmentRecord, ConversationRecord, NewMessage, SiteRecord, Store } from '../store/types.js';
import { isUniqueViolation } from '../store/kysely-store.js';
import { siteSettings } from './settings.js';
import { type InspectedFile, isImage } from './attachments.js';
import { publish } from './webhooks.js';
import { agentStatus, agentView, visitorView } from './views.js';

export interface Notifier {
  /** Every tab of one visitor. */
  toVisitor(visitorId: string, event: 'message:new', payload: Message): void;
  toVisitor(visitorId: string, event: 'conversation:updated', payload: VisitorConversation): void;
  toVisitor(visitorId: string, event: 'typing', payload: { conversationId: string; name: string; typing: boolean }): void;
  /** Agent sockets that opened this conversation. */
  toWatchers(conversationId: string, event: 'message:new', payload: Message): void;
  toWatchers(conversationId: string, event: 'typing', payload: { conversationId: string; typing: boolean }): void;
  toWatchers(conversationId: string, event: 'conversation:decision', payload: DecisionNote): void;
  toWatchers(conversationId: string, event: 'note:new', payload: Note): void;
  /** Every agent of a site. */
  toSiteAgents(siteId: string, event: 'conversation:updated', payload: ConversationSummary): void;
  toSiteAgents(siteId: string, event: 'agent:updated', payload: AgentStatus): void;
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

type QueueContext = Awaited<ReturnType<ConversationService['queueContext']>>;

const NO_PRESENCE: Presence = { connectedAgents: async () => new Set(), visitorConnected: async () => false };
/** Queue places sent to waiting visitors at most about this often per site and node (sendQueuePositions). */
const QUEUE_NOTIFY_MS = 100;
const NO_TIMERS: Timers = { schedule: async () => {}, cancel: async () => {} };

export interface VisitorContext {
  siteId: string;
  visitorId: string;
}

const stateOf = (c: ConversationRecord): ControlState => ({
  control: c.control,
  agentId: c.agentId,
  agentName: c.agentName,
  queuedAt: c.queuedAt,
});

/** How many conversations still with the bot the agents' list carries (the latest active). */
const QUEUE_BOT_ROWS = 100;
/** The longest a bot turn may take before the visitor is handed to a person. */
const BOT_TIMEOUT_MS = 10_000;

/** Where to read from so that a long conversation shows its latest messages, not its first. */
function latestFrom(c: ConversationRecord, afterSeq: number): number {
  return Math.max(afterSeq, c.lastSeq - LIMITS.resumeBatchMax);
}

export class ConversationService {
  private readonly copy: CopyCatalog;
  /** Bot turns of one conversation run one after another on this node. */
  private readonly botChains = new Map<string, Promise<void>>();
  private readonly presence: Presence;
  private readonly timers: Timers;
  private readonly meter: Meter;
  readonly timing: Timing;

  constructor(private readonly deps: ServiceDeps) {
    this.copy = deps.copy ?? DEFAULT_COPY;
    this.presence = deps.presence ?? NO_PRESENCE;
    this.timers = deps.timers ?? NO_TIMERS;
    this.meter = deps.meter ?? NO_METER;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
  }

  /** Agents who are online (not away) and have a console open, with their load and capacity. */
  private async candidates(site: SiteRecord): Promise<Candidate[]> {
    const { store } = this.deps;
    const settings = siteSettings(site);
    const [agents, connected, loads] = await Promise.all([store.listAgents(site.id), this.presence.connectedAgents(site.id), store.agentLoads(site.id)]);
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

  /** Messages as clients get them: attachments with fresh short-lived signed links. */
  private present(m: Message): Message {
    if (!m.attachments?.length || !this.deps.attachmentUrl) return m;
    const sign = this.deps.attachmentUrl;
    return {
      ...m,
      attachments: m.attachments.map((a) => ({ ...a, url: sign(a.id, 'full'), ...(isImage(a.type) ? { thumbUrl: sign(a.id, 'thumb') } : {}) })),
    };
  }

  /**
   * An inspected file as the row to store and what the message carries. The row is written in the
   * message's own transaction (append): a retry whose message was stored already stores no file.
   */
  private fileFor(conversationId: string, file: InspectedFile): { record: AttachmentRecord; meta: NonNullable<NewMessage['attachments']>[number] } {
    const id = this.deps.newId('att');
    return {
      record: { id, conversationId, name: file.name, type: file.type, size: file.data.length, width: file.width, height: file.height, data: file.data, thumb: file.thumb, createdAt: this.now() },
      meta: { id, name: file.name, type: file.type, size: file.data.length, ...(file.width ? { width: file.width } : {}), ...(file.height ? { height: file.height } : {}) },
    };
  }

  /**
   * Everything a waiting visitor's estimate depends on, read once per site rather than once per
   * visitor: who is available, recent handle times, the queue in order, and whether a live
   * transfer is possible at all (business hours, nobody online, all busy).
   */
  private async queueContext(site: SiteRecord) {
    const settings = siteSettings(site);
    const [candidates, handleTimes, queued] = await Promise.all([
      this.candidates(site),
      this.deps.store.recentHandleTimes(site.id, 50),
      this.deps.store.listConversations(site.id, ['queued']),
    ]);
    const available = candidates.filter((c) => c.available);
    const waiting = queued.filter((c) => !c.abandonedAt && c.queuedAt).sort(queueOrder);
    const unavailable = availability({
      hours: settings.businessHours,
      at: this.deps.clock(),
      agentsOnline: available.length,
      freeSlots: available.reduce((n, c) => n + Math.max(0, c.capacity - c.load), 0),
      waiting: waiting.length,
      maxWaiting: settings.maxWaiting,
    });
    return { site, available, handleTimes, waiting, unavailable, positions: new Map(waiting.map((c, i) => [c.id, i + 1])) };
  }

  private formatOpening(site: SiteRecord, at: Date | null, language: string | null = null): string | null {
    const hours = siteSettings(site).businessHours;
    if (!at || !hours) return null;
    const text = new Intl.DateTimeFormat(language && language !== 'en' ? language : 'en-US', { timeZone: hours.timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
    return `${text} (${hours.timeZone})`;
  }

  private now() {
    return this.deps.clock().toISOString();
  }

  /** The site's own copy where it has lines, the defaults (or the injected catalog) otherwise, in the visitor's language. */
  private copyFor(site: SiteRecord, language: string | null = null): CopyCatalog {
    const overrides = siteSettings(site).copy;
    if (language && language !== 'en') return copyCatalog(overrides, 'chat', language);
    return Object.keys(overrides).length ? copyCatalog(overrides, 'chat') : this.copy;
  }

  private async site(siteId: string): Promise<SiteRecord> {
    const site = await this.deps.store.getSite(siteId);
    if (!site) throw new BatonError('not_found', 'No such site.');
    return site;
  }

  /** The visitor's view, with an honest wait estimate while queued. */
  private async visitorViewOf(c: ConversationRecord, context?: QueueContext): Promise<VisitorConversation> {
    if (c.control !== 'queued') return visitorView(this.deps.store, c);
    const ctx = context ?? (await this.queueContext(await this.site(c.siteId)));
    const view = await visitorView(this.deps.store, c, ctx.positions.get(c.id) ?? null);
    if (view.queuePosition === null) return view;
    const { unavailable } = ctx;
    // [RT8] under auto-assign, only the agents who could take it, and those ahead competing for them.
    const auto = siteSettings(ctx.site).routing === 'auto';
    const available = auto ? servingPool(ctx.available, c.team) : ctx.available;
    const position = auto ? (placeAmong(ctx.waiting, c) ?? view.queuePosition) : view.queuePosition;
    const wait = estimateWait({
      position,
      agentsOnline: available.length,
      // Agents may have their own capacities: the average keeps agents × capacity = the slots online.
      capacity: available.length ? available.reduce((n, a) => n + a.capacity, 0) / available.length : siteSettings(ctx.site).agentCapacity,
      busySlots: available.reduce((n, a) => n + a.load, 0),
      handleTimes: ctx.handleTimes,
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

  // ---------------- visitors ----------------

  async resume(ctx: VisitorContext, input: { conversationId?: string; afterSeq?: number; context?: PageContext }, userAgent?: string) {
    const { store } = this.deps;
    if (input.context) {
      await store.touchVisitor({ id: ctx.visitorId, siteId: ctx.siteId, now: this.now() });
      await store.setVisitorContext(ctx.visitorId, { ...input.context, ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}) });
    }
    let conversation = await store.latestConversation(ctx.visitorId);
    if (!conversation || conversation.siteId !== ctx.siteId) return { conversation: null, messages: [] };
    conversation = await this.visitorReturned(conversation);
    const afterSeq = input.conversationId === conversation.id ? (input.afterSeq ?? 0) : 0;
    const messages = (await store.listMessages(conversation.id, latestFrom(conversation, afterSeq), LIMITS.resumeBatchMax)).map((m) => this.present(m));
    if (conversation.control === 'bot') await this.answerIfUnanswered(conversation, messages.at(-1));
    return { conversation: await this.visitorViewOf(conversation), messages };
  }

  /** Visitors this node marked as seen lately (last seen is kept to the minute, not per message). */
  private readonly touched = new Map<string, number>();

  private async touchVisitor(ctx: VisitorContext, now: string) {
    const at = Date.parse(now);
    const last = this.touched.get(ctx.visitorId);
    if (last !== undefined && at - last < 60_000 && at >= last) return;
    await this.deps.store.touchVisitor({ id: ctx.visitorId, siteId: ctx.siteId, now });
    if (this.touched.size > 100_000) this.touched.clear();
    this.touched.set(ctx.visitorId, at);
  }

  /** `open`: the visitor's latest conversation when the caller just read it (saves reading it again). */
  async visitorSend(ctx: VisitorContext, input: { clientId: string; body: string; file?: InspectedFile; askPerson?: true }, open?: ConversationRecord | null): Promise<Message> {
    const { store } = this.deps;
    const now = this.now();
    await this.touchVisitor(ctx, now);
    const conversation =
      open && open.control !== 'closed' && open.visitorId === ctx.visitorId
        ? open
        : await store.openConversation({
            id: this.deps.newId('c'),
            siteId: ctx.siteId,
            visitorId: ctx.visitorId,
            now,
          });
    const file = input.file ? this.fileFor(conversation.id, input.file) : undefined;
    const { message, created } = await this.append(conversation.siteId, {
      id: this.deps.newId('m'),
      conversationId: conversation.id,
      clientId: input.clientId,
      author: { kind: 'visitor' },
      body: input.body,
      ...(file ? { attachments: [file.meta] } : {}),
      now,
    }, file?.record);
    if (!created) return this.present(message); // a retry: it was delivered and answered the first time
    // Kept in the log, not in memory: a bot turn finished by another node still sees the button was pressed.
    if (input.askPerson && conversation.control === 'bot') {
      await store.recordEvent({ conversationId: conversation.id, type: 'ask_person', data: { messageId: message.id }, at: now });
    }
    if (conversation.control === 'bot') this.scheduleBotTurn(conversation.id);
    if (conversation.control === 'agent' && conversation.agentId) await this.watchSilence(conversation, message.seq, { keep: true });
    return this.present(message);
  }

  /** Nobody can answer live: the visitor chooses a reply later in this chat, optionally by email too. */
  async replyLater(ctx: VisitorContext, input: { email?: string }): Promise<VisitorConversation> {
    const { store } = this.deps;
    const conversation = await store.latestConversation(ctx.visitorId);
    if (!conversation || conversation.siteId !== ctx.siteId || conversation.control !== 'queued') {
      throw new BatonError('bad_request', 'A reply later is offered only while you wait for our team.');
    }
    const email = input.email ?? null;
    const updated = await store.updateConversation(
      conversation.id,
      { control: 'queued' },
      { replyLater: true, contactEmail: email, abandonedAt: null, updatedAt: this.now() },
    );
    if (!updated) throw new BatonError('bad_request', 'The conversation changed; try again.');
    await this.timers.cancel(`abandon:${updated.id}`);
    await store.recordEvent({ conversationId: updated.id, type: 'reply_later', data: { email: email !== null }, at: this.now() });
    await this.systemNotice(updated, 'reply_later', this.copyFor(await this.site(updated.siteId), updated.language).replyLater(email));
    const view = await this.visitorViewOf(updated);
    this.deps.notifier.toVisitor(ctx.visitorId, 'conversation:updated', view);
    this.deps.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
    return view;
  }

  /** The visitor's last tab closed: a waiting conversation counts as abandoned if they stay away. */
  async visitorLeft(ctx: VisitorContext) {
    const conversation = await this.deps.store.latestConversation(ctx.visitorId);
    if (!conversation || conversation.control !== 'queued' || conversation.replyLater) return;
    // Another node not answering (it may have just died) is no reason to skip the check: the job asks again.
    if (await this.presence.visitorConnected(ctx.visitorId).catch(() => false)) return;
    await this.scheduleAbandon(conversation.id);
  }

  /** The abandonment clock of a waiting conversation whose visitor is away (the `abandon` job). */
  private async scheduleAbandon(conversationId: string) {
    await this.timers.schedule(`abandon:${conversationId}`, 'abandon', new Date(this.deps.clock().getTime() + this.timing.abandonAfterMs), { conversationId });
  }

  /** Job: still away and still waiting → abandoned (for the metrics); positions behind move up. */
  async abandonIfGone(conversationId: string) {
    const { store } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (!conversation || conversation.control !== 'queued' || conversation.replyLater || conversation.abandonedAt) return;
    if (await this.presence.visitorConnected(conversation.visitorId)) return;
    const now = this.now();
    const updated = await store.updateConversation(conversation.id, { control: 'queued' }, { abandonedAt: now, updatedAt: now });
    if (!updated) return;
    await store.recordEvent({ conversationId: updated.id, type: 'abandoned', data: { waitedSeconds: secondsBetween(updated.queuedAt, now) }, at: now });
    this.deps.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
    await this.sendQueuePositions(updated.siteId, updated.id);
  }

  /** A visitor who left the queue came back: their conversation re-opens where it was. */
  private async visitorReturned(conversation: ConversationRecord): Promise<ConversationRecord> {
    const { store } = this.deps;
    await this.timers.cancel(`abandon:${conversation.id}`);
    if (!conversation.abandonedAt || conversation.control !== 'queued') return conversation;
    const now = this.now();
    const updated = await store.updateConversation(conversation.id, { control: 'queued' }, { abandonedAt: null, updatedAt: now });
    if (!updated) return conversation;
    await store.recordEvent({ conversationId: updated.id, type: 'returned', data: {}, at: now });
    this.deps.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
    await this.sendQueuePositions(updated.siteId, updated.id);
    return updated;
  }

  /**
   * The host page's identify call: verified only when the site's identity secret signed it (HMAC
   * of the user id or a short-lived JWT). A verified user who already chats from another device
   * continues there: the answer names that visitor, unless this one has a conversation of its own
   * (histories are never merged). Unverified identities are stored as such, or refused when the
   * site requires verification.
   */
  async identify(ctx: VisitorContext, input: IdentityClaim): Promise<{ verified: boolean; switchTo: string | null; otherUser?: boolean }> {
    const { store } = this.deps;
    const site = await this.site(ctx.siteId);
    const settings = siteSettings(site);
    const unsealed = (v: string | undefined) => (v && this.deps.unsealSecret ? this.deps.unsealSecret(v) : v);
    const secrets = validSecrets(
      { ...settings, identitySecret: unsealed(settings.identitySecret), identitySecretPrevious: unsealed(settings.identitySecretPrevious) },
      this.deps.clock(),
    );
    const identity = await verifyIdentity(secrets, input, this.deps.clock());
    if (!identity.verified && settings.requireVerifiedIdentity) {
      throw new BatonError('unauthorized', 'This site accepts only identities it has signed.');
    }
    if (!identity.userId) throw new BatonError('bad_request', 'userJwt: not valid for this site (expired, wrongly signed or too long-lived).');
    const profile = {
      siteId: ctx.siteId,
      userId: identity.userId,
      name: identity.name ?? null,
      email: identity.email ?? null,
      verified: identity.verified,
      detailsVerified: identity.detailsVerified,
      now: this.now(),
    };
    const current = (await store.getVisitor(ctx.visitorId))?.profile;
    if (current && current.userId !== identity.userId) {
      // Another person on this browser (a shared computer, a sign-out the page did not tell us
      // about): they never inherit the previous user's chat. Their own verified history if they
      // have one, else a fresh visitor.
      const theirs = identity.verified ? await store.findVerifiedVisitor(ctx.siteId, identity.userId, ctx.visitorId) : null;
      const switchTo = theirs?.id ?? this.deps.newId('v');
      if (!theirs) await store.setVisitorProfile({ id: switchTo, ...profile });
      this.deps.logger.info({ visitorId: ctx.visitorId, switchTo }, 'identify: a different user on this browser; switched visitor');
      return { verified: identity.verified, switchTo, otherUser: true };
    }
    await store.setVisitorProfile({ id: ctx.visitorId, ...profile });
    let switchTo: string | null = null;
    if (identity.verified) {
      const other = await store.findVerifiedVisitor(ctx.siteId, identity.userId, ctx.visitorId);
      const own = await store.latestConversation(ctx.visitorId);
      if (other && !own) switchTo = other.id;
    }
    const open = await store.latestConversation(ctx.visitorId);
    if (open && open.control !== 'closed') this.deps.notifier.toSiteAgents(open.siteId, 'conversation:updated', await agentView(store, open));
    return { verified: identity.verified, switchTo };
  }

  /** CSAT: a rating from 1 to 5 and an optional comment, once, after the conversation was resolved. */
  async rate(ctx: VisitorContext, input: { conversationId: string; rating: number; comment?: string }) {
    const { store } = this.deps;
    const now = this.now();
    const comment = input.comment?.trim() || null;
    const rated = await store.transaction(async (tx) => {
      const r = await tx.rateConversation({ id: input.conversationId, visitorId: ctx.visitorId, rating: input.rating, comment, now });
      if (!r) return null;
      await tx.recordEvent({ conversationId: r.id, type: 'csat', data: { rating: input.rating, hasComment: comment !== null }, at: now });
      await publish(tx, { siteId: r.siteId, type: 'csat.submitted', data: { conversationId: r.id, rating: input.rating, comment }, at: now, newId: this.deps.newId });
      return r;
    });
    if (!rated) {
      const c = await store.getConversation(input.conversationId);
      if (!c || c.visitorId !== ctx.visitorId) throw new BatonError('not_found', 'No such conversation.');
      if (c.csat) throw new BatonError('already_rated', 'You already rated this conversation. Thank you!');
      throw new BatonError('bad_request', 'Only a resolved conversation can be rated.');
    }
    this.deps.notifier.toVisitor(ctx.visitorId, 'conversation:updated', await this.visitorViewOf(rated));
    this.deps.notifier.toSiteAgents(rated.siteId, 'conversation:updated', await agentView(store, rated));
  }

  visitorTyping(ctx: VisitorContext, typing: boolean) {
    return this.deps.store.latestConversation(ctx.visitorId).then((c) => {
      if (c && c.control !== 'closed') this.deps.notifier.toWatchers(c.id, 'typing', { conversationId: c.id, typing });
    });
  }

  // ---------------- the bot ----------------

  private scheduleBotTurn(conversationId: string) {
    const previous = this.botChains.get(conversationId) ?? Promise.resolve();
    const next = previous
      .then(() => this.botTurn(conversationId))
      .catch((error) => this.deps.logger.error({ err: error, conversationId }, 'bot turn failed'))
      .finally(() => {
        if (this.botChains.get(conversationId) === next) this.botChains.delete(conversationId);
      });
    this.botChains.set(conversationId, next);
  }

  /**
   * Stores a message and delivers it live at once, before anything else is awaited: a
   * conversation's tabs and watchers then get this node's messages in seq order (delivering after
   * other work let a later message overtake an earlier one, bench:load found). Then the meter and
   * the site's queue view, with the conversation as the append left it.
   */
  private async append(siteId: string, input: NewMessage, file?: AttachmentRecord): Promise<Appended> {
    const appended = await this.appendStored(siteId, input, file);
    if (!appended.created) return appended;
    // The store returns the conversation with a created message; read it only if it did not.
    const conversation = appended.conversation ?? (await this.deps.store.getConversation(appended.message.conversationId));
    if (conversation) {
      await this.deliverLive(appended.message, conversation);
      await this.announce(siteId, appended.message, conversation, appended.visitorProfile);
    }
    return appended;
  }

  /** A new message to the visitor's tabs and the agents watching (a new conversation first announced to every tab). */
  private async deliverLive(message: Message, c: ConversationRecord) {
    const { notifier } = this.deps;
    if (message.seq === 1) notifier.toVisitor(c.visitorId, 'conversation:updated', await this.visitorViewOf(c));
    const shown = this.present(message);
    notifier.toVisitor(c.visitorId, 'message:new', shown);
    notifier.toWatchers(message.conversationId, 'message:new', shown);
  }

  /**
   * Appends a message and, in the same transaction, its file and webhook deliveries (the outbox).
   * A concurrent retry with the same client id that won returns the stored message.
   */
  private async appendStored(siteId: string, input: NewMessage, file?: AttachmentRecord): Promise<Appended> {
    const { store } = this.deps;
    try {
      return await store.transaction(async (tx) => {
        if (file) await tx.saveAttachment(file);
        const result = await tx.appendMessage(input);
        if (result.created) {
          const at = result.message.createdAt;
          if (result.message.seq === 1) {
            const c = await tx.getConversation(result.message.conversationId);
            if (c) await publish(tx, { siteId, type: 'conversation.created', data: { conversation: await agentView(tx, c) }, at, newId: this.deps.newId });
          }
          await publish(tx, { siteId, type: 'message.created', data: { message: result.message }, at, newId: this.deps.newId });
        }
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return store.appendMessage(input);
      throw error;
    }
  }

  /**
   * A visitor came back to a conversation whose last word is theirs, unanswered for longer than a
   * bot turn may take: the node that was answering died (bot turns live in its memory). Answer now.
   * A turn still running elsewhere loses nothing: the answer's client id is per visitor message.
   * `latest`: the conversation's last message when the caller just read it (resume reads up to it).
   */
  private async answerIfUnanswered(conversation: ConversationRecord, latest?: Message) {
    if (this.botChains.has(conversation.id) || conversation.lastSeq === 0) return;
    const [last] = latest?.seq === conversation.lastSeq ? [latest] : await this.deps.store.listMessages(conversation.id, conversation.lastSeq - 1, 1);
    if (!last || last.author.kind !== 'visitor') return;
    const waited = this.deps.clock().getTime() - Date.parse(last.createdAt);
    if (waited > (this.deps.botTimeoutMs ?? BOT_TIMEOUT_MS) + 5_000) this.scheduleBotTurn(conversation.id);
  }

  /** Resolves when every bot turn has finished and no queue update is still owed (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.botChains.size > 0) await Promise.all([...this.botChains.values()]);
      else if ([...this.queueSends.values()].some((e) => e.again || e.sending)) await new Promise((r) => setTimeout(r, 20));
      else return;
    }
  }

  private async botTurn(conversationId: string) {
    const { store, logger } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (!conversation || conversation.control !== 'bot') return; // someone else owns it now
    const history = await store.listMessages(conversationId, latestFrom(conversation, 0), LIMITS.resumeBatchMax);
    // The visitor's latest message, unless the bot already answered it. Not "the last message":
    // a visitor who writes again while the bot answers the previous one must get an answer too.
    const last = [...history].reverse().find((m) => m.author.kind === 'visitor');
    if (!last || history.some((m) => m.author.kind === 'bot' && m.clientId === `bot-${last.id}`)) return;
    // Providers get the transcript ending with the message they answer (the bot's answer to an
    // earlier message may have been stored after it).
    const transcript = [...history.filter((m) => m.id !== last.id), last];
    const site = await this.site(conversation.siteId);
    const events = await store.listEvents(conversationId);
    const previousDecisions = events.filter((e) => e.type === 'decision').map((e) => e.data.decision as BotDecision);
    const askedForPerson = events.some((e) => e.type === 'ask_person' && e.data.messageId === last.id);

    const started = Date.now();
    let decision: BotDecision;
    try {
      decision = await withTimeout(
        this.deps.bots(site).turn({
          site: { id: site.id, key: site.key, name: site.name },
          conversationId,
          history: transcript,
          previousDecisions,
          now: this.deps.clock(),
          ...(askedForPerson ? { askedForPerson } : {}),
          ...(await this.localeOf(conversation)),
        }),
        this.deps.botTimeoutMs ?? BOT_TIMEOUT_MS,
      );
    } catch (error) {
      logger.warn({ err: error, conversationId }, 'bot failed; handing over to a person');
      decision = this.botFailure(error, transcript, site, conversation.language);
    }
    logger.info({ conversationId, mode: decision.mode, rule: decision.rule, ms: Date.now() - started }, 'bot decision');
    this.meter.botTurn((Date.now() - started) / 1000);

    const now = this.now();
    await store.recordEvent({
      conversationId,
      type: 'decision',
      data: { decision, inReplyTo: last.id },
      at: now,
    });
    this.deps.notifier.toWatchers(conversationId, 'conversation:decision', decisionNote(conversationId, last.id, decision, now));
    // The conversation may have been claimed while the bot thought: then the bot stays silent.
    let current = await store.getConversation(conversationId);
    if (!current || !mayAuthorSpeak(stateOf(current), { kind: 'bot' })) return;
    // Kept on the conversation so that every notice after this turn speaks the visitor's language.
    if (decision.language && decision.language !== current.language) {
      current = (await store.updateConversation(current.id, { control: 'bot' }, { language: decision.language, updatedAt: now })) ?? current;
      if (current.control !== 'bot') return;
    }
    // "A person is joining now" only when one can: otherwise the line says the team has it (seed step 5).
    const reply = decision.mode === 'escalate' ? await this.handoffLine(site, current, decision) : decision.reply;

    const botName = siteSettings(site).botName;
    await this.append(conversation.siteId, {
      id: this.deps.newId('m'),
      conversationId,
      clientId: `bot-${last.id}`,
      author: { kind: 'bot', name: botName },
      body: reply,
      ...(decision.mode === 'clarify' && decision.quickReplies?.length ? { quickReplies: decision.quickReplies } : {}),
      now,
    });

    if (decision.mode === 'escalate') {
      await this.apply(
        current,
        { type: 'escalate', trigger: decision.trigger, reason: decision.reason, at: now },
        { trigger: decision.trigger, reason: decision.reason, handoff: decision.handoff, priority: priorityOf(decision.handoff), team: decision.handoff.team ?? null },
        { kind: 'bot', rule: decision.rule, evidence: decision.evidence },
      );
    }
  }

  /** The escalation line: the bot's own when a person can answer live, a truthful one when nobody can. */
  private async handoffLine(site: SiteRecord, conversation: ConversationRecord, decision: Extract<BotDecision, { mode: 'escalate' }>): Promise<string> {
    const { unavailable } = await this.queueContext(site);
    if (unavailable.kind === 'live') return decision.reply;
    return this.copyFor(site, conversation.language).escalatedLater(decision.handoff.status === 'urgent');
  }

  /** The browser's language, for the first turns whose words are too few to tell. */
  private async localeOf(conversation: ConversationRecord): Promise<{ locale?: string }> {
    if (conversation.language) return { locale: conversation.language };
    const locale = (await this.deps.store.getVisitor(conversation.visitorId))?.context?.locale;
    return locale ? { locale } : {};
  }

  private botFailure(error: unknown, history: Message[], site: SiteRecord, language: string | null): BotDecision {
    const reason = 'The assistant could not answer (error or timeout).';
    const visitorTurns = history.filter((m) => m.author.kind === 'visitor');
    return {
      mode: 'escalate',
      trigger: 'workflow_failure',
      reason,
      rule: 'bot.failure',
      evidence: [String((error as Error)?.message ?? error).slice(0, 200)],
      reply: this.copyFor(site, language).botUnavailable(),
      handoff: {
        intent: 'unknown',
        status: 'blocked',
        trigger: 'workflow_failure',
        reason,
        evidence: [],
        riskFlags: [],
        customerDetails: {},
        attempted: [{ action: 'bot_reply', outcome: 'failed' }],
        summary: visitorTurns.map((m) => m.body).join(' / ').slice(0, 300),
      },
    };
  }

  // ---------------- agents ----------------

  private async agentConversation(agent: AgentRecord, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.store.getConversation(conversationId);
    // Another site's conversation answers exactly like a missing one: ids cannot be probed.
    if (!conversation || conversation.siteId !== agent.siteId) throw new BatonError('not_found', 'No such conversation.');
    return conversation;
  }

  async queue(agent: AgentRecord): Promise<ConversationSummary[]> {
    const { store } = this.deps;
    // Everyone waiting and everything held, however many conversations sit with the bot; of
    // those, the ones that moved last.
    const [people, withBot] = await Promise.all([
      store.listConversations(agent.siteId, ['queued', 'agent']),
      store.listConversations(agent.siteId, ['bot'], QUEUE_BOT_ROWS, 'recent'),
    ]);
    const rows = [...people, ...withBot];
    // Waiting first (urgent first, then longest waiting; those who left last), then held, then with the bot.
    const order = { queued: 0, agent: 1, bot: 2, closed: 3 } as const;
    rows.sort((a, b) => order[a.control] - order[b.control] || Number(!!a.abandonedAt) - Number(!!b.abandonedAt) || queueOrder(a, b));
    return Promise.all(rows.map((c) => agentView(store, c)));
  }

  /** `watch`: subscribes the caller to the conversation's live events, once it may see it and before the read. */
  async open(agent: AgentRecord, input: { conversationId: string; afterSeq?: number }, watch?: () => Promise<void>) {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    await watch?.();
    const messages = (await store.listMessages(conversation.id, latestFrom(conversation, input.afterSeq ?? 0), LIMITS.resumeBatchMax)).map((m) => this.present(m));
    const decisions = (await store.listEvents(conversation.id, 'decision')).map((e) =>
      decisionNote(conversation.id, String(e.data.inReplyTo), e.data.decision as BotDecision, e.at),
    );
    const notes = (await store.listEvents(conversation.id, 'note')).map((e) => noteOf(conversation.id, e.data, e.at));
    await store.recordAudit({ siteId: agent.siteId, actorId: agent.id, action: 'conversation.viewed', target: conversation.id, data: {}, at: this.now() });
    return { conversation: await agentView(store, conversation), messages, decisions, notes, visitor: await this.visitorPanel(conversation) };
  }

  private async visitorPanel(conversation: ConversationRecord): Promise<VisitorPanel> {
    const { store } = this.deps;
    const visitor = await store.getVisitor(conversation.visitorId);
    const earlier = (await store.visitorConversations(conversation.visitorId, 11)).filter((c) => c.id !== conversation.id).slice(0, 10);
    return {
      context: visitor?.context ?? null,
      profile: visitor?.profile ?? null,
      earlier: earlier.map((c) => ({
        id: c.id,
        createdAt: c.createdAt,
        control: c.control,
        outcome: (c.outcome as Outcome | null) ?? null,
        summary: c.handoff?.summary ?? null,
      })),
    };
  }

  async claim(agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const ref: AgentRef = { id: agent.id, name: agent.name };
    // Taking over from the bot before it escalated is an agent-initiated escalation (for the metrics).
    const by = { kind: 'agent', agentId: agent.id, ...(conversation.control === 'bot' ? { agentInitiated: true } : {}) };
    const updated = await this.apply(conversation, { type: 'claim', agent: ref, at: this.now() }, {}, by);
    return agentView(this.deps.store, updated);
  }

  async agentSend(agent: AgentRecord, input: { conversationId: string; clientId: string; body: string; file?: InspectedFile }): Promise<Message> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    const author: Author = { kind: 'agent', id: agent.id, name: agent.name };
    if (!mayAuthorSpeak(stateOf(conversation), author)) {
      if (conversation.control === 'closed') throw new BatonError('conversation_closed', 'This conversation is resolved.');
      throw new BatonError('not_in_control', 'Take over the conversation before replying.');
    }
    const file = input.file ? this.fileFor(conversation.id, input.file) : undefined;
    const { message, created } = await this.append(conversation.siteId, {
      id: this.deps.newId('m'),
      conversationId: conversation.id,
      clientId: input.clientId,
      author,
      body: input.body,
      ...(file ? { attachments: [file.meta] } : {}),
      now: this.now(),
    }, file?.record);
    if (created) {
      // The silence timer is not cancelled here (a write per reply): when it fires it sees this
      // answer, and follows any visitor message after it (agentSilent).
      if (conversation.contactEmail && !(await this.presence.visitorConnected(conversation.visitorId))) {
        // Replies to a visitor who is away are collected and sent in one email.
        const jobId = `reply-email:${conversation.id}`;
        await this.timers.schedule(jobId, 'reply_email', new Date(this.deps.clock().getTime() + this.timing.replyEmailDelayMs), {
          conversationId: conversation.id,
        });
      }
    }
    return this.present(message);
  }

  async handBack(agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const updated = await this.apply(conversation, { type: 'handBack', agentId: agent.id, at: this.now() }, {}, { kind: 'agent', agentId: agent.id });
    return agentView(this.deps.store, updated);
  }

  async resolve(agent: AgentRecord, conversationId: string, outcome: Outcome = 'solved'): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const updated = await this.apply(
      conversation,
      { type: 'resolve', by: { kind: 'agent', agentId: agent.id }, at: this.now() },
      { outcome },
      { kind: 'agent', agentId: agent.id, outcome },
    );
    return agentView(this.deps.store, updated);
  }

  async transfer(agent: AgentRecord, input: { conversationId: string; toAgentId?: string; toTeam?: string; note?: string }): Promise<ConversationSummary> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    const note = input.note?.trim();
    if (input.toTeam) {
      // Back to the queue for that team, ahead of ordinary cases; the visitor is told why.
      if (conversation.control !== 'agent' || conversation.agentId !== agent.id) {
        throw new BatonError('not_in_control', 'Only the agent in control can transfer this conversation.');
      }
      await this.timers.cancel(`silent:${conversation.id}`);
      const updated = await this.apply(
        conversation,
        { type: 'requeue', reason: `team:${input.toTeam}`, at: this.now() },
        { team: input.toTeam, priority: Math.max(conversation.priority, 1) },
        { kind: 'agent', agentId: agent.id, toTeam: input.toTeam },
      );
      await this.addNote(agent, { conversationId: conversation.id, clientId: `transfer-${this.deps.newId('n')}`, body: `Transferred to the ${input.toTeam} team${note ? `: ${note}` : '.'}` });
      return agentView(store, updated);
    }
    const target = input.toAgentId ? await store.getAgent(input.toAgentId) : null;
    if (!target || target.siteId !== agent.siteId || !target.active) throw new BatonError('not_found', 'No such agent.');
    const connected = await this.presence.connectedAgents(agent.siteId);
    if (!connected.has(target.id) || target.presence === 'offline') {
      throw new BatonError('bad_request', `${target.name} is offline; choose someone who is online.`, { agentName: target.name });
    }
    const updated = await this.apply(
      conversation,
      { type: 'transfer', fromAgentId: agent.id, to: { id: target.id, name: target.name }, at: this.now() },
      {},
      { kind: 'agent', agentId: agent.id, toAgentId: target.id },
    );
    await this.addNote(agent, {
      conversationId: conversation.id,
      clientId: `transfer-${this.deps.newId('n')}`,
      body: `Transferred to ${target.name}${note ? `: ${note}` : '.'}`,
    });
    return agentView(store, updated);
  }

  /** The agents' judgement of the escalation; the latest one counts, every one is kept in the log. */
  async verdict(agent: AgentRecord, input: { conversationId: string; verdict: Verdict; comment?: string; correctTrigger?: string }): Promise<ConversationSummary> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    if (!conversation.handoff && (await store.listEvents(conversation.id, 'transition')).every((e) => e.data.to !== 'queued' && !(e.data.by as { agentInitiated?: boolean })?.agentInitiated)) {
      throw new BatonError('bad_request', 'This conversation was never escalated.');
    }
    const now = this.now();
    const updated = await store.updateConversation(conversation.id, { control: ['bot', 'queued', 'agent', 'closed'] }, { verdict: input.verdict, updatedAt: now });
    if (!updated) throw new BatonError('not_found', 'No such conversation.');
    await store.recordEvent({
      conversationId: conversation.id,
      type: 'verdict',
      data: {
        agentId: agent.id,
        verdict: input.verdict,
        trigger: conversation.trigger,
        rule: conversation.handoff?.rule ?? null,
        comment: input.comment?.trim() || null,
        ...(input.verdict === 'wrong_reason' && input.correctTrigger ? { correctTrigger: input.correctTrigger } : {}),
      },
      at: now,
    });
    const view = await agentView(store, updated);
    this.deps.notifier.toSiteAgents(updated.siteId, 'conversation:updated', view);
    return view;
  }

  /** "The customer had to repeat": confirms (or clears) repetition for the metrics. */
  async markRepeated(agent: AgentRecord, input: { conversationId: string; repeated: boolean }): Promise<ConversationSummary> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    const now = this.now();
    await store.recordEvent({ conversationId: conversation.id, type: 'repeat_mark', data: { agentId: agent.id, repeated: input.repeated }, at: now });
    // After the event, never before: the metrics rollup keys each summary on updated_at.
    const updated = (await store.updateConversation(conversation.id, { control: ['bot', 'queued', 'agent', 'closed'] }, { updatedAt: now, repeated: input.repeated })) ?? conversation;
    const view = await agentView(store, updated);
    this.deps.notifier.toSiteAgents(conversation.siteId, 'conversation:updated', view);
    return view;
  }

  /** Internal notes live in the event log, not in the message sequence: they can never reach the visitor. */
  async addNote(agent: AgentRecord, input: { conversationId: string; clientId: string; body: string }): Promise<Note> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    const existing = (await store.listEvents(conversation.id, 'note')).find((e) => e.data.clientId === input.clientId && e.data.agentId === agent.id);
    if (existing) return noteOf(conversation.id, existing.data, existing.at);
    const now = this.now();
    const data = { id: this.deps.newId('note'), clientId: input.clientId, agentId: agent.id, agentName: agent.name, body: input.body };
    await store.recordEvent({ conversationId: conversation.id, type: 'note', data, at: now });
    const note = noteOf(conversation.id, data, now);
    this.deps.notifier.toWatchers(conversation.id, 'note:new', note);
    return note;
  }

  async agents(agent: AgentRecord): Promise<AgentStatus[]> {
    const { store } = this.deps;
    const site = await this.site(agent.siteId);
    const [agents, connected, loads] = await Promise.all([store.listAgents(site.id), this.presence.connectedAgents(site.id), store.agentLoads(site.id)]);
    const capacity = siteSettings(site).agentCapacity;
    return agents.filter((a) => a.active).map((a) => agentStatus(a, connected.has(a.id), loads.get(a.id) ?? 0, capacity));
  }

  async setPresence(agent: AgentRecord, presence: 'online' | 'away'): Promise<AgentStatus> {
    const { store } = this.deps;
    const updated = (await store.updateAgent(agent.id, { presence })) ?? agent;
    const status = await this.statusOf(updated);
    this.deps.notifier.toSiteAgents(agent.siteId, 'agent:updated', status);
    await this.queueMoved(agent.siteId);
    return status;
  }

  private async statusOf(agent: AgentRecord): Promise<AgentStatus> {
    const site = await this.site(agent.siteId);
    const connected = await this.presence.connectedAgents(agent.siteId);
    const loads = await this.deps.store.agentLoads(agent.siteId);
    return agentStatus(agent, connected.has(agent.id), loads.get(agent.id) ?? 0, siteSettings(site).agentCapacity);
  }

  /** A console tab connected: an offline agent comes online; a pending "gone" check is cancelled. */
  async agentConnected(agent: AgentRecord) {
    await this.timers.cancel(`presence:${agent.id}`);
    const fresh = (await this.deps.store.getAgent(agent.id)) ?? agent;
    const updated = fresh.presence === 'offline' ? ((await this.deps.store.updateAgent(agent.id, { presence: 'online' })) ?? fresh) : fresh;
    this.deps.notifier.toSiteAgents(agent.siteId, 'agent:updated', await this.statusOf(updated));
    await this.queueMoved(agent.siteId);
  }

  /** A console tab closed: if it was the last, the agent is gone after the grace period. */
  async agentDisconnected(agent: AgentRecord) {
    const connected = await this.presence.connectedAgents(agent.siteId);
    if (!connected.has(agent.id)) {
      await this.timers.schedule(`presence:${agent.id}`, 'agent_gone', new Date(this.deps.clock().getTime() + this.timing.presenceGraceMs), {
        agentId: agent.id,
      });
    }
    await this.queueMoved(agent.siteId);
  }

  /** Job: the grace period ran out and the agent has not come back: offline, and their visitors go back to the queue. */
  async agentGone(agentId: string) {
    const { store } = this.deps;
    const agent = await store.getAgent(agentId);
    if (!agent) return;
    if ((await this.presence.connectedAgents(agent.siteId)).has(agent.id)) return;
    const updated = (await store.updateAgent(agent.id, { presence: 'offline' })) ?? agent;
    const held = (await store.listConversations(agent.siteId, ['agent'])).filter((c) => c.agentId === agent.id);
    for (const c of held) {
      await this.requeue(c, 'agent_offline').catch((err) => this.deps.logger.warn({ err, conversationId: c.id }, 'requeue failed'));
    }
    this.deps.notifier.toSiteAgents(agent.siteId, 'agent:updated', await this.statusOf(updated));
    await this.queueMoved(agent.siteId);
  }

  /**
   * An agent just took over (a new timer), or the visitor wrote to one (`keep`: a pending timer
   * stays, so the agent's silence counts from the first unanswered message, however often the
   * visitor writes again): if the agent stays silent, the conversation goes back to the queue.
   */
  private async watchSilence(conversation: ConversationRecord, sinceSeq: number, options: { keep?: boolean } = {}) {
    const runAt = new Date(this.deps.clock().getTime() + (await this.silentMs(conversation.siteId)));
    await this.timers.schedule(`silent:${conversation.id}`, 'agent_silent', runAt, { conversationId: conversation.id, agentId: conversation.agentId, sinceSeq }, options);
  }

  /** How long an agent may stay silent before the conversation goes back to the queue (site setting). */
  private async silentMs(siteId: string): Promise<number> {
    return siteSettings(await this.site(siteId)).agentSilentSeconds * 1000;
  }

  /**
   * Job: the silence timer of the agent holding the conversation ran out. Requeued if the agent
   * has not answered since `sinceSeq`; if they answered but the visitor wrote again after the
   * answer, the timer runs on from that message (replies do not cancel it).
   */
  async agentSilent(input: { conversationId: string; agentId: string; sinceSeq: number }) {
    const { store } = this.deps;
    const conversation = await store.getConversation(input.conversationId);
    if (!conversation || conversation.control !== 'agent' || conversation.agentId !== input.agentId) return;
    let answered = false;
    let unanswered: Message | null = null; // the first visitor message after the agent's last answer
    for (let after = input.sinceSeq; ; ) {
      const page = await store.listMessages(conversation.id, after, LIMITS.resumeBatchMax);
      for (const m of page) {
        if (m.author.kind === 'agent' && m.author.id === input.agentId) {
          answered = true;
          unanswered = null;
        } else if (m.author.kind === 'visitor' && !unanswered) unanswered = m;
      }
      if (page.length < LIMITS.resumeBatchMax) break;
      after = page.at(-1)!.seq;
    }
    if (!answered) return this.requeue(conversation, 'agent_silent');
    if (!unanswered) return; // answered, and nothing since: the next visitor message starts a timer
    const due = Date.parse(unanswered.createdAt) + (await this.silentMs(conversation.siteId));
    if (due <= this.deps.clock().getTime()) return this.requeue(conversation, 'agent_silent');
    await this.timers.schedule(`silent:${conversation.id}`, 'agent_silent', new Date(due), { conversationId: conversation.id, agentId: input.agentId, sinceSeq: unanswered.seq });
  }

  /**
   * Back to the queue at the place the visitor had (when they last joined the line), and not
   * straight back to the agent who let them down: auto-assign passes over that agent for it.
   */
  private async requeue(conversation: ConversationRecord, reason: 'agent_silent' | 'agent_offline') {
    await this.timers.cancel(`silent:${conversation.id}`);
    const transitions = await this.deps.store.listEvents(conversation.id, 'transition');
    const since = [...transitions].reverse().find((e) => e.data.to === 'queued')?.at ?? null;
    await this.apply(
      conversation,
      { type: 'requeue', reason, at: this.now(), since },
      { passedOver: conversation.agentId },
      { kind: 'system', reason, agentId: conversation.agentId },
    );
  }

  /** Job: one email with the agent's replies the visitor has not seen, linking back to the chat. */
  async replyEmail(conversationId: string): Promise<{ to: string; conversationId: string; replies: Message[]; pageUrl: string | null } | null> {
    const { store } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (!conversation?.contactEmail) return null;
    if (await this.presence.visitorConnected(conversation.visitorId)) return null; // they saw it live
    const mailed = (await store.listEvents(conversation.id, 'reply_emailed')).reduce((max, e) => Math.max(max, Number(e.data.upToSeq ?? 0)), 0);
    const replies = (await store.listMessages(conversation.id, mailed, LIMITS.resumeBatchMax)).filter((m) => m.author.kind === 'agent');
    if (replies.length === 0) return null;
    const visitor = await store.getVisitor(conversation.visitorId);
    return { to: conversation.contactEmail, conversationId: conversation.id, replies, pageUrl: visitor?.context?.pageUrl ?? null };
  }

  async replyEmailed(conversationId: string, upToSeq: number) {
    await this.deps.store.recordEvent({ conversationId, type: 'reply_emailed', data: { upToSeq }, at: this.now() });
  }

  /** Job: delete what is older than each site's retention; runs daily on whichever node is up. */
  async applyRetention(): Promise<number> {
    const { store, logger } = this.deps;
    let total = 0;
    for (const site of await store.listSites()) {
      const days = siteSettings(site).retentionDays;
      if (!days) continue;
      const before = new Date(this.deps.clock().getTime() - days * 86_400_000).toISOString();
      let deleted = 0;
      for (let n = await store.deleteConversationsBefore(site.id, before); n > 0; n = await store.deleteConversationsBefore(site.id, before)) deleted += n;
      if (deleted > 0) {
        await store.recordAudit({ siteId: site.id, actorId: 'system', action: 'retention.purged', target: null, data: { conversations: deleted, olderThanDays: days }, at: this.now() });
        logger.info({ site: site.id, deleted, days }, 'retention applied');
      }
      total += deleted;
    }
    await this.timers.schedule('retention', 'retention', new Date(this.deps.clock().getTime() + 24 * 3600_000), {});
    return total;
  }

  /**
   * Job, every few minutes on any node: conversations still with the bot and quiet for the site's
   * `botIdleCloseHours` are closed by the system (a visitor back later starts afresh; the metrics
   * count bot-only conversations only once they are closed). Returns how many were closed.
   */
  async closeIdle(batch = 200): Promise<number> {
    const { store, logger } = this.deps;
    let closed = 0;
    for (const site of await store.listSites()) {
      const before = new Date(this.deps.clock().getTime() - siteSettings(site).botIdleCloseHours * 3600_000).toISOString();
      for (const c of await store.listQuietConversations(site.id, 'bot', before, batch)) {
        try {
          await this.apply(c, { type: 'resolve', by: { kind: 'system' }, at: this.now() }, {}, { kind: 'system', reason: 'idle' });
          closed += 1;
        } catch (error) {
          // The visitor wrote, or an agent took it, meanwhile: it is not idle.
          if (!(error instanceof BatonError)) throw error;
        }
      }
    }
    if (closed > 0) logger.info({ closed }, 'idle conversations with the bot closed');
    return closed;
  }

  /** Auto-assign: while a free matching agent exists, the next waiting conversation goes to them. */
  private readonly routing = new Map<string, boolean>();
  async route(siteId: string): Promise<void> {
    if (this.routing.has(siteId)) {
      this.routing.set(siteId, true); // run again when the current pass ends
      return;
    }
    this.routing.set(siteId, false);
    try {
      do {
        this.routing.set(siteId, false);
        await this.routePass(siteId);
      } while (this.routing.get(siteId));
    } finally {
      this.routing.delete(siteId);
    }
  }

  private async routePass(siteId: string) {
    const { store, logger } = this.deps;
    const site = await this.site(siteId);
    if (siteSettings(site).routing !== 'auto') return;
    const waiting = (await store.listConversations(siteId, ['queued'])).filter((c) => !c.abandonedAt).sort(queueOrder);
    // Read who is free once per pass and count each assignment in; re-read only after a lost race.
    let candidates = await this.candidates(site);
    for (const conversation of waiting) {
      const pool = conversation.passedOver ? candidates.filter((c) => c.id !== conversation.passedOver) : candidates;
      const choice = chooseAgent(pool, conversation.team);
      if (!choice.agent) {
        logger.debug({ conversationId: conversation.id, reason: choice.reason }, 'routing: nobody free');
        continue;
      }
      const now = this.now();
      try {
        await this.apply(conversation, { type: 'claim', agent: { id: choice.agent.id, name: choice.agent.name }, at: now }, {}, {
          kind: 'routing',
          agentId: choice.agent.id,
          reason: choice.reason,
        });
      } catch (error) {
        if (!(error instanceof BatonError)) throw error;
        candidates = await this.candidates(site); // someone took it meanwhile
        continue;
      }
      const chosen = choice.agent.id;
      candidates = candidates.map((c) => (c.id === chosen ? { ...c, load: c.load + 1, lastAssignedAt: now } : c));
      await store.updateAgent(choice.agent.id, { lastAssignedAt: now });
      await store.recordEvent({ conversationId: conversation.id, type: 'routing', data: { agentId: choice.agent.id, team: conversation.team, reason: choice.reason }, at: now });
      logger.info({ conversationId: conversation.id, agentId: choice.agent.id, reason: choice.reason }, 'routing: assigned');
    }
  }

  /** Read receipts: only the agent holding the conversation marks it read. */
  async markRead(agent: AgentRecord, input: { conversationId: string; seq: number }) {
    const conversation = await this.agentConversation(agent, input.conversationId);
    if (conversation.control !== 'agent' || conversation.agentId !== agent.id) {
      throw new BatonError('not_in_control', 'Only the agent in the conversation marks it read.');
    }
    const seq = Math.min(input.seq, conversation.lastSeq);
    if (seq <= conversation.agentReadSeq) return;
    const updated = await this.deps.store.markRead(conversation.id, seq, this.now());
    if (updated) this.deps.notifier.toVisitor(updated.visitorId, 'conversation:updated', await this.visitorViewOf(updated));
  }

  async agentTyping(agent: AgentRecord, input: { conversationId: string; typing: boolean }) {
    const conversation = await this.agentConversation(agent, input.conversationId);
    if (conversation.control === 'agent' && conversation.agentId === agent.id) {
      this.deps.notifier.toVisitor(conversation.visitorId, 'typing', {
        conversationId: conversation.id,
        name: agent.name,
        typing: input.typing,
      });
    }
  }

  // ---------------- shared ----------------

  /**
   * Runs a command through the core, commits it with compare-and-set (so a concurrent change
   * makes this one fail cleanly rather than overwrite), logs it, and carries out its effects.
   */
  private async apply(
    conversation: ConversationRecord,
    command: Command,
    extra: Partial<Pick<ConversationRecord, 'trigger' | 'reason' | 'handoff' | 'priority' | 'team' | 'outcome' | 'passedOver'>>,
    by: Record<string, unknown>,
  ): Promise<ConversationRecord> {
    const { store } = this.deps;
    const site = await this.site(conversation.siteId);
    const result = transition(stateOf(conversation), command, this.copyFor(site, conversation.language), site.name);
    if (!result.ok) throw new BatonError(result.error.code, result.error.message, result.error.details);
    const next = result.state;
    const now = command.at;
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
          ...(next.control === 'closed' ? { closedAt: now } : {}),
          ...(next.control === 'agent' && conversation.control !== 'agent' ? { claimedAt: now, passedOver: null } : {}),
          ...extra,
          updatedAt: now,
        },
      );
      if (!changed) return null;
      await tx.recordEvent({
        conversationId: conversation.id,
        type: 'transition',
        data: { command: command.type, from: conversation.control, to: next.control, by, ...('trigger' in command ? { trigger: command.trigger, reason: command.reason } : {}) },
        at: now,
      });
      const hook = command.type === 'escalate' ? 'conversation.escalated' : command.type === 'claim' || command.type === 'transfer' ? 'conversation.assigned' : command.type === 'resolve' ? 'conversation.resolved' : null;
      if (hook) await publish(tx, { siteId: changed.siteId, type: hook, data: { conversation: await agentView(tx, changed) }, at: now, newId: this.deps.newId });
      return changed;
    });
    if (!updated) {
      // Someone changed it first: re-decide against what is stored now, so the caller learns why.
      const fresh = await store.getConversation(conversation.id);
      if (fresh && fresh.control !== conversation.control) {
        // Decided again against what is stored: a take-over is agent-initiated only from the bot.
        const { agentInitiated: _, ...rest } = by;
        return this.apply(fresh, command, extra, fresh.control === 'bot' ? by : rest);
      }
      throw new BatonError('already_claimed', 'The conversation changed; try again.', { agentName: fresh?.agentName ?? null });
    }
    if (command.type === 'escalate') this.meter.escalation(command.trigger);
    if (command.type === 'claim' && conversation.queuedAt) this.meter.timeToHuman((Date.parse(now) - Date.parse(conversation.queuedAt)) / 1000);
    await this.carryOut(result.effects, updated);
    return updated;
  }

  private async carryOut(effects: Effect[], conversation: ConversationRecord) {
    const { store, notifier } = this.deps;
    for (const effect of effects) {
      if (effect.type !== 'notice') continue;
      await this.append(conversation.siteId, {
        id: this.deps.newId('m'),
        conversationId: conversation.id,
        clientId: `sys-${effect.notice}-${this.deps.newId('n')}`,
        author: { kind: 'system' },
        body: effect.body,
        notice: effect.notice,
        now: this.now(),
      });
    }
    if (conversation.control === 'queued') {
      await this.timers.cancel(`silent:${conversation.id}`);
      const site = await this.site(conversation.siteId);
      const context = await this.queueContext(site);
      const { unavailable } = context;
      if (unavailable.kind !== 'live' && !conversation.replyLater) {
        // Told before waiting: nobody can answer live, and what the choices are.
        const opensAt = unavailable.kind === 'closed' ? this.formatOpening(site, unavailable.opensAt, conversation.language) : null;
        await this.systemNotice(conversation, 'unavailable', this.copyFor(site, conversation.language).unavailable(unavailable.kind, opensAt));
      }
      const position = context.positions.get(conversation.id) ?? 1;
      // The estimate shown at queueing, kept to measure it against the wait that followed.
      const shown = (await this.visitorViewOf(conversation, context)).wait;
      const estimateSeconds = !shown ? null : shown.kind === 'soon' ? 60 : shown.kind === 'range' ? ((shown.lowMinutes + shown.highMinutes) / 2) * 60 : null;
      await store.recordEvent({ conversationId: conversation.id, type: 'queued_estimate', data: { kind: shown?.kind ?? null, seconds: estimateSeconds }, at: this.now() });
      // "A specialist will join" only when one can: after the unavailable notice it would contradict it.
      await this.append(conversation.siteId, {
        id: this.deps.newId('m'),
        conversationId: conversation.id,
        clientId: `sys-queued-${this.deps.newId('n')}`,
        author: { kind: 'system' },
        body: this.copyFor(site, conversation.language).queued(position, unavailable.kind === 'live'),
        notice: 'queued',
        now: this.now(),
      });
      // The visitor may have closed the page while the bot was still deciding: the abandonment
      // clock starts now, as it would have when their last tab closed.
      if (!conversation.replyLater && !(await this.presence.visitorConnected(conversation.visitorId).catch(() => false))) {
        await this.scheduleAbandon(conversation.id);
      }
    }
    if (conversation.control === 'agent') await this.watchSilence(conversation, conversation.lastSeq);
    if (conversation.control === 'closed' || conversation.control === 'bot') {
      await this.timers.cancel(`silent:${conversation.id}`);
      await this.timers.cancel(`abandon:${conversation.id}`);
    }
    const fresh = (await store.getConversation(conversation.id)) ?? conversation;
    notifier.toVisitor(fresh.visitorId, 'conversation:updated', await this.visitorViewOf(fresh));
    notifier.toSiteAgents(fresh.siteId, 'conversation:updated', await agentView(store, fresh));
    if (effects.some((e) => e.type === 'queueChanged')) await this.sendQueuePositions(fresh.siteId, fresh.id);
    // A conversation waits, or an agent's slot freed up: auto-assign gets its chance.
    if (fresh.control !== 'agent' || effects.some((e) => e.type === 'queueChanged')) await this.route(fresh.siteId);
  }

  private async systemNotice(conversation: ConversationRecord, notice: NoticeKind, body: string) {
    await this.append(conversation.siteId, {
      id: this.deps.newId('m'),
      conversationId: conversation.id,
      clientId: `sys-${notice}-${this.deps.newId('n')}`,
      author: { kind: 'system' },
      body,
      notice,
      now: this.now(),
    });
  }

  /** Agents came or went: auto-assign gets its chance, and every waiting visitor gets a fresh estimate. */
  async queueMoved(siteId: string) {
    await this.route(siteId);
    await this.sendQueuePositions(siteId, '');
  }

  /**
   * Every other waiting visitor of the site learns their new place in line: at once, and for the
   * changes that follow within QUEUE_NOTIFY_MS, once more at the end of that window. A burst of
   * 250 escalations routed one after another used to send every waiting visitor an update per
   * routing (250 × 250 writes); now about ten a second, each with the latest place.
   */
  private readonly queueSends = new Map<string, { again: boolean; sending: boolean }>();
  private async sendQueuePositions(siteId: string, except: string) {
    const pending = this.queueSends.get(siteId);
    if (pending) {
      pending.again = true;
      return;
    }
    const entry = { again: false, sending: true };
    this.queueSends.set(siteId, entry);
    try {
      await this.sendQueuePositionsNow(siteId, except);
    } finally {
      entry.sending = false;
      void (async () => {
        try {
          for (;;) {
            await new Promise((r) => setTimeout(r, QUEUE_NOTIFY_MS));
            if (!entry.again) return;
            entry.again = false;
            entry.sending = true;
            await this.sendQueuePositionsNow(siteId, '');
            entry.sending = false;
          }
        } catch (err) {
          this.deps.logger.warn({ err, siteId }, 'queue positions not sent');
        } finally {
          this.queueSends.delete(siteId);
        }
      })();
    }
  }

  private async sendQueuePositionsNow(siteId: string, except: string) {
    const { notifier } = this.deps;
    const context = await this.queueContext(await this.site(siteId));
    for (const c of context.waiting) {
      if (c.id === except) continue;
      notifier.toVisitor(c.visitorId, 'conversation:updated', await this.visitorViewOf(c, context));
    }
  }

  /** After a new message was delivered live (append): the meter, and the site's queue view. */
  private async announce(siteId: string, message: Message, conversation: ConversationRecord, visitorProfile: Appended['visitorProfile']) {
    const { store, notifier } = this.deps;
    this.meter.message(message.author.kind);
    notifier.toSiteAgents(siteId, 'conversation:updated', await agentView(store, conversation, message, visitorProfile));
  }
}

function noteOf(conversationId: string, data: Record<string, unknown>, at: string): Note {
  return {
    id: String(data.id),
    conversationId,
    author: { id: String(data.agentId), name: String(data.agentName) },
    body: String(data.body),
    createdAt: at,
  };
}

function secondsBetween(from: string | null, to: string): number | null {
  return from ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : null;
}

function decisionNote(conversationId: string, inReplyTo: string, d: BotDecision, at: string): DecisionNote {
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
