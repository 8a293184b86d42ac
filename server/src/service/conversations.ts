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
  type Message,
  type VisitorConversation,
} from '@baton/shared';
import type { BotDecision, BotProvider } from '../bot/provider.js';
import { verifyUserHash } from '../auth/identity.js';
import { type Command, type ControlState, type Effect, mayAuthorSpeak, transition } from '../core/conversation.js';
import { type CopyCatalog, DEFAULT_COPY } from '../core/copy.js';
import { estimateWait } from '../core/wait.js';
import type { Logger } from '../log.js';
import type { AgentRecord, ConversationRecord, SiteRecord, Store } from '../store/types.js';
import { agentView, visitorView } from './views.js';

export interface Notifier {
  /** Every tab of one visitor. */
  toVisitor(visitorId: string, event: 'message:new', payload: Message): void;
  toVisitor(visitorId: string, event: 'conversation:updated', payload: VisitorConversation): void;
  toVisitor(visitorId: string, event: 'typing', payload: { conversationId: string; name: string; typing: boolean }): void;
  /** Agent sockets that opened this conversation. */
  toWatchers(conversationId: string, event: 'message:new', payload: Message): void;
  toWatchers(conversationId: string, event: 'typing', payload: { conversationId: string; typing: boolean }): void;
  toWatchers(conversationId: string, event: 'conversation:decision', payload: DecisionNote): void;
  /** Every agent of a site. */
  toSiteAgents(siteId: string, event: 'conversation:updated', payload: ConversationSummary): void;
}

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
  /** How many agents of a site are online now (across every node). */
  agentsOnline?: (siteId: string) => Promise<number>;
}

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

export class ConversationService {
  private readonly copy: CopyCatalog;
  /** Bot turns of one conversation run one after another on this node. */
  private readonly botChains = new Map<string, Promise<void>>();

  constructor(private readonly deps: ServiceDeps) {
    this.copy = deps.copy ?? DEFAULT_COPY;
  }

  private now() {
    return this.deps.clock().toISOString();
  }

  private async site(siteId: string): Promise<SiteRecord> {
    const site = await this.deps.store.getSite(siteId);
    if (!site) throw new BatonError('not_found', 'No such site.');
    return site;
  }

  /** The visitor's view, with an honest wait estimate while queued. */
  private async visitorViewOf(c: ConversationRecord): Promise<VisitorConversation> {
    const view = await visitorView(this.deps.store, c);
    if (c.control !== 'queued' || view.queuePosition === null) return view;
    const site = await this.site(c.siteId);
    const capacity = typeof site.settings.agentCapacity === 'number' ? site.settings.agentCapacity : 3;
    const [agentsOnline, busySlots, handleTimes] = await Promise.all([
      this.deps.agentsOnline ? this.deps.agentsOnline(c.siteId) : Promise.resolve(0),
      this.deps.store.busySlots(c.siteId),
      this.deps.store.recentHandleTimes(c.siteId, 50),
    ]);
    return { ...view, wait: estimateWait({ position: view.queuePosition, agentsOnline, capacity, busySlots, handleTimes }) };
  }

  // ---------------- visitors ----------------

  async resume(ctx: VisitorContext, input: { conversationId?: string; afterSeq?: number }) {
    const { store } = this.deps;
    const conversation = await store.latestConversation(ctx.visitorId);
    if (!conversation || conversation.siteId !== ctx.siteId) return { conversation: null, messages: [] };
    const afterSeq = input.conversationId === conversation.id ? (input.afterSeq ?? 0) : 0;
    const messages = await store.listMessages(conversation.id, afterSeq, LIMITS.resumeBatchMax);
    return { conversation: await this.visitorViewOf(conversation), messages };
  }

  async visitorSend(ctx: VisitorContext, input: { clientId: string; body: string }): Promise<Message> {
    const { store } = this.deps;
    const now = this.now();
    await store.touchVisitor({ id: ctx.visitorId, siteId: ctx.siteId, now });
    const conversation = await store.openConversation({
      id: this.deps.newId('c'),
      siteId: ctx.siteId,
      visitorId: ctx.visitorId,
      now,
    });
    const { message, created } = await store.appendMessage({
      id: this.deps.newId('m'),
      conversationId: conversation.id,
      clientId: input.clientId,
      author: { kind: 'visitor' },
      body: input.body,
      now,
    });
    if (!created) return message; // a retry: it was delivered and answered the first time
    if (message.seq === 1) {
      // A new conversation: every tab of the visitor learns its id and state.
      const fresh = (await store.getConversation(conversation.id)) ?? conversation;
      this.deps.notifier.toVisitor(ctx.visitorId, 'conversation:updated', await this.visitorViewOf(fresh));
    }
    await this.announce(message, conversation.siteId, ctx.visitorId);
    if (conversation.control === 'bot') this.scheduleBotTurn(conversation.id);
    return message;
  }

  /** The host page's identify call: stored as verified only when the site's identity secret signed the user id. */
  async identify(ctx: VisitorContext, input: { userId: string; name?: string; email?: string; userHash?: string }): Promise<boolean> {
    const { store } = this.deps;
    const site = await this.site(ctx.siteId);
    const secret = typeof site.settings.identitySecret === 'string' ? site.settings.identitySecret : undefined;
    const verified = verifyUserHash(secret, input.userId, input.userHash);
    await store.setVisitorProfile({ id: ctx.visitorId, siteId: ctx.siteId, userId: input.userId, name: input.name ?? null, email: input.email ?? null, verified, now: this.now() });
    const open = await store.latestConversation(ctx.visitorId);
    if (open && open.control !== 'closed') this.deps.notifier.toSiteAgents(open.siteId, 'conversation:updated', await agentView(store, open));
    return verified;
  }

  /** CSAT: a rating from 1 to 5 and an optional comment, once, after the conversation was resolved. */
  async rate(ctx: VisitorContext, input: { conversationId: string; rating: number; comment?: string }) {
    const { store } = this.deps;
    const now = this.now();
    const comment = input.comment?.trim() || null;
    const rated = await store.rateConversation({ id: input.conversationId, visitorId: ctx.visitorId, rating: input.rating, comment, now });
    if (!rated) {
      const c = await store.getConversation(input.conversationId);
      if (!c || c.visitorId !== ctx.visitorId) throw new BatonError('not_found', 'No such conversation.');
      if (c.csat) throw new BatonError('already_rated', 'You already rated this conversation. Thank you!');
      throw new BatonError('bad_request', 'Only a resolved conversation can be rated.');
    }
    await store.recordEvent({ conversationId: rated.id, type: 'csat', data: { rating: input.rating, hasComment: comment !== null }, at: now });
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

  /** Resolves when every scheduled bot turn has finished (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.botChains.size > 0) await Promise.all([...this.botChains.values()]);
  }

  private async botTurn(conversationId: string) {
    const { store, logger } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (!conversation || conversation.control !== 'bot') return; // someone else owns it now
    const history = await store.listMessages(conversationId, 0, LIMITS.resumeBatchMax);
    const last = history.at(-1);
    if (!last || last.author.kind !== 'visitor') return; // already answered
    const site = await this.site(conversation.siteId);
    const previousDecisions = (await store.listEvents(conversationId, 'decision')).map((e) => e.data.decision as BotDecision);

    const started = Date.now();
    let decision: BotDecision;
    try {
      decision = await withTimeout(
        this.deps.bots(site).turn({
          site: { id: site.id, key: site.key, name: site.name },
          conversationId,
          history,
          previousDecisions,
          now: this.deps.clock(),
        }),
        this.deps.botTimeoutMs ?? 10_000,
      );
    } catch (error) {
      logger.warn({ err: error, conversationId }, 'bot failed; handing over to a person');
      decision = this.botFailure(error, history);
    }
    logger.info({ conversationId, mode: decision.mode, rule: decision.rule, ms: Date.now() - started }, 'bot decision');

    const now = this.now();
    await store.recordEvent({
      conversationId,
      type: 'decision',
      data: { decision, inReplyTo: last.id },
      at: now,
    });
    this.deps.notifier.toWatchers(conversationId, 'conversation:decision', decisionNote(conversationId, last.id, decision, now));
    // The conversation may have been claimed while the bot thought: then the bot stays silent.
    const current = await store.getConversation(conversationId);
    if (!current || !mayAuthorSpeak(stateOf(current), { kind: 'bot' })) return;

    const botName = typeof site.settings.botName === 'string' ? site.settings.botName : 'Assistant';
    const reply = await store.appendMessage({
      id: this.deps.newId('m'),
      conversationId,
      clientId: `bot-${last.id}`,
      author: { kind: 'bot', name: botName },
      body: decision.reply,
      ...(decision.mode === 'clarify' && decision.quickReplies?.length ? { quickReplies: decision.quickReplies } : {}),
      now,
    });
    if (reply.created) await this.announce(reply.message, current.siteId, current.visitorId);

    if (decision.mode === 'escalate') {
      await this.apply(
        current,
        { type: 'escalate', trigger: decision.trigger, reason: decision.reason, at: now },
        { trigger: decision.trigger, reason: decision.reason, handoff: decision.handoff },
        { kind: 'bot', rule: decision.rule, evidence: decision.evidence },
      );
    }
  }

  private botFailure(error: unknown, history: Message[]): BotDecision {
    const reason = 'The assistant could not answer (error or timeout).';
    const visitorTurns = history.filter((m) => m.author.kind === 'visitor');
    return {
      mode: 'escalate',
      trigger: 'workflow_failure',
      reason,
      rule: 'bot.failure',
      evidence: [String((error as Error)?.message ?? error).slice(0, 200)],
      reply: this.copy.botUnavailable(),
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
    const rows = await store.listConversations(agent.siteId, ['queued', 'agent', 'bot']);
    const order = { queued: 0, agent: 1, bot: 2, closed: 3 } as const;
    rows.sort((a, b) => order[a.control] - order[b.control]);
    return Promise.all(rows.map((c) => agentView(store, c)));
  }

  async open(agent: AgentRecord, input: { conversationId: string; afterSeq?: number }) {
    const conversation = await this.agentConversation(agent, input.conversationId);
    const messages = await this.deps.store.listMessages(conversation.id, input.afterSeq ?? 0, LIMITS.resumeBatchMax);
    const decisions = (await this.deps.store.listEvents(conversation.id, 'decision')).map((e) =>
      decisionNote(conversation.id, String(e.data.inReplyTo), e.data.decision as BotDecision, e.at),
    );
    return { conversation: await agentView(this.deps.store, conversation), messages, decisions };
  }

  async claim(agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const ref: AgentRef = { id: agent.id, name: agent.name };
    const updated = await this.apply(conversation, { type: 'claim', agent: ref, at: this.now() }, {}, { kind: 'agent', agentId: agent.id });
    return agentView(this.deps.store, updated);
  }

  async agentSend(agent: AgentRecord, input: { conversationId: string; clientId: string; body: string }): Promise<Message> {
    const { store } = this.deps;
    const conversation = await this.agentConversation(agent, input.conversationId);
    const author: Author = { kind: 'agent', id: agent.id, name: agent.name };
    if (!mayAuthorSpeak(stateOf(conversation), author)) {
      if (conversation.control === 'closed') throw new BatonError('conversation_closed', 'This conversation is resolved.');
      throw new BatonError('not_in_control', 'Take over the conversation before replying.');
    }
    const { message, created } = await store.appendMessage({
      id: this.deps.newId('m'),
      conversationId: conversation.id,
      clientId: input.clientId,
      author,
      body: input.body,
      now: this.now(),
    });
    if (created) await this.announce(message, conversation.siteId, conversation.visitorId);
    return message;
  }

  async handBack(agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const updated = await this.apply(conversation, { type: 'handBack', agentId: agent.id, at: this.now() }, {}, { kind: 'agent', agentId: agent.id });
    return agentView(this.deps.store, updated);
  }

  async resolve(agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
    const conversation = await this.agentConversation(agent, conversationId);
    const updated = await this.apply(
      conversation,
      { type: 'resolve', by: { kind: 'agent', agentId: agent.id }, at: this.now() },
      {},
      { kind: 'agent', agentId: agent.id },
    );
    return agentView(this.deps.store, updated);
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
    extra: Partial<Pick<ConversationRecord, 'trigger' | 'reason' | 'handoff'>>,
    by: Record<string, unknown>,
  ): Promise<ConversationRecord> {
    const { store } = this.deps;
    const site = await this.site(conversation.siteId);
    const result = transition(stateOf(conversation), command, this.copy, site.name);
    if (!result.ok) throw new BatonError(result.error.code, result.error.message, result.error.details);
    const next = result.state;
    const now = command.at;
    const updated = await store.updateConversation(
      conversation.id,
      { control: conversation.control, agentId: conversation.agentId },
      {
        control: next.control,
        agentId: next.agentId,
        agentName: next.agentName,
        queuedAt: next.queuedAt,
        ...(next.control === 'closed' ? { closedAt: now } : {}),
        ...(next.control === 'agent' && conversation.control !== 'agent' ? { claimedAt: now } : {}),
        ...extra,
        updatedAt: now,
      },
    );
    if (!updated) {
      // Someone changed it first: re-decide against what is stored now, so the caller learns why.
      const fresh = await store.getConversation(conversation.id);
      if (fresh && fresh.control !== conversation.control) return this.apply(fresh, command, extra, by);
      throw new BatonError('already_claimed', 'The conversation changed; try again.', { agentName: fresh?.agentName ?? null });
    }
    await store.recordEvent({
      conversationId: conversation.id,
      type: 'transition',
      data: { command: command.type, from: conversation.control, to: next.control, by, ...('trigger' in command ? { trigger: command.trigger, reason: command.reason } : {}) },
      at: now,
    });
    await this.carryOut(result.effects, updated);
    return updated;
  }

  private async carryOut(effects: Effect[], conversation: ConversationRecord) {
    const { store, notifier } = this.deps;
    for (const effect of effects) {
      if (effect.type !== 'notice') continue;
      const { message } = await store.appendMessage({
        id: this.deps.newId('m'),
        conversationId: conversation.id,
        clientId: `sys-${effect.notice}-${this.deps.newId('n')}`,
        author: { kind: 'system' },
        body: effect.body,
        notice: effect.notice,
        now: this.now(),
      });
      await this.announce(message, conversation.siteId, conversation.visitorId);
    }
    if (conversation.control === 'queued') {
      const position = (await store.queuePosition(conversation.id)) ?? 1;
      const { message } = await store.appendMessage({
        id: this.deps.newId('m'),
        conversationId: conversation.id,
        clientId: `sys-queued-${this.deps.newId('n')}`,
        author: { kind: 'system' },
        body: this.copy.queued(position),
        notice: 'queued',
        now: this.now(),
      });
      await this.announce(message, conversation.siteId, conversation.visitorId);
    }
    const fresh = (await store.getConversation(conversation.id)) ?? conversation;
    notifier.toVisitor(fresh.visitorId, 'conversation:updated', await this.visitorViewOf(fresh));
    notifier.toSiteAgents(fresh.siteId, 'conversation:updated', await agentView(store, fresh));
    if (effects.some((e) => e.type === 'queueChanged')) await this.sendQueuePositions(fresh.siteId, fresh.id);
  }

  /** Agents came or went: every waiting visitor of the site gets a fresh estimate. */
  async queueMoved(siteId: string) {
    await this.sendQueuePositions(siteId, '');
  }

  /** Every other waiting visitor of the site learns their new place in line. */
  private async sendQueuePositions(siteId: string, except: string) {
    const { store, notifier } = this.deps;
    const waiting = await store.listConversations(siteId, ['queued']);
    for (const c of waiting) {
      if (c.id === except) continue;
      notifier.toVisitor(c.visitorId, 'conversation:updated', await this.visitorViewOf(c));
    }
  }

  /** A new message goes to the visitor's tabs, the agents watching, and the site's queue view. */
  private async announce(message: Message, siteId: string, visitorId: string) {
    const { store, notifier } = this.deps;
    notifier.toVisitor(visitorId, 'message:new', message);
    notifier.toWatchers(message.conversationId, 'message:new', message);
    const conversation = await store.getConversation(message.conversationId);
    if (conversation) notifier.toSiteAgents(siteId, 'conversation:updated', await agentView(store, conversation));
  }
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
