// What admins do to their site: agents (invite with a set-password link shown once, role, teams,
// capacity, deactivate), the site's settings and identity secret, data-protection requests,
// webhooks, API keys and eval-case exports. Every change is audited. Only admins of the site; the
// transport (transport/admin.ts) parses the input and maps errors to HTTP.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  type AdminAgent,
  type AgentPatchBody,
  type ApiKeyBody,
  type ApiKeyView,
  type AuditEntry,
  BatonError,
  dayRange,
  type EvalCasesQuery,
  type InviteBody,
  type PersonQuery,
  type SetPasswordBody,
  type SitePatchBody,
  type WebhookBody,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookPatch,
} from '@baton/shared';
import { ROTATION_GRACE_MS } from '../auth/identity.js';
import { hashPassword } from '../auth/password.js';
import { seal } from '../auth/sealed.js';
import { sameSignature } from '../auth/tokens.js';
import type { Logger } from '../log.js';
import { evalCaseFrom } from '../metrics/eval-export.js';
import type { AgentRecord, ApiKeyRecord, SiteRecord, Store, WebhookEndpoint } from '../store/types.js';
import type { Sessions } from './sessions.js';
import { assertDeliverable, type WebhookDeliverer } from './webhooks.js';

export const INVITE_TTL_MS = 72 * 60 * 60 * 1000;

export interface AdminDeps {
  webhooks: WebhookDeliverer;
  allowPrivateWebhooks: boolean;
  store: Store;
  sessions: Sessions;
  logger: Logger;
  secret: string;
  clock: () => Date;
  newId: (prefix: string) => string;
  /** Signs a deactivated agent's open consoles out at once, on every node. */
  disconnectAgent: (agentId: string) => void;
  /** The console's public address (PUBLIC_URL): set-password links point there, not at whatever Host the request named. */
  publicUrl?: string | undefined;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

// A set-password token is bound to the agent's current password hash: using it changes the
// hash, so it works once; it also expires.
function sign(secret: string, agentId: string, exp: number, passwordHash: string) {
  return createHmac('sha256', secret).update(`set-password|${agentId}|${exp}|${passwordHash}`).digest('base64url');
}
export function setPasswordToken(secret: string, agent: AgentRecord, exp: number): string {
  return `${agent.id}.${exp}.${sign(secret, agent.id, exp, agent.passwordHash)}`;
}

/** The console's one-time link to choose a password, under `base` (an origin), for INVITE_TTL_MS. */
export function setPasswordLink(secret: string, agent: AgentRecord, base: string, now: Date): string {
  return `${base}/console/set-password#${setPasswordToken(secret, agent, now.getTime() + INVITE_TTL_MS)}`;
}

const adminAgent = (a: AgentRecord): AdminAgent => ({ id: a.id, email: a.email, name: a.name, role: a.role, siteId: a.siteId, active: a.active, teams: a.teams, capacity: a.capacity, presence: a.presence });
const publicEndpoint = (e: WebhookEndpoint): WebhookEndpointView => ({ id: e.id, url: e.url, events: e.events, active: e.active, failingSince: e.failingSince, disabledReason: e.disabledReason, createdAt: e.createdAt });
const publicKey = (k: ApiKeyRecord): ApiKeyView => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.createdAt, revokedAt: k.revokedAt, lastUsedAt: k.lastUsedAt });

/** An agent with no usable password until they set one through a set-password link. */
export function inviteAgent(store: Store, input: { id: string; siteId: string; email: string; name: string; role: 'agent' | 'admin'; teams?: string[]; capacity?: number | null; now: string }): Promise<AgentRecord> {
  return store.ensureAgent({ ...input, passwordHash: `unset:${randomBytes(16).toString('hex')}`, active: true });
}

/** A site's new identity secret (returned once); the old one keeps working for the grace period. */
export async function newIdentitySecret(store: Store, secret: string, site: SiteRecord, now: Date): Promise<{ identitySecret: string; previousValidUntil: string | null }> {
  const fresh = randomBytes(32).toString('base64url');
  const previous = typeof site.settings.identitySecret === 'string' ? site.settings.identitySecret : undefined;
  await store.upsertSite({
    ...site,
    settings: { ...site.settings, identitySecret: seal(secret, fresh), ...(previous ? { identitySecretPrevious: previous, identitySecretRotatedAt: now.toISOString() } : {}) },
    now: site.createdAt,
  });
  return { identitySecret: fresh, previousValidUntil: previous ? new Date(now.getTime() + ROTATION_GRACE_MS).toISOString() : null };
}

export class AdminService {
  constructor(private readonly deps: AdminDeps) {}

  private get store() {
    return this.deps.store;
  }
  private now() {
    return this.deps.clock().toISOString();
  }
  private audit(me: AgentRecord, action: string, target: string | null, data: Record<string, unknown>, at = this.now()) {
    return this.store.recordAudit({ siteId: me.siteId, actorId: me.id, action, target, data, at });
  }

  /** The admin a session token belongs to: `unauthorized` without a session, `forbidden` for an agent. */
  async adminFor(token: string | undefined): Promise<AgentRecord> {
    const agent = token ? await this.deps.sessions.agentFor(token) : null;
    if (!agent) throw new BatonError('unauthorized', 'Sign in as an admin.');
    if (agent.role !== 'admin') throw new BatonError('forbidden', 'Only admins can do this.');
    return agent;
  }

  // ---------- agents ----------

  /** An agent of the admin's site; any other is `not_found`. */
  async agent(me: AgentRecord, id: string): Promise<AgentRecord> {
    const agent = await this.store.getAgent(id);
    if (!agent || agent.siteId !== me.siteId) throw new BatonError('not_found', 'No such agent.');
    return agent;
  }

  async agents(me: AgentRecord): Promise<AdminAgent[]> {
    return (await this.store.listAgents(me.siteId)).map(adminAgent);
  }

  /** `requestOrigin`: where the request came in, for the link when PUBLIC_URL is unset. */
  passwordLink(agent: AgentRecord, requestOrigin: string): string {
    return setPasswordLink(this.deps.secret, agent, this.deps.publicUrl ? new URL(this.deps.publicUrl).origin : requestOrigin, this.deps.clock());
  }

  async invite(me: AgentRecord, body: InviteBody, requestOrigin: string): Promise<{ agent: AdminAgent; setPasswordUrl: string }> {
    if (await this.store.getAgentByEmail(body.email)) throw new BatonError('conflict', 'An agent with this email already exists.');
    const agent = await inviteAgent(this.store, { id: this.deps.newId('agent'), siteId: me.siteId, email: body.email, name: body.name, role: body.role, teams: body.teams, capacity: body.capacity, now: this.now() });
    this.deps.logger.info({ by: me.id, agent: agent.id }, 'agent invited');
    await this.audit(me, 'agent.invited', agent.id, { role: agent.role });
    return { agent: adminAgent(agent), setPasswordUrl: this.passwordLink(agent, requestOrigin) };
  }

  /** `target` from `agent()`; deactivating ends the agent's sessions and open consoles. */
  async updateAgent(me: AgentRecord, target: AgentRecord, patch: AgentPatchBody): Promise<AdminAgent> {
    if (target.id === me.id && (patch.active === false || patch.role === 'agent')) {
      throw new BatonError('bad_request', 'You cannot deactivate or demote yourself; ask another admin.');
    }
    const updated = await this.store.updateAgent(target.id, patch);
    if (patch.active === false) {
      await this.store.deleteSessionsOf(target.id);
      this.deps.disconnectAgent(target.id);
    }
    this.deps.logger.info({ by: me.id, agent: target.id, fields: Object.keys(patch) }, 'agent updated');
    await this.audit(me, 'agent.updated', target.id, patch);
    return adminAgent(updated!);
  }

  /** The invited (or reset) agent chooses a password; the link then stops working. */
  async setPassword(body: SetPasswordBody): Promise<void> {
    const { store, secret, clock } = this.deps;
    const [agentId = '', expText = '', mac = ''] = body.token.split('.');
    const exp = Number(expText);
    const agent = agentId ? await store.getAgent(agentId) : null;
    const valid = agent !== null && agent.active && Number.isFinite(exp) && exp > clock().getTime() && sameSignature(sign(secret, agent.id, exp, agent.passwordHash), mac);
    if (!valid) throw new BatonError('invalid_token', 'This link is invalid, expired or already used. Ask an admin for a new one.');
    await store.updateAgent(agent.id, { passwordHash: await hashPassword(body.password) });
    await store.deleteSessionsOf(agent.id);
    // A new password ends every session, and the consoles still open with them.
    this.deps.disconnectAgent(agent.id);
  }

  // ---------- the site ----------

  async site(me: AgentRecord) {
    const site = (await this.store.getSite(me.siteId))!;
    const { identitySecret, identitySecretPrevious: _previous, ...settings } = site.settings;
    return { key: site.key, name: site.name, allowedOrigins: site.allowedOrigins, settings, identitySecretSet: typeof identitySecret === 'string' };
  }

  async updateSite(me: AgentRecord, body: SitePatchBody) {
    const site = (await this.store.getSite(me.siteId))!;
    const updated = await this.store.upsertSite({
      id: site.id,
      key: site.key,
      name: body.name ?? site.name,
      allowedOrigins: body.allowedOrigins ?? site.allowedOrigins,
      settings: { ...site.settings, ...(body.settings ?? {}) },
      now: site.createdAt,
    });
    const { identitySecret: _secret, identitySecretPrevious: _previous, ...settings } = updated.settings;
    this.deps.logger.info({ by: me.id, fields: Object.keys(body) }, 'site updated');
    await this.audit(me, 'site.updated', null, { fields: Object.keys(body), settings: Object.keys(body.settings ?? {}) });
    return { key: updated.key, name: updated.name, allowedOrigins: updated.allowedOrigins, settings };
  }

  /** A new identity secret, shown once; the old one keeps working for the grace period. */
  async rotateIdentitySecret(me: AgentRecord): Promise<{ identitySecret: string; previousValidUntil: string | null }> {
    const rotated = await newIdentitySecret(this.store, this.deps.secret, (await this.store.getSite(me.siteId))!, this.deps.clock());
    this.deps.logger.info({ by: me.id }, 'identity secret rotated');
    await this.audit(me, 'identity_secret.rotated', null, {});
    return rotated;
  }

  // ---------- data-protection requests: everything about one visitor, or erase it ----------

  private async visitor(me: AgentRecord, id: string) {
    const visitor = await this.store.getVisitor(id);
    if (!visitor || visitor.siteId !== me.siteId) throw new BatonError('not_found', 'No such visitor.');
    return visitor;
  }

  async exportVisitor(me: AgentRecord, id: string) {
    const { store } = this;
    const visitor = await this.visitor(me, id);
    const conversations = await store.visitorConversations(visitor.id, 1000);
    const out = [];
    for (const c of conversations) {
      const [messages, notes] = await Promise.all([store.listMessages(c.id, 0, 10_000), store.listEvents(c.id, 'note')]);
      out.push({
        id: c.id,
        createdAt: c.createdAt,
        status: c.control,
        handoff: c.handoff,
        csat: c.csat,
        contactEmail: c.contactEmail,
        messages: messages.map((m) => ({ at: m.createdAt, from: m.author.kind, name: m.author.name ?? null, text: m.body })),
        notes: notes.map((n) => ({ at: n.at, by: n.data.agentName, text: n.data.body })),
      });
    }
    await this.audit(me, 'visitor.exported', visitor.id, { conversations: out.length });
    return { visitor: { id: visitor.id, firstSeen: visitor.createdAt, lastSeen: visitor.lastSeenAt, profile: visitor.profile, context: visitor.context }, conversations: out };
  }

  async eraseVisitor(me: AgentRecord, id: string): Promise<{ conversations: number; messages: number }> {
    const visitor = await this.visitor(me, id);
    const erased = await this.store.eraseVisitor(visitor.id);
    await this.audit(me, 'visitor.erased', visitor.id, erased);
    this.deps.logger.info({ by: me.id, visitor: visitor.id, ...erased }, 'visitor erased');
    return erased;
  }

  /** One person on every browser: the visitors with this email or user id, each erased. */
  async erasePerson(me: AgentRecord, person: PersonQuery): Promise<{ visitors: number; conversations: number; messages: number }> {
    const ids = await this.store.findVisitors(me.siteId, person);
    const total = { visitors: ids.length, conversations: 0, messages: 0 };
    for (const id of ids) {
      const erased = await this.eraseVisitor(me, id);
      total.conversations += erased.conversations;
      total.messages += erased.messages;
    }
    return total;
  }

  /** One person on every browser, exported together. */
  async exportPerson(me: AgentRecord, person: PersonQuery) {
    const ids = await this.store.findVisitors(me.siteId, person);
    return { visitors: await Promise.all(ids.map((id) => this.exportVisitor(me, id))) };
  }

  auditLog(me: AgentRecord): Promise<AuditEntry[]> {
    return this.store.listAudit(me.siteId, 500);
  }

  // ---------- webhooks: endpoints (the signing secret is shown once), their delivery log, "Resend" ----------

  /** A webhook endpoint of the admin's site; any other is `not_found`. */
  async endpoint(me: AgentRecord, id: string): Promise<WebhookEndpoint> {
    const e = await this.store.getWebhookEndpoint(id);
    if (!e || e.siteId !== me.siteId) throw new BatonError('not_found', 'No such webhook.');
    return e;
  }

  async webhooks(me: AgentRecord): Promise<WebhookEndpointView[]> {
    return (await this.store.listWebhookEndpoints(me.siteId)).map(publicEndpoint);
  }

  async createWebhook(me: AgentRecord, body: WebhookBody): Promise<{ webhook: WebhookEndpointView; secret: string }> {
    await assertDeliverable(body.url, this.deps.allowPrivateWebhooks);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const endpoint = await this.store.createWebhookEndpoint({ id: this.deps.newId('wh'), siteId: me.siteId, url: body.url, secret, events: body.events, createdAt: this.now() });
    await this.audit(me, 'webhook.created', endpoint.id, { url: body.url, events: body.events });
    return { webhook: publicEndpoint(endpoint), secret };
  }

  /** `endpoint` from `endpoint()`. */
  async updateWebhook(me: AgentRecord, endpoint: WebhookEndpoint, patch: WebhookPatch): Promise<{ webhook: WebhookEndpointView; resumed: number }> {
    if (patch.url) await assertDeliverable(patch.url, this.deps.allowPrivateWebhooks);
    const updated = await this.store.updateWebhookEndpoint(endpoint.id, { ...patch, ...(patch.active ? { failingSince: null, disabledReason: null } : {}) });
    // Turned back on: what it missed while off goes out now.
    const resumed = patch.active && !endpoint.active ? await this.deps.webhooks.resume(endpoint.id) : 0;
    await this.audit(me, 'webhook.updated', endpoint.id, { ...patch, ...(resumed ? { resumed } : {}) });
    return { webhook: publicEndpoint(updated!), resumed };
  }

  async deliveries(me: AgentRecord, endpointId: string): Promise<WebhookDeliveryView[]> {
    const endpoint = await this.endpoint(me, endpointId);
    const deliveries = await this.store.listWebhookDeliveries(endpoint.id, 200);
    return deliveries.map((d) => ({ id: d.id, eventId: d.eventId, type: d.eventType, status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, createdAt: d.createdAt, updatedAt: d.updatedAt }));
  }

  async resend(me: AgentRecord, endpointId: string, deliveryId: string): Promise<void> {
    const endpoint = await this.endpoint(me, endpointId);
    const delivery = await this.store.getWebhookDelivery(deliveryId);
    if (!delivery || delivery.endpointId !== endpoint.id) throw new BatonError('not_found', 'No such delivery.');
    await this.deps.webhooks.resend(delivery.id);
  }

  // ---------- API keys for site owners: shown once, stored as a hash, revocable ----------

  async apiKeys(me: AgentRecord): Promise<ApiKeyView[]> {
    return (await this.store.listApiKeys(me.siteId)).map(publicKey);
  }

  async createApiKey(me: AgentRecord, body: ApiKeyBody): Promise<{ key: string; apiKey: ApiKeyView }> {
    const key = `bk_${randomBytes(24).toString('base64url')}`;
    const record = { id: this.deps.newId('key'), siteId: me.siteId, name: body.name, prefix: key.slice(0, 10), hash: hashApiKey(key), scopes: body.scopes, createdAt: this.now() };
    await this.store.createApiKey(record);
    await this.audit(me, 'api_key.created', record.id, { scopes: body.scopes }, record.createdAt);
    return { key, apiKey: publicKey({ ...record, revokedAt: null, lastUsedAt: null }) };
  }

  async revokeApiKey(me: AgentRecord, id: string): Promise<void> {
    if (!(await this.store.revokeApiKey(id, me.siteId, this.now()))) throw new BatonError('not_found', 'No such key.');
    await this.audit(me, 'api_key.revoked', id, {});
  }

  // ---------- eval cases ----------

  /**
   * Judged escalations as labelled cases for `pnpm eval:policy`, one JSON line each: one
   * conversation, or every conversation in a range that an agent judged too early, too late or
   * for the wrong reason.
   */
  async evalCases(me: AgentRecord, q: EvalCasesQuery): Promise<string[]> {
    const { store } = this;
    let ids: string[];
    if (q.conversationId) {
      const c = await store.getConversation(q.conversationId);
      if (!c || c.siteId !== me.siteId) throw new BatonError('not_found', 'No such conversation.');
      ids = [c.id];
    } else {
      const r = dayRange(this.deps.clock(), q.from, q.to);
      ids = (await store.conversationsBetween(me.siteId, r.from, r.to, 50_000)).filter((c) => c.verdict && c.verdict !== 'right').map((c) => c.id);
    }
    const lines: string[] = [];
    for (const id of ids) {
      const [messages, events] = await Promise.all([store.listMessages(id, 0, 500), store.listEvents(id)]);
      try {
        lines.push(JSON.stringify(evalCaseFrom({ conversationId: id, messages, events, ...(q.trigger ? { correctTrigger: q.trigger } : {}) })));
      } catch (error) {
        if (q.conversationId) throw error; // one conversation: say why it cannot be exported
      }
    }
    await this.audit(me, 'conversations.exported', q.conversationId ?? null, { cases: lines.length });
    return lines;
  }
}
