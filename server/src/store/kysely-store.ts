// One Store implementation for both dialects. The database decides every race that matters:
// seq allocation (row lock on the conversation), claims (compare-and-set UPDATE), one open
// conversation per visitor (partial unique index), idempotent retries (unique client id).
import { BatonError, type Control, type HandoffPackage, type Message, type NoticeKind, type Trigger } from '@baton/shared';
import { type ExpressionBuilder, type Kysely, Migrator, type Selectable, sql } from 'kysely';
import { CodeMigrationProvider } from './migrations.js';
import { randomUUID } from 'node:crypto';
import type { AgentsTable, ApiKeysTable, ConversationsTable, Database, JobsTable, MessagesTable, VisitorsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './schema.js';
import type {
  AgentPatch,
  AgentRecord,
  JobKinds,
  JobRecord,
  ApiKeyRecord,
  AttachmentRecord,
  NewAgent,
  WebhookDelivery,
  WebhookEndpoint,
  Presence,
  VisitorContextInfo,
  ConversationEventRecord,
  ConversationGuard,
  ConversationPatch,
  Appended,
  ConversationRecord,
  NewMessage,
  SessionRecord,
  SiteRecord,
  Store,
  VisitorRecord,
} from './types.js';

const ms = (iso: string) => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new BatonError('bad_request', `Not an ISO time: ${iso}`);
  return t;
};
const iso = (t: number) => new Date(Number(t)).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

/** True for a unique-constraint violation in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toConversation(row: Selectable<ConversationsTable>): ConversationRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    control: row.control as Control,
    agentId: row.agent_id,
    agentName: row.agent_name,
    trigger: row.trigger as Trigger | null,
    reason: row.reason,
    handoff: row.handoff ? (JSON.parse(row.handoff) as HandoffPackage) : null,
    queuedAt: isoOrNull(row.queued_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    closedAt: isoOrNull(row.closed_at),
    lastSeq: Number(row.last_seq),
    agentReadSeq: Number(row.agent_read_seq ?? 0),
    claimedAt: isoOrNull(row.claimed_at),
    csat: row.csat_rating === null ? null : { rating: Number(row.csat_rating), comment: row.csat_comment, ratedAt: iso(row.rated_at ?? row.updated_at) },
    priority: Number(row.priority ?? 0),
    outcome: row.outcome ?? null,
    verdict: row.verdict ?? null,
    abandonedAt: isoOrNull(row.abandoned_at ?? null),
    replyLater: Number(row.reply_later ?? 0) === 1,
    contactEmail: row.contact_email ?? null,
    team: row.team ?? null,
    repeated: Number(row.repeated ?? 0) === 1,
    passedOver: row.passed_over ?? null,
    language: row.language ?? null,
    channel: row.channel === 'voice' ? 'voice' : 'chat',
    callbackPhone: row.callback_phone ?? null,
  };
}

function toAgent(row: Selectable<AgentsTable>): AgentRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    email: row.email,
    name: row.name,
    role: row.role as AgentRecord['role'],
    passwordHash: row.password_hash,
    active: Number(row.active) === 1,
    createdAt: iso(row.created_at),
    presence: (row.presence ?? 'offline') as Presence,
    capacity: row.capacity === null ? null : Number(row.capacity),
    teams: row.teams ? (JSON.parse(row.teams) as string[]) : [],
    lastAssignedAt: isoOrNull(row.last_assigned_at),
  };
}

function toJob(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    runAt: iso(row.run_at),
    data: JSON.parse(row.data) as Record<string, unknown>,
    token: row.token,
    attempts: Number(row.attempts),
  };
}

function profileOf(userId: string | null, name: string | null, email: string | null, verified: unknown, detailsVerified: unknown): VisitorRecord['profile'] {
  return userId === null ? null : { userId, name, email, verified: Number(verified) === 1, detailsVerified: Number(detailsVerified) === 1 };
}

function toVisitor(row: Selectable<VisitorsTable>): VisitorRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    createdAt: iso(row.created_at),
    lastSeenAt: iso(row.last_seen_at),
    profile: profileOf(row.user_id, row.name, row.email, row.verified, row.details_verified),
    context: row.context ? (JSON.parse(row.context) as VisitorContextInfo) : null,
  };
}

function toMessage(row: Selectable<MessagesTable>): Message {
  const author: Message['author'] = { kind: row.author_kind as Message['author']['kind'] };
  if (row.author_id) author.id = row.author_id;
  if (row.author_name) author.name = row.author_name;
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    clientId: row.client_id,
    author,
    body: row.body,
    createdAt: iso(row.created_at),
  };
  if (row.notice) message.notice = row.notice as NoticeKind;
  if (row.quick_replies) message.quickReplies = JSON.parse(row.quick_replies) as string[];
  if (row.attachments) message.attachments = JSON.parse(row.attachments) as Message['attachments'];
  if (Number(row.spoken) === 1) message.spoken = true;
  return message;
}

/** How long a site read outside a transaction is reused (see siteWhere). */
export const SITE_CACHE_MS = 2000;

/** Reads reused for SITE_CACHE_MS, shared by a store and its transactions. */
interface Caches {
  sites: Map<string, { until: number; site: SiteRecord | null }>;
  endpoints: Map<string, { until: number; endpoints: WebhookEndpoint[] }>;
}

export class KyselyStore implements Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly inTransaction = false,
    private readonly onClose: () => Promise<void> = async () => {},
    /** Postgres: the schema Baton's tables (and the migrator's own tables) live in. */
    private readonly pgSchema?: string,
    private readonly caches: Caches = { sites: new Map(), endpoints: new Map() },
  ) {}

  async migrate(): Promise<void> {
    // On Postgres the migrator must look for its lock table in our schema only: another schema
    // of the same database (another cluster, a parallel test) must not count as "already there".
    const migrator = new Migrator({
      db: this.db,
      provider: new CodeMigrationProvider(this.dialect),
      ...(this.dialect === 'postgres' ? { migrationTableSchema: this.pgSchema ?? 'public' } : {}),
    });
    let { error, results } = await migrator.migrateToLatest();
    // Kysely looks for its own tables by listing every schema's; another schema dropped meanwhile
    // (another tenant, a parallel test) fails that listing with "… does not exist". Migrations
    // run in a transaction under a lock, so trying again is safe.
    for (let attempt = 1; attempt < 4 && error && /does not exist/.test(String((error as Error).message)); attempt++) {
      await new Promise((r) => setTimeout(r, 100 * attempt));
      ({ error, results } = await migrator.migrateToLatest());
    }
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect, true, undefined, this.pgSchema, this.caches)));
  }

  // ---- sites ----

  async upsertSite(site: Omit<SiteRecord, 'createdAt'> & { now: string }): Promise<SiteRecord> {
    this.caches.sites.clear();
    await this.db
      .insertInto('sites')
      .values({
        id: site.id,
        key: site.key,
        name: site.name,
        allowed_origins: JSON.stringify(site.allowedOrigins),
        settings: JSON.stringify(site.settings),
        created_at: ms(site.now),
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          name: site.name,
          allowed_origins: JSON.stringify(site.allowedOrigins),
          settings: JSON.stringify(site.settings),
        }),
      )
      .execute();
    const stored = await this.getSiteByKey(site.key);
    if (!stored) throw new Error(`site ${site.key} vanished after upsert`);
    return stored;
  }

  /**
   * Sites (and their webhook endpoints) are read on nearly every event and change rarely: they are
   * kept for SITE_CACHE_MS. A change made through this store is seen at once here; other nodes see
   * it within that time. Callers get their own copy.
   */
  private async siteWhere(column: 'id' | 'key', value: string): Promise<SiteRecord | null> {
    const cacheKey = `${column}:${value}`;
    const hit = this.caches.sites.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.site && structuredClone(hit.site);
    const row = await this.db.selectFrom('sites').selectAll().where(column, '=', value).executeTakeFirst();
    const site: SiteRecord | null = row
      ? {
          id: row.id,
          key: row.key,
          name: row.name,
          allowedOrigins: JSON.parse(row.allowed_origins) as string[],
          settings: JSON.parse(row.settings) as Record<string, unknown>,
          createdAt: iso(row.created_at),
        }
      : null;
    if (site) this.caches.sites.set(cacheKey, { until: Date.now() + SITE_CACHE_MS, site: structuredClone(site) });
    return site;
  }
  getSite(id: string) {
    return this.siteWhere('id', id);
  }
  getSiteByKey(key: string) {
    return this.siteWhere('key', key);
  }
  async listSites(): Promise<SiteRecord[]> {
    const rows = await this.db.selectFrom('sites').select('key').orderBy('created_at').execute();
    const sites = await Promise.all(rows.map((r) => this.getSiteByKey(r.key)));
    return sites.filter((s): s is SiteRecord => s !== null);
  }

  // ---- agents and sessions ----

  async ensureAgent(agent: NewAgent): Promise<AgentRecord> {
    const email = agent.email.toLowerCase();
    await this.db
      .insertInto('agents')
      .values({
        id: agent.id,
        site_id: agent.siteId,
        email,
        name: agent.name,
        role: agent.role,
        password_hash: agent.passwordHash,
        active: agent.active ? 1 : 0,
        created_at: ms(agent.now),
        capacity: agent.capacity ?? null,
        teams: agent.teams ? JSON.stringify(agent.teams) : null,
        last_assigned_at: null,
      })
      // Any conflict (the email, or the id when two nodes seed the demo agent at the same moment):
      // the agent is there already.
      .onConflict((oc) => oc.doNothing())
      .execute();
    const stored = await this.getAgentByEmail(email);
    if (!stored) throw new Error(`agent ${email} vanished after insert`);
    return stored;
  }

  private async agentWhere(column: 'id' | 'email', value: string): Promise<AgentRecord | null> {
    const row = await this.db.selectFrom('agents').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toAgent(row) : null;
  }
  async listAgents(siteId: string): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom('agents').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toAgent);
  }
  async updateAgent(id: string, patch: AgentPatch): Promise<AgentRecord | null> {
    const values: Partial<Omit<AgentsTable, 'presence'> & { presence: string }> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
    if (patch.capacity !== undefined) values.capacity = patch.capacity;
    if (patch.teams !== undefined) values.teams = JSON.stringify(patch.teams);
    if (patch.presence !== undefined) values.presence = patch.presence;
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    if (patch.lastAssignedAt !== undefined) values.last_assigned_at = patch.lastAssignedAt === null ? null : ms(patch.lastAssignedAt);
    if (Object.keys(values).length === 0) return this.getAgent(id);
    const row = await this.db.updateTable('agents').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? toAgent(row) : null;
  }
  async deleteSessionsOf(agentId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('agent_id', '=', agentId).execute();
  }
  getAgent(id: string) {
    return this.agentWhere('id', id);
  }
  getAgentByEmail(email: string) {
    return this.agentWhere('email', email.toLowerCase());
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        agent_id: session.agentId,
        created_at: ms(session.createdAt),
        expires_at: ms(session.expiresAt),
      })
      .execute();
  }

  async getSession(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', ms(now))
      .executeTakeFirst();
    if (!row) return null;
    return { tokenHash: row.token_hash, agentId: row.agent_id, createdAt: iso(row.created_at), expiresAt: iso(row.expires_at) };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  // ---- visitors ----

  async touchVisitor(visitor: { id: string; siteId: string; now: string }): Promise<VisitorRecord> {
    const now = ms(visitor.now);
    const row = await this.db
      .insertInto('visitors')
      .values({ id: visitor.id, site_id: visitor.siteId, created_at: now, last_seen_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVisitor(row);
  }

  async getVisitor(id: string): Promise<VisitorRecord | null> {
    const row = await this.db.selectFrom('visitors').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toVisitor(row) : null;
  }

  async findVerifiedVisitor(siteId: string, userId: string, exceptVisitorId: string): Promise<VisitorRecord | null> {
    const row = await this.db
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', siteId)
      .where('user_id', '=', userId)
      .where('verified', '=', 1)
      .where('id', '<>', exceptVisitorId)
      .orderBy('last_seen_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.getVisitor(row.id) : null;
  }

  async setVisitorContext(id: string, context: VisitorContextInfo): Promise<void> {
    await this.db.updateTable('visitors').set({ context: JSON.stringify(context) }).where('id', '=', id).execute();
  }

  async visitorConversations(visitorId: string, limit: number): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  async setVisitorProfile(input: { id: string; siteId: string; userId: string; name: string | null; email: string | null; verified: boolean; detailsVerified?: boolean; now: string }): Promise<VisitorRecord> {
    await this.touchVisitor({ id: input.id, siteId: input.siteId, now: input.now });
    await this.db
      .updateTable('visitors')
      .set({ user_id: input.userId, name: input.name, email: input.email, verified: input.verified ? 1 : 0, details_verified: input.verified && input.detailsVerified ? 1 : 0 })
      .where('id', '=', input.id)
      .execute();
    return (await this.getVisitor(input.id))!;
  }

  // ---- conversations ----

  private async openFor(visitorId: string): Promise<ConversationRecord | null> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .where('control', '<>', 'closed')
      .executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async openConversation(input: { id: string; siteId: string; visitorId: string; now: string }): Promise<ConversationRecord> {
    const existing = await this.openFor(input.visitorId);
    if (existing) return existing;
    const now = ms(input.now);
    try {
      const row = await this.db
        .insertInto('conversations')
        .values({
          id: input.id,
          site_id: input.siteId,
          visitor_id: input.visitorId,
          control: 'bot',
          created_at: now,
          updated_at: now,
          last_seq: 0,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConversation(row);
    } catch (error) {
      // [ST3] someone opened one concurrently: theirs is the visitor's open conversation.
      if (!isUniqueViolation(error) || this.inTransaction) throw error;
      const winner = await this.openFor(input.visitorId);
      if (!winner) throw error;
      return winner;
    }
  }

  async getConversation(id: string): Promise<ConversationRecord | null> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async latestConversation(visitorId: string): Promise<ConversationRecord | null> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async updateConversation(id: string, guard: ConversationGuard, patch: ConversationPatch): Promise<ConversationRecord | null> {
    const controls = Array.isArray(guard.control) ? guard.control : [guard.control];
    const values: Partial<Omit<ConversationsTable, 'agent_read_seq' | 'priority' | 'reply_later' | 'repeated' | 'channel'> & { priority: number; reply_later: number; repeated: number; channel: string }> = {
      updated_at: ms(patch.updatedAt),
    };
    if (patch.control !== undefined) values.control = patch.control;
    if (patch.agentId !== undefined) values.agent_id = patch.agentId;
    if (patch.agentName !== undefined) values.agent_name = patch.agentName;
    if (patch.trigger !== undefined) values.trigger = patch.trigger;
    if (patch.reason !== undefined) values.reason = patch.reason;
    if (patch.handoff !== undefined) values.handoff = patch.handoff === null ? null : JSON.stringify(patch.handoff);
    if (patch.queuedAt !== undefined) values.queued_at = patch.queuedAt === null ? null : ms(patch.queuedAt);
    if (patch.closedAt !== undefined) values.closed_at = patch.closedAt === null ? null : ms(patch.closedAt);
    if (patch.claimedAt !== undefined) values.claimed_at = patch.claimedAt === null ? null : ms(patch.claimedAt);
    if (patch.priority !== undefined) values.priority = patch.priority;
    if (patch.outcome !== undefined) values.outcome = patch.outcome;
    if (patch.verdict !== undefined) values.verdict = patch.verdict;
    if (patch.abandonedAt !== undefined) values.abandoned_at = patch.abandonedAt === null ? null : ms(patch.abandonedAt);
    if (patch.replyLater !== undefined) values.reply_later = patch.replyLater ? 1 : 0;
    if (patch.contactEmail !== undefined) values.contact_email = patch.contactEmail;
    if (patch.team !== undefined) values.team = patch.team;
    if (patch.repeated !== undefined) values.repeated = patch.repeated ? 1 : 0;
    if (patch.passedOver !== undefined) values.passed_over = patch.passedOver;
    if (patch.language !== undefined) values.language = patch.language;
    if (patch.channel !== undefined) values.channel = patch.channel;
    if (patch.callbackPhone !== undefined) values.callback_phone = patch.callbackPhone;

    let query = this.db.updateTable('conversations').set(values).where('id', '=', id).where('control', 'in', controls);
    if (guard.agentId !== undefined) {
      query = guard.agentId === null ? query.where('agent_id', 'is', null) : query.where('agent_id', '=', guard.agentId);
    }
    const row = await query.returningAll().executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async listConversations(siteId: string, controls: Control[], limit = 1000, order: 'queue' | 'recent' = 'queue'): Promise<ConversationRecord[]> {
    if (controls.length === 0) return [];
    const query = this.db.selectFrom('conversations').selectAll().where('site_id', '=', siteId).where('control', 'in', controls);
    const ordered =
      order === 'recent'
        ? query.orderBy('updated_at', 'desc').orderBy('id', 'desc')
        : query.orderBy((eb) => eb.fn.coalesce('queued_at', 'created_at'), 'asc').orderBy('id', 'asc');
    const rows = await ordered.limit(limit).execute();
    return rows.map(toConversation);
  }

  async listQuietConversations(siteId: string, control: Control, before: string, limit: number): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('control', '=', control)
      .where('updated_at', '<', ms(before))
      .orderBy('updated_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  async rateConversation(input: { id: string; visitorId: string; rating: number; comment: string | null; now: string }): Promise<ConversationRecord | null> {
    // [ST13] once, by the conversation's visitor, after it was resolved: the WHERE clause decides.
    const row = await this.db
      .updateTable('conversations')
      // updated_at moves too: the metrics rollup re-derives a summary only when it did.
      .set({ csat_rating: input.rating, csat_comment: input.comment, rated_at: ms(input.now), updated_at: ms(input.now) })
      .where('id', '=', input.id)
      .where('visitor_id', '=', input.visitorId)
      .where('control', '=', 'closed')
      .where('csat_rating', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async markRead(id: string, seq: number, now: string): Promise<ConversationRecord | null> {
    // [ST14] monotonic: a late or replayed read mark never lowers it.
    const row = await this.db
      .updateTable('conversations')
      .set((eb) => ({
        agent_read_seq: eb.case().when('agent_read_seq', '<', seq).then(seq).else(eb.ref('agent_read_seq')).end(),
        updated_at: ms(now),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  async recentHandleTimes(siteId: string, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['claimed_at', 'closed_at'])
      .where('site_id', '=', siteId)
      .where('closed_at', 'is not', null)
      .where('claimed_at', 'is not', null)
      .orderBy('closed_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => (Number(r.closed_at) - Number(r.claimed_at)) / 1000).filter((s) => s >= 0);
  }

  async queuePosition(conversationId: string): Promise<number | null> {
    const me = await this.db
      .selectFrom('conversations')
      .select(['site_id', 'control', 'queued_at', 'priority', 'abandoned_at'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!me || me.control !== 'queued' || me.queued_at === null || me.abandoned_at !== null) return null;
    const queuedAt = Number(me.queued_at);
    const priority = Number(me.priority);
    const ahead = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', me.site_id)
      .where('control', '=', 'queued')
      .where('abandoned_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('priority', '>', priority),
          eb.and([
            eb('priority', '=', priority),
            eb.or([eb('queued_at', '<', queuedAt), eb.and([eb('queued_at', '=', queuedAt), eb('id', '<', conversationId)])]),
          ]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(ahead.n) + 1;
  }

  async countWaiting(): Promise<number> {
    const row = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('control', '=', 'queued')
      .where('abandoned_at', 'is', null)
      .where('reply_later', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async agentLoads(siteId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['agent_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('site_id', '=', siteId)
      .where('control', '=', 'agent')
      .groupBy('agent_id')
      .execute();
    return new Map(rows.filter((r) => r.agent_id).map((r) => [r.agent_id as string, Number(r.n)]));
  }

  // ---- messages ----

  private async messageByClientId(conversationId: string, clientId: string): Promise<Message | null> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  async appendMessage(message: NewMessage): Promise<Appended> {
    try {
      return await this.transaction(async (tx) => {
        const self = tx as KyselyStore;
        // No read first: a retry with a client id already stored fails the insert on the unique
        // index, which undoes the seq bump, and is answered below with what was stored. [ST1] the row lock taken by this UPDATE serializes concurrent appends: seq is gapless.
        // The visitor's profile comes back with it: the agents' list shows it with every message.
        // (Subqueries, not UPDATE ... FROM: SQLite's RETURNING sees only the updated table.)
        const visitor = (column: 'user_id' | 'name' | 'email' | 'verified' | 'details_verified') => (eb: ExpressionBuilder<Database, 'conversations'>) =>
          eb.selectFrom('visitors').select(`visitors.${column}`).whereRef('visitors.id', '=', 'conversations.visitor_id').as(`visitor_${column}`);
        const bumped = await self.db
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: ms(message.now) }))
          .where('id', '=', message.conversationId)
          .returningAll()
          .returning([visitor('user_id'), visitor('name'), visitor('email'), visitor('verified'), visitor('details_verified')])
          .executeTakeFirst();
        if (!bumped) throw new BatonError('not_found', 'No such conversation.');
        const row = await self.db
          .insertInto('messages')
          .values({
            id: message.id,
            conversation_id: message.conversationId,
            seq: Number(bumped.last_seq),
            client_id: message.clientId,
            author_kind: message.author.kind,
            author_id: message.author.id ?? null,
            author_name: message.author.name ?? null,
            body: message.body,
            notice: message.notice ?? null,
            quick_replies: message.quickReplies?.length ? JSON.stringify(message.quickReplies) : null,
            attachments: message.attachments?.length ? JSON.stringify(message.attachments) : null,
            spoken: message.spoken ? 1 : 0,
            created_at: ms(message.now),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const { visitor_user_id: userId, visitor_name: name, visitor_email: email, visitor_verified: verified, visitor_details_verified: detailsVerified, ...conversation } = bumped;
        return {
          message: toMessage(row),
          created: true,
          conversation: toConversation(conversation),
          visitorProfile: profileOf(userId as string | null, name as string | null, email as string | null, verified, detailsVerified),
        };
      });
    } catch (error) {
      // [ST2] a retry, or a concurrent one that won, with the same client id: return what is stored.
      // Inside a caller's transaction the error goes up: that transaction is void now.
      if (!isUniqueViolation(error) || this.inTransaction) throw error;
      const winner = await this.messageByClientId(message.conversationId, message.clientId);
      if (!winner) throw error;
      return { message: winner, created: false };
    }
  }

  async listMessages(conversationId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  // ---- event log ----

  async recordEvent(event: Omit<ConversationEventRecord, 'id'>): Promise<void> {
    await this.db
      .insertInto('conversation_events')
      .values({ conversation_id: event.conversationId, type: event.type, data: JSON.stringify(event.data), at: ms(event.at) })
      .execute();
  }

  async listEvents(conversationId: string, type?: string): Promise<ConversationEventRecord[]> {
    let query = this.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', conversationId);
    if (type) query = query.where('type', '=', type);
    const rows = await query.orderBy('id', 'asc').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      conversationId: r.conversation_id,
      type: r.type,
      data: JSON.parse(r.data) as Record<string, unknown>,
      at: iso(r.at),
    }));
  }

  // ---- analytics ----

  async conversationsBetween(siteId: string, from: string, to: string, limit: number): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('created_at', '>=', ms(from))
      .where('created_at', '<', ms(to))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  async metricSummariesBetween<T = unknown>(siteId: string, from: string, to: string, limit: number, decode: (data: unknown) => T | null = (d) => d as T) {
    // One narrow pass over the range (no ORDER BY: sorting the summaries' text spills to disk on a
    // big site; they are put in order here), then the full rows of the few without a valid summary.
    const rows = await this.db
      .selectFrom('conversations as c')
      .leftJoin('conversation_facts as f', 'f.conversation_id', 'c.id')
      .select(['c.id as id', 'c.visitor_id as visitor_id', 'c.created_at as created_at', 'c.updated_at as updated_at', 'f.source_updated_at as source_updated_at', 'f.data as data'])
      .where('c.site_id', '=', siteId)
      .where('c.created_at', '>=', ms(from))
      .where('c.created_at', '<', ms(to))
      .limit(limit)
      .execute();
    rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const cached: Array<{ id: string; visitorId: string; data: T }> = [];
    const missingIds: string[] = [];
    for (const r of rows) {
      const data = r.data !== null && Number(r.source_updated_at) === Number(r.updated_at) ? decode(JSON.parse(r.data)) : null;
      if (data !== null) cached.push({ id: r.id, visitorId: r.visitor_id, data });
      else missingIds.push(r.id);
    }
    const missing: ConversationRecord[] = [];
    for (let i = 0; i < missingIds.length; i += 2000) {
      const chunk = await this.db.selectFrom('conversations').selectAll().where('id', 'in', missingIds.slice(i, i + 2000)).execute();
      missing.push(...chunk.map(toConversation));
    }
    const order = new Map(missingIds.map((id, i) => [id, i]));
    missing.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { cached, missing };
  }

  async saveMetricSummaries(rows: Array<{ conversationId: string; siteId: string; sourceUpdatedAt: string; data: unknown }>): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows.slice(i, i + 500).map((r) => ({ conversation_id: r.conversationId, site_id: r.siteId, source_updated_at: ms(r.sourceUpdatedAt), data: JSON.stringify(r.data) }));
      await this.db
        .insertInto('conversation_facts')
        .values(values)
        .onConflict((oc) => oc.column('conversation_id').doUpdateSet((eb) => ({ source_updated_at: eb.ref('excluded.source_updated_at'), data: eb.ref('excluded.data') })))
        .execute();
    }
  }

  async eventsOf(conversationIds: string[], types?: string[]): Promise<ConversationEventRecord[]> {
    const out: ConversationEventRecord[] = [];
    for (let i = 0; i < conversationIds.length; i += 2000) {
      let query = this.db.selectFrom('conversation_events').selectAll().where('conversation_id', 'in', conversationIds.slice(i, i + 2000));
      if (types?.length) query = query.where('type', 'in', types);
      const rows = await query.orderBy('id').execute();
      for (const r of rows) out.push({ id: Number(r.id), conversationId: r.conversation_id, type: r.type, data: JSON.parse(r.data) as Record<string, unknown>, at: iso(r.at) });
    }
    return out;
  }

  async messagesOf(conversationIds: string[], authors?: Array<Message['author']['kind']>): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < conversationIds.length; i += 2000) {
      let query = this.db.selectFrom('messages').selectAll().where('conversation_id', 'in', conversationIds.slice(i, i + 2000));
      if (authors?.length) query = query.where('author_kind', 'in', authors);
      const rows = await query.orderBy('conversation_id').orderBy('seq').execute();
      for (const r of rows) out.push(toMessage(r));
    }
    return out;
  }

  // ---- privacy ----

  /** Event types that carry no personal data and feed the metrics. */
  private static readonly ANONYMOUS_EVENTS = ['transition', 'verdict', 'abandoned', 'returned', 'queued_estimate', 'routing', 'csat', 'reply_later', 'repeat_mark'];

  async eraseVisitor(visitorId: string): Promise<{ conversations: number; messages: number }> {
    return this.transaction(async (tx) => {
      const db = (tx as KyselyStore).db;
      const ids = (await db.selectFrom('conversations').select('id').where('visitor_id', '=', visitorId).execute()).map((r) => r.id);
      let messages = 0;
      if (ids.length) {
        const deleted = await db.deleteFrom('messages').where('conversation_id', 'in', ids).executeTakeFirst();
        await db.deleteFrom('attachments').where('conversation_id', 'in', ids).execute();
        await db.deleteFrom('conversation_facts').where('conversation_id', 'in', ids).execute();
        messages = Number(deleted.numDeletedRows);
        await db.deleteFrom('conversation_events').where('conversation_id', 'in', ids).where('type', 'not in', KyselyStore.ANONYMOUS_EVENTS).execute();
        // Verdict comments and other free text go; the verdict itself stays for the metrics.
        const kept = await db.selectFrom('conversation_events').select(['id', 'data']).where('conversation_id', 'in', ids).execute();
        for (const e of kept) {
          const data = JSON.parse(e.data) as Record<string, unknown>;
          // A bot's escalation carries its evidence, which quotes the visitor: it goes too.
          const by = data.by as Record<string, unknown> | undefined;
          if ('comment' in data || 'reason' in data || (by && 'evidence' in by)) {
            delete data.comment;
            delete data.reason;
            if (by) delete by.evidence;
            await db.updateTable('conversation_events').set({ data: JSON.stringify(data) }).where('id', '=', e.id).execute();
          }
        }
        await db
          .updateTable('conversations')
          .set({ handoff: null, reason: null, csat_comment: null, contact_email: null, callback_phone: null })
          .where('id', 'in', ids)
          .execute();
        for (const id of ids) {
          await db.deleteFrom('jobs').where('data', 'like', `%"${id}"%`).execute();
          // Webhook payloads quote messages: undelivered or not, they go too.
          await db.deleteFrom('webhook_deliveries').where('payload', 'like', `%"${id}"%`).execute();
        }
      }
      await db
        .updateTable('visitors')
        .set({ user_id: null, name: null, email: null, verified: 0, details_verified: 0, context: null })
        .where('id', '=', visitorId)
        .execute();
      return { conversations: ids.length, messages };
    });
  }

  async deleteConversationsBefore(siteId: string, before: string): Promise<number> {
    return this.transaction(async (tx) => {
      const db = (tx as KyselyStore).db;
      const ids = (
        await db.selectFrom('conversations').select('id').where('site_id', '=', siteId).where('updated_at', '<', ms(before)).limit(5000).execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      for (const id of ids) await db.deleteFrom('webhook_deliveries').where('payload', 'like', `%"${id}"%`).execute();
      await db.deleteFrom('messages').where('conversation_id', 'in', ids).execute();
      await db.deleteFrom('attachments').where('conversation_id', 'in', ids).execute();
      await db.deleteFrom('conversation_events').where('conversation_id', 'in', ids).execute();
      await db.deleteFrom('conversation_facts').where('conversation_id', 'in', ids).execute();
      await db.deleteFrom('conversations').where('id', 'in', ids).execute();
      return ids.length;
    });
  }

  async deleteVisitorsBefore(siteId: string, before: string): Promise<number> {
    const stale = this.db
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', siteId)
      .where('last_seen_at', '<', ms(before))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conversations').select('id').whereRef('conversations.visitor_id', '=', 'visitors.id'))))
      .limit(5000);
    const ids = (await stale.execute()).map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('visitors').where('id', 'in', ids).execute();
    return ids.length;
  }

  async findVisitors(siteId: string, by: { email?: string; userId?: string }): Promise<string[]> {
    if (!by.email && !by.userId) return [];
    const rows = await this.db
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', siteId)
      .where((eb) => eb.or([...(by.email ? [eb(eb.fn('lower', ['email']), '=', by.email.trim().toLowerCase())] : []), ...(by.userId ? [eb('user_id', '=', by.userId)] : [])]))
      .orderBy('created_at')
      .execute();
    return rows.map((r) => r.id);
  }

  async recordAudit(entry: { siteId: string; actorId: string; action: string; target: string | null; data: Record<string, unknown>; at: string }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ site_id: entry.siteId, actor_id: entry.actorId, action: entry.action, target: entry.target, data: JSON.stringify(entry.data), at: ms(entry.at) })
      .execute();
  }

  async listAudit(siteId: string, limit: number) {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('site_id', '=', siteId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), actorId: r.actor_id, action: r.action, target: r.target, data: JSON.parse(r.data) as Record<string, unknown>, at: iso(r.at) }));
  }

  // ---- presence ----

  async addConnection(c: { socketId: string; agentId: string; siteId: string; nodeId: string; at: string }): Promise<void> {
    await this.db
      .insertInto('agent_connections')
      .values({ socket_id: c.socketId, agent_id: c.agentId, site_id: c.siteId, node_id: c.nodeId, seen_at: ms(c.at) })
      .onConflict((oc) => oc.column('socket_id').doUpdateSet({ seen_at: ms(c.at) }))
      .execute();
  }
  async removeConnection(socketId: string): Promise<void> {
    await this.db.deleteFrom('agent_connections').where('socket_id', '=', socketId).execute();
  }
  async touchConnections(nodeId: string, at: string): Promise<void> {
    await this.db.updateTable('agent_connections').set({ seen_at: ms(at) }).where('node_id', '=', nodeId).execute();
  }
  async connectedAgentIds(siteId: string, since: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('agent_connections').select('agent_id').distinct().where('site_id', '=', siteId).where('seen_at', '>=', ms(since)).execute();
    return new Set(rows.map((r) => r.agent_id));
  }
  async sweepConnections(before: string): Promise<Array<{ agentId: string; siteId: string }>> {
    const rows = await this.db.deleteFrom('agent_connections').where('seen_at', '<', ms(before)).returning(['agent_id', 'site_id']).execute();
    const unique = new Map(rows.map((r) => [r.agent_id, { agentId: r.agent_id, siteId: r.site_id }]));
    return [...unique.values()];
  }
  async removeNodeConnections(nodeId: string): Promise<void> {
    await this.db.deleteFrom('agent_connections').where('node_id', '=', nodeId).execute();
  }

  // ---- API keys ----

  private static toApiKey(r: Selectable<ApiKeysTable>): ApiKeyRecord {
    return {
      id: r.id,
      siteId: r.site_id,
      name: r.name,
      prefix: r.prefix,
      hash: r.hash,
      scopes: JSON.parse(r.scopes) as string[],
      createdAt: iso(r.created_at),
      revokedAt: isoOrNull(r.revoked_at),
      lastUsedAt: isoOrNull(r.last_used_at),
    };
  }
  async createApiKey(k: Omit<ApiKeyRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ id: k.id, site_id: k.siteId, name: k.name, prefix: k.prefix, hash: k.hash, scopes: JSON.stringify(k.scopes), created_at: ms(k.createdAt), revoked_at: null, last_used_at: null })
      .execute();
  }
  async apiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return r ? KyselyStore.toApiKey(r) : null;
  }
  async listApiKeys(siteId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('site_id', '=', siteId).orderBy('created_at').execute();
    return rows.map(KyselyStore.toApiKey);
  }
  async revokeApiKey(id: string, siteId: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('api_keys').set({ revoked_at: ms(at) }).where('id', '=', id).where('site_id', '=', siteId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async touchApiKey(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: ms(at) }).where('id', '=', id).execute();
  }

  // ---- attachments ----

  async saveAttachment(a: AttachmentRecord): Promise<void> {
    await this.db
      .insertInto('attachments')
      .values({ id: a.id, conversation_id: a.conversationId, name: a.name, type: a.type, size: a.size, width: a.width, height: a.height, data: a.data, thumb: a.thumb, created_at: ms(a.createdAt) })
      .execute();
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id,
      conversationId: r.conversation_id,
      name: r.name,
      type: r.type,
      size: Number(r.size),
      width: r.width === null ? null : Number(r.width),
      height: r.height === null ? null : Number(r.height),
      data: Buffer.from(r.data),
      thumb: r.thumb ? Buffer.from(r.thumb) : null,
      createdAt: iso(r.created_at),
    };
  }

  // ---- webhooks ----

  private static toEndpoint(r: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
    return {
      id: r.id,
      siteId: r.site_id,
      url: r.url,
      secret: r.secret,
      events: JSON.parse(r.events) as string[],
      active: Number(r.active) === 1,
      failingSince: isoOrNull(r.failing_since),
      disabledReason: r.disabled_reason,
      createdAt: iso(r.created_at),
    };
  }
  private static toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
    return {
      id: r.id,
      endpointId: r.endpoint_id,
      eventId: r.event_id,
      eventType: r.event_type,
      payload: r.payload,
      status: r.status as WebhookDelivery['status'],
      attempts: Number(r.attempts),
      lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
      lastError: r.last_error,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
      retryFrom: iso(r.retry_from ?? r.created_at),
    };
  }

  async createWebhookEndpoint(e: Omit<WebhookEndpoint, 'failingSince' | 'disabledReason' | 'active'>): Promise<WebhookEndpoint> {
    this.caches.endpoints.clear();
    const row = await this.db
      .insertInto('webhook_endpoints')
      .values({ id: e.id, site_id: e.siteId, url: e.url, secret: e.secret, events: JSON.stringify(e.events), active: 1, failing_since: null, disabled_reason: null, created_at: ms(e.createdAt) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return KyselyStore.toEndpoint(row);
  }
  async listWebhookEndpoints(siteId: string): Promise<WebhookEndpoint[]> {
    const hit = this.caches.endpoints.get(siteId);
    if (hit && hit.until > Date.now()) return structuredClone(hit.endpoints);
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().where('site_id', '=', siteId).orderBy('created_at').execute();
    const endpoints = rows.map(KyselyStore.toEndpoint);
    this.caches.endpoints.set(siteId, { until: Date.now() + SITE_CACHE_MS, endpoints: structuredClone(endpoints) });
    return endpoints;
  }
  async getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? KyselyStore.toEndpoint(row) : null;
  }
  async updateWebhookEndpoint(id: string, patch: Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'active' | 'failingSince' | 'disabledReason'>>): Promise<WebhookEndpoint | null> {
    this.caches.endpoints.clear();
    const values: Partial<{ url: string; events: string; active: number; failing_since: number | null; disabled_reason: string | null }> = {};
    if (patch.url !== undefined) values.url = patch.url;
    if (patch.events !== undefined) values.events = JSON.stringify(patch.events);
    if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
    if (patch.failingSince !== undefined) values.failing_since = patch.failingSince === null ? null : ms(patch.failingSince);
    if (patch.disabledReason !== undefined) values.disabled_reason = patch.disabledReason;
    if (Object.keys(values).length === 0) return this.getWebhookEndpoint(id);
    const row = await this.db.updateTable('webhook_endpoints').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? KyselyStore.toEndpoint(row) : null;
  }
  async deleteWebhookEndpoint(id: string): Promise<void> {
    this.caches.endpoints.clear();
    await this.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  }
  async insertWebhookDelivery(d: Omit<WebhookDelivery, 'attempts' | 'lastStatusCode' | 'lastError' | 'updatedAt' | 'retryFrom'>): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({ id: d.id, endpoint_id: d.endpointId, event_id: d.eventId, event_type: d.eventType, payload: d.payload, status: d.status, attempts: 0, last_status_code: null, last_error: null, created_at: ms(d.createdAt), updated_at: ms(d.createdAt) })
      .execute();
  }
  async getWebhookDelivery(id: string): Promise<WebhookDelivery | null> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? KyselyStore.toDelivery(row) : null;
  }
  async updateWebhookDelivery(id: string, patch: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'retryFrom'>> & { updatedAt: string }): Promise<void> {
    const values: Partial<{ status: string; attempts: number; last_status_code: number | null; last_error: string | null; updated_at: number; retry_from: number }> = { updated_at: ms(patch.updatedAt) };
    if (patch.retryFrom !== undefined) values.retry_from = ms(patch.retryFrom);
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.attempts !== undefined) values.attempts = patch.attempts;
    if (patch.lastStatusCode !== undefined) values.last_status_code = patch.lastStatusCode;
    if (patch.lastError !== undefined) values.last_error = patch.lastError;
    await this.db.updateTable('webhook_deliveries').set(values).where('id', '=', id).execute();
  }
  async listWebhookDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(KyselyStore.toDelivery);
  }
  async undeliveredWebhookDeliveries(endpointId: string, limit: number, offset = 0): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('status', 'in', ['pending', 'failed'])
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(KyselyStore.toDelivery);
  }

  // ---- durable timers ----

  async scheduleJob(job: { id: string; kind: string; runAt: string; data: Record<string, unknown> }): Promise<JobRecord> {
    const token = randomUUID();
    const values = { kind: job.kind, run_at: ms(job.runAt), data: JSON.stringify(job.data), token, locked_until: null, attempts: 0 };
    const row = await this.db
      .insertInto('jobs')
      .values({ id: job.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(row);
  }

  async scheduleJobOnce(job: { id: string; kind: string; runAt: string; data: Record<string, unknown> }): Promise<boolean> {
    const rows = await this.db
      .insertInto('jobs')
      .values({ id: job.id, kind: job.kind, run_at: ms(job.runAt), data: JSON.stringify(job.data), token: randomUUID(), locked_until: null, attempts: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  async cancelJob(id: string): Promise<void> {
    await this.db.deleteFrom('jobs').where('id', '=', id).execute();
  }

  async claimDueJobs(now: string, limit: number, lockMs: number, kinds: JobKinds = {}): Promise<JobRecord[]> {
    const t = ms(now);
    let query = this.db
      .selectFrom('jobs')
      .select(['id', 'token'])
      .where('run_at', '<=', t)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', t)]));
    if (kinds.only) query = query.where('kind', 'in', kinds.only);
    if (kinds.except) query = query.where('kind', 'not in', kinds.except);
    const due = await query
      .orderBy('run_at')
      .limit(limit)
      .execute();
    const claimed: JobRecord[] = [];
    for (const candidate of due) {
      // Compare-and-set on the token and the lock: of two runners, exactly one gets each job. A
      // new token per claim fences a runner whose lock ran out: it can no longer complete or
      // retry the job another runner has taken since.
      const row = await this.db
        .updateTable('jobs')
        .set((eb) => ({ locked_until: t + lockMs, attempts: eb('attempts', '+', 1), token: randomUUID() }))
        .where('id', '=', candidate.id)
        .where('token', '=', candidate.token)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', t)]))
        .returningAll()
        .executeTakeFirst();
      if (row) claimed.push(toJob(row));
    }
    return claimed;
  }

  async completeJob(id: string, token: string): Promise<void> {
    await this.db.deleteFrom('jobs').where('id', '=', id).where('token', '=', token).execute();
  }

  async releaseJob(id: string, token: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', id)
      .where('token', '=', token)
      .execute();
  }

  async retryJob(id: string, token: string, runAt: string): Promise<void> {
    await this.db.updateTable('jobs').set({ run_at: ms(runAt), locked_until: null }).where('id', '=', id).where('token', '=', token).execute();
  }
}
