// The Store port. One interface, two adapters (SQLite, Postgres), one contract suite
// (server/test/store.contract.ts) run against both. The store is the source of truth:
// nothing another server node would need lives only in process memory.
import type { Author, Channel, Control, HandoffPackage, Message, NoticeKind, Trigger } from '@baton/shared';

/** Times cross this interface as ISO-8601 UTC strings; adapters store epoch milliseconds. */
export type Iso = string;

export interface SiteRecord {
  id: string;
  /** Public key the widget presents (`data-site`). */
  key: string;
  name: string;
  /** Exact origins (`https://shop.example`) or port wildcards (`http://localhost:*`). */
  allowedOrigins: string[];
  /** Free-form site settings (appearance, copy, routing); validated by the layer that reads them. */
  settings: Record<string, unknown>;
  createdAt: Iso;
}

export interface AgentRecord {
  id: string;
  siteId: string;
  email: string;
  name: string;
  role: 'agent' | 'admin';
  passwordHash: string;
  active: boolean;
  createdAt: Iso;
  /** Set by the agent (online / away); offline after the last console tab left and the grace period ran out. */
  presence: Presence;
  /** The most conversations this agent holds at once; null = the site's default. */
  capacity: number | null;
  /** Teams (skills) the agent takes conversations for: billing, technical, sales, ... Empty = any. */
  teams: string[];
  /** When routing last gave this agent a conversation (round-robin between equally busy agents). */
  lastAssignedAt: Iso | null;
}

export type NewAgent = Pick<AgentRecord, 'id' | 'siteId' | 'email' | 'name' | 'role' | 'passwordHash' | 'active'> & {
  capacity?: number | null;
  teams?: string[];
  now: Iso;
};

export type Presence = 'online' | 'away' | 'offline';

export type AgentPatch = Partial<Pick<AgentRecord, 'name' | 'role' | 'active' | 'capacity' | 'teams' | 'presence' | 'lastAssignedAt' | 'passwordHash'>>;

/** What the widget reports about where the visitor is chatting from. */
export interface VisitorContextInfo {
  pageUrl?: string;
  pageTitle?: string;
  referrer?: string;
  userAgent?: string;
  locale?: string;
  timeZone?: string;
}

export interface WebhookEndpoint {
  id: string;
  siteId: string;
  url: string;
  /** Signs deliveries (HMAC); shown to the admin once. */
  secret: string;
  events: string[];
  active: boolean;
  failingSince: Iso | null;
  disabledReason: string | null;
  createdAt: Iso;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed' | 'dead';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Iso;
  updatedAt: Iso;
  /** Where the 24-hour retry window starts: createdAt, or the last Resend or re-enabling. */
  retryFrom: Iso;
}

export interface ApiKeyRecord {
  id: string;
  siteId: string;
  name: string;
  /** The first characters of the key, to recognise it in lists. */
  prefix: string;
  /** SHA-256 of the key; the key itself is shown once and never stored. */
  hash: string;
  scopes: string[];
  createdAt: Iso;
  revokedAt: Iso | null;
  lastUsedAt: Iso | null;
}

/** A durable timer. */
/** Which kinds of job a runner takes: only these, or all but these. */
export interface JobKinds {
  only?: string[];
  except?: string[];
}

export interface JobRecord {
  id: string;
  kind: string;
  runAt: Iso;
  data: Record<string, unknown>;
  /** Changes on every (re)schedule, so finishing an old run never deletes a newer schedule. */
  token: string;
  attempts: number;
}

export interface SessionRecord {
  /** SHA-256 of the session token; the token itself is never stored. */
  tokenHash: string;
  agentId: string;
  createdAt: Iso;
  expiresAt: Iso;
}

export interface VisitorRecord {
  id: string;
  siteId: string;
  createdAt: Iso;
  lastSeenAt: Iso;
  profile: { userId: string | null; name: string | null; email: string | null; verified: boolean; detailsVerified: boolean } | null;
  context: VisitorContextInfo | null;
}

export interface ConversationRecord {
  id: string;
  siteId: string;
  visitorId: string;
  control: Control;
  agentId: string | null;
  agentName: string | null;
  trigger: Trigger | null;
  reason: string | null;
  handoff: HandoffPackage | null;
  queuedAt: Iso | null;
  createdAt: Iso;
  updatedAt: Iso;
  closedAt: Iso | null;
  lastSeq: number;
  csat: { rating: number; comment: string | null; ratedAt: Iso } | null;
  /** The agent has read up to this seq (read receipts for the visitor). */
  agentReadSeq: number;
  /** When an agent last took it over. */
  claimedAt: Iso | null;
  /** Higher waits less: urgent risk flags move a conversation up the queue. */
  priority: number;
  /** How the agent closed it (solved, won, quote_sent, ...). */
  outcome: string | null;
  /** The agents' latest verdict on the escalation (right, too_early, too_late, wrong_reason). */
  verdict: string | null;
  /** Set while the visitor has left the queue; cleared when they come back. */
  abandonedAt: Iso | null;
  /** The visitor chose a reply later in this chat (optionally by email) over waiting. */
  replyLater: boolean;
  contactEmail: string | null;
  /** The team the escalation is routed to. */
  team: string | null;
  /** The agents' latest "customer had to repeat" mark. */
  repeated: boolean;
  /** The agent who let it go back to the queue (silent, disconnected): auto-assign skips them for it. */
  passedOver: string | null;
  /** The visitor's language as the bot last read it (ISO 639-1); null before the first bot turn. */
  language: string | null;
  /** 'voice' while the visitor is in voice mode. */
  channel: Channel;
  /** The number the visitor asked to be called back on (voice, nobody could join live). */
  callbackPhone: string | null;
}

export interface Appended {
  message: Message;
  created: boolean;
  conversation?: ConversationRecord;
  visitorProfile?: VisitorRecord['profile'];
}

export interface NewMessage {
  id: string;
  conversationId: string;
  clientId: string;
  author: Author;
  body: string;
  notice?: NoticeKind;
  quickReplies?: string[];
  attachments?: Array<{ id: string; name: string; type: string; size: number; width?: number; height?: number }>;
  /** Said aloud: the body is the speech engine's transcript. */
  spoken?: true;
  now: Iso;
}

export interface AttachmentRecord {
  id: string;
  conversationId: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  data: Buffer;
  thumb: Buffer | null;
  createdAt: Iso;
}

/** Compare-and-set guard: the update applies only if the row still matches. */
export interface ConversationGuard {
  control: Control | Control[];
  /** When given, the conversation's agentId must equal it (null = no agent). */
  agentId?: string | null;
}

export type ConversationPatch = Partial<
  Pick<
    ConversationRecord,
    | 'control'
    | 'agentId'
    | 'agentName'
    | 'trigger'
    | 'reason'
    | 'handoff'
    | 'queuedAt'
    | 'closedAt'
    | 'claimedAt'
    | 'priority'
    | 'outcome'
    | 'verdict'
    | 'abandonedAt'
    | 'replyLater'
    | 'contactEmail'
    | 'team'
    | 'repeated'
    | 'passedOver'
    | 'language'
    | 'channel'
    | 'callbackPhone'
  >
> & { updatedAt: Iso };

/** An append-only log of what happened and why: transitions, bot decisions, routing. */
export interface ConversationEventRecord {
  id: number;
  conversationId: string;
  type: string;
  data: Record<string, unknown>;
  at: Iso;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>;
  /** Runs fn in one database transaction; everything fn does through `tx` commits or rolls back together. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  // sites
  /** Insert or update by key (idempotent, safe when two nodes seed at once). */
  upsertSite(site: Omit<SiteRecord, 'createdAt'> & { now: Iso }): Promise<SiteRecord>;
  getSite(id: string): Promise<SiteRecord | null>;
  getSiteByKey(key: string): Promise<SiteRecord | null>;
  listSites(): Promise<SiteRecord[]>;

  // agents and sessions
  /** Insert or, when the email exists, leave it as it is and return it (idempotent seeding). */
  ensureAgent(agent: NewAgent): Promise<AgentRecord>;
  getAgent(id: string): Promise<AgentRecord | null>;
  getAgentByEmail(email: string): Promise<AgentRecord | null>;
  listAgents(siteId: string): Promise<AgentRecord[]>;
  updateAgent(id: string, patch: AgentPatch): Promise<AgentRecord | null>;
  /** Ends every session of the agent (sign out everywhere, deactivation). */
  deleteSessionsOf(agentId: string): Promise<void>;
  createSession(session: SessionRecord): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  getSession(tokenHash: string, now: Iso): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;

  // visitors
  /** Insert if missing, else bump lastSeenAt. */
  touchVisitor(visitor: { id: string; siteId: string; now: Iso }): Promise<VisitorRecord>;
  getVisitor(id: string): Promise<VisitorRecord | null>;
  /** Records who the visitor says they are, and whether the site vouched for it (creates the visitor if needed). */
  setVisitorProfile(input: { id: string; siteId: string; userId: string; name: string | null; email: string | null; verified: boolean; detailsVerified?: boolean; now: Iso }): Promise<VisitorRecord>;
  setVisitorContext(id: string, context: VisitorContextInfo): Promise<void>;
  /** The most recently seen other visitor of the site with this verified user id. */
  findVerifiedVisitor(siteId: string, userId: string, exceptVisitorId: string): Promise<VisitorRecord | null>;
  /** The visitor's conversations, newest first. */
  visitorConversations(visitorId: string, limit: number): Promise<ConversationRecord[]>;

  // conversations
  /**
   * The visitor's open (not closed) conversation, creating one with control `bot` if there is none.
   * At most one open conversation per visitor, also under concurrent calls.
   */
  openConversation(input: { id: string; siteId: string; visitorId: string; now: Iso }): Promise<ConversationRecord>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  /** The visitor's most recent conversation, open or closed. */
  latestConversation(visitorId: string): Promise<ConversationRecord | null>;
  /** Applies patch only if the guard still holds; null when it did not (someone else won). */
  updateConversation(id: string, guard: ConversationGuard, patch: ConversationPatch): Promise<ConversationRecord | null>;
  /** A site's conversations in these states, oldest queuedAt / createdAt first. */
  /**
   * `order`: 'queue' (default) oldest queue time first — the line as it stands; 'recent' the
   * last updated first (conversations still with the bot, of which there are many).
   */
  listConversations(siteId: string, controls: Control[], limit?: number, order?: 'queue' | 'recent'): Promise<ConversationRecord[]>;
  /** Conversations in this control state not updated since `before`, oldest first, at most limit. */
  listQuietConversations(siteId: string, control: Control, before: Iso, limit: number): Promise<ConversationRecord[]>;
  /** Stores the visitor's rating of a closed conversation, once; null when it is not theirs, not closed, or already rated. */
  rateConversation(input: { id: string; visitorId: string; rating: number; comment: string | null; now: Iso }): Promise<ConversationRecord | null>;
  /** Raises the agent's read mark (never lowers it); null for an unknown conversation. */
  markRead(id: string, seq: number, now: Iso): Promise<ConversationRecord | null>;
  /** Handle times (claim → resolve) in seconds of the site's most recently resolved conversations. */
  recentHandleTimes(siteId: string, limit: number): Promise<number[]>;
  /** 1-based position among the site's queued, not abandoned conversations (priority, then queuedAt); null when not queued. */
  queuePosition(conversationId: string): Promise<number | null>;
  /** Conversations in this state across every site (operations gauges). */
  /** Conversations waiting for a person now, all sites: queued, not abandoned, not reply-later. */
  countWaiting(): Promise<number>;
  /** Open conversations each agent of the site holds. */
  agentLoads(siteId: string): Promise<Map<string, number>>;

  // messages
  /**
   * Appends with the next seq. Idempotent on (conversationId, clientId): a retry returns the
   * stored message with created=false and does not consume a seq.
   */
  /** `conversation`: the conversation as this append left it (when the message was created). */
  /** When created: also the conversation as the append left it, and its visitor's profile (read in the same statement). */
  appendMessage(message: NewMessage): Promise<Appended>;
  /** Messages with seq > afterSeq, ascending, at most limit. */
  listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]>;

  // event log
  recordEvent(event: Omit<ConversationEventRecord, 'id'>): Promise<void>;
  listEvents(conversationId: string, type?: string): Promise<ConversationEventRecord[]>;

  // analytics: facts for a date range (metrics are computed from these, never from counters)
  /** The site's conversations created in [from, to). */
  conversationsBetween(siteId: string, from: Iso, to: Iso, limit: number): Promise<ConversationRecord[]>;
  /**
   * The metrics rollup for conversations created in a range: the summaries still valid (the
   * conversation's updated_at unchanged since), and the conversations without one. Whatever changes
   * a conversation's metrics must move its updated_at (after recording its event, not before).
   */
  metricSummariesBetween<T = unknown>(
    siteId: string,
    from: Iso,
    to: Iso,
    limit: number,
    /** Reads a stored summary; null (an older format, say) counts it as missing. */
    decode?: (data: unknown) => T | null,
  ): Promise<{ cached: Array<{ id: string; visitorId: string; data: T }>; missing: ConversationRecord[] }>;
  /** Stores summaries (any JSON value) against the conversation's updated_at they were derived from. */
  saveMetricSummaries(rows: Array<{ conversationId: string; siteId: string; sourceUpdatedAt: Iso; data: unknown }>): Promise<void>;
  /** Events of many conversations, in insertion order. */
  eventsOf(conversationIds: string[], types?: string[]): Promise<ConversationEventRecord[]>;
  /** Messages of many conversations, by conversation then seq. */
  /** Messages of many conversations, optionally only by some authors, in conversation and seq order. */
  messagesOf(conversationIds: string[], authors?: Array<Message['author']['kind']>): Promise<Message[]>;

  // privacy
  /** Removes a visitor's personal data: messages, notes, decisions, packages, profile, context, contact; keeps anonymous facts. */
  eraseVisitor(visitorId: string): Promise<{ conversations: number; messages: number }>;
  /** Deletes a site's conversations (and everything attached) last updated before `before`; returns how many. */
  deleteConversationsBefore(siteId: string, before: Iso): Promise<number>;
  /** Deletes (up to a batch of) the site's visitors last seen before `before` who have no conversation left. */
  deleteVisitorsBefore(siteId: string, before: Iso): Promise<number>;
  /** The site's visitors with this email or user id (one person on several browsers). */
  findVisitors(siteId: string, by: { email?: string; userId?: string }): Promise<string[]>;
  recordAudit(entry: { siteId: string; actorId: string; action: string; target: string | null; data: Record<string, unknown>; at: Iso }): Promise<void>;
  listAudit(siteId: string, limit: number): Promise<Array<{ id: number; actorId: string; action: string; target: string | null; data: Record<string, unknown>; at: Iso }>>;

  // attachments
  saveAttachment(a: AttachmentRecord): Promise<void>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;

  // presence: one row per open console tab, kept fresh by its node's heartbeat, so every node
  // knows who is connected without asking the others (a dead node's rows simply go stale)
  addConnection(c: { socketId: string; agentId: string; siteId: string; nodeId: string; at: Iso }): Promise<void>;
  removeConnection(socketId: string): Promise<void>;
  touchConnections(nodeId: string, at: Iso): Promise<void>;
  connectedAgentIds(siteId: string, since: Iso): Promise<Set<string>>;
  /** Deletes connections not seen since `before` (their node died); returns whose they were. */
  sweepConnections(before: Iso): Promise<Array<{ agentId: string; siteId: string }>>;
  removeNodeConnections(nodeId: string): Promise<void>;

  // API keys
  createApiKey(k: Omit<ApiKeyRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void>;
  apiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(siteId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, siteId: string, at: Iso): Promise<boolean>;
  touchApiKey(id: string, at: Iso): Promise<void>;

  // webhooks
  createWebhookEndpoint(e: Omit<WebhookEndpoint, 'failingSince' | 'disabledReason' | 'active'>): Promise<WebhookEndpoint>;
  listWebhookEndpoints(siteId: string): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null>;
  updateWebhookEndpoint(id: string, patch: Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'active' | 'failingSince' | 'disabledReason'>>): Promise<WebhookEndpoint | null>;
  deleteWebhookEndpoint(id: string): Promise<void>;
  insertWebhookDelivery(d: Omit<WebhookDelivery, 'attempts' | 'lastStatusCode' | 'lastError' | 'updatedAt' | 'retryFrom'>): Promise<void>;
  getWebhookDelivery(id: string): Promise<WebhookDelivery | null>;
  updateWebhookDelivery(id: string, patch: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'retryFrom'>> & { updatedAt: Iso }): Promise<void>;
  listWebhookDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /** The endpoint's deliveries not delivered and not given up (pending or failed), oldest first. */
  undeliveredWebhookDeliveries(endpointId: string, limit: number, offset?: number): Promise<WebhookDelivery[]>;

  // durable timers
  /** Creates or replaces the job with this id (a new token each time). */
  scheduleJob(job: { id: string; kind: string; runAt: Iso; data: Record<string, unknown> }): Promise<JobRecord>;
  /** Creates the job unless one with this id exists (which is kept as it is); true when created. */
  scheduleJobOnce(job: { id: string; kind: string; runAt: Iso; data: Record<string, unknown> }): Promise<boolean>;
  cancelJob(id: string): Promise<void>;
  /** Locks and returns up to `limit` due jobs no other runner holds (lock for lockMs), of the kinds asked for. */
  claimDueJobs(now: Iso, limit: number, lockMs: number, kinds?: JobKinds): Promise<JobRecord[]>;
  /** Deletes the job if it was not rescheduled since it was claimed. */
  completeJob(id: string, token: string): Promise<void>;
  /** Releases a failed job to run again at runAt. */
  retryJob(id: string, token: string, runAt: Iso): Promise<void>;
  /** A claimed job this runner will not get to in time: unlocked, the attempt not counted. */
  releaseJob(id: string, token: string): Promise<void>;
}
