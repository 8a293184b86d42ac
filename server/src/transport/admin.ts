// The admin API: agents (invite with a set-password link shown once, role, teams, capacity,
// deactivate) and the site's settings. Only admins of the site; an agent's session gets
// `forbidden`, no session `unauthorized`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BatonError } from '@baton/shared';
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { ROTATION_GRACE_MS } from '../auth/identity.js';
import { seal } from '../auth/sealed.js';
import { hashPassword } from '../auth/password.js';
import type { Logger } from '../log.js';
import { SiteSettingsSchema } from '../service/settings.js';
import type { AgentRecord, ApiKeyRecord, Store, WebhookEndpoint } from '../store/types.js';
import { API_SCOPES, hashApiKey } from './public-api.js';
import { assertDeliverable, WEBHOOK_EVENTS, type WebhookDeliverer } from '../service/webhooks.js';
import { evalCaseFrom } from '../metrics/eval-export.js';
import { publicAgent, route, sessionToken } from './http.js';
import { Day, dayRange, parseInput } from './input.js';
import { metricsApi, TriggerName } from './metrics-api.js';
import type { Sessions } from './sessions.js';

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

// A set-password token is bound to the agent's current password hash: using it changes the
// hash, so it works once; it also expires.
function sign(secret: string, agentId: string, exp: number, passwordHash: string) {
  return createHmac('sha256', secret).update(`set-password|${agentId}|${exp}|${passwordHash}`).digest('base64url');
}
export function setPasswordToken(secret: string, agent: AgentRecord, exp: number): string {
  return `${agent.id}.${exp}.${sign(secret, agent.id, exp, agent.passwordHash)}`;
}

const Email = z.string().trim().toLowerCase().email('a valid email address').max(254);
const Teams = z.array(z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, - and _')).max(20);
const InviteBody = z.object({
  email: Email,
  name: z.string().trim().min(1).max(80),
  role: z.enum(['agent', 'admin']).default('agent'),
  teams: Teams.default([]),
  capacity: z.number().int().min(1).max(50).nullable().default(null),
});
const AgentPatchBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    role: z.enum(['agent', 'admin']),
    active: z.boolean(),
    teams: Teams,
    capacity: z.number().int().min(1).max(50).nullable(),
  })
  .partial()
  .strict();
const Origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin such as https://shop.example or http://localhost:*');
const Appearance = z.object({
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #4f46e5'),
  greeting: z.string().max(300),
  launcherLabel: z.string().max(40),
  position: z.enum(['left', 'right']),
  cannedResponses: z.array(z.object({ shortcut: z.string().min(1).max(40), body: z.string().min(1).max(4000) })).max(200),
});
const SitePatchBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    allowedOrigins: z.array(Origin).max(50),
    settings: SiteSettingsSchema.omit({ identitySecret: true, identitySecretPrevious: true, identitySecretRotatedAt: true }).partial().extend(Appearance.partial().shape).strict(),
  })
  .partial()
  .strict();
const ExportQuery = z
  .object({
    conversationId: z.string().max(64).optional(),
    from: Day.optional(),
    to: Day.optional(),
    trigger: TriggerName.exclude(['agent_initiated']).optional(),
  })
  .strict();


const SetPasswordBody = z.object({ token: z.string().min(1).max(512), password: z.string().min(10, 'at least 10 characters').max(256) });


const adminAgent = (a: AgentRecord) => ({ ...publicAgent(a), active: a.active, teams: a.teams, capacity: a.capacity, presence: a.presence });

export function adminRouter(deps: AdminDeps): Router {
  const { store, sessions, logger } = deps;
  const router = express.Router();

  async function admin(req: Request): Promise<AgentRecord> {
    const token = sessionToken(req);
    const agent = token ? await sessions.agentFor(token) : null;
    if (!agent) throw new BatonError('unauthorized', 'Sign in as an admin.');
    if (agent.role !== 'admin') throw new BatonError('forbidden', 'Only admins can do this.');
    return agent;
  }
  async function siteAgent(me: AgentRecord, id: string): Promise<AgentRecord> {
    const agent = await store.getAgent(id);
    if (!agent || agent.siteId !== me.siteId) throw new BatonError('not_found', 'No such agent.');
    return agent;
  }
  const link = (req: Request, agent: AgentRecord) => {
    const exp = deps.clock().getTime() + INVITE_TTL_MS;
    const base = deps.publicUrl ? new URL(deps.publicUrl).origin : `${req.protocol}://${req.get('host')}`;
    return `${base}/console/set-password#${setPasswordToken(deps.secret, agent, exp)}`;
  };

  router.get(
    '/agents',
    route(logger, 'admin.agents', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, agents: (await store.listAgents(me.siteId)).map(adminAgent) });
    }),
  );

  router.post(
    '/agents',
    route(logger, 'admin.invite', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(InviteBody, req.body);
      if (await store.getAgentByEmail(body.email)) throw new BatonError('conflict', 'An agent with this email already exists.');
      // No usable password until the invited agent sets one through the link.
      const agent = await store.ensureAgent({
        id: deps.newId('agent'),
        siteId: me.siteId,
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: `unset:${randomBytes(16).toString('hex')}`,
        active: true,
        teams: body.teams,
        capacity: body.capacity,
        now: deps.clock().toISOString(),
      });
      logger.info({ by: me.id, agent: agent.id }, 'agent invited');
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'agent.invited', target: agent.id, data: { role: agent.role }, at: deps.clock().toISOString() });
      res.status(201).json({ ok: true, agent: adminAgent(agent), setPasswordUrl: link(req, agent) });
    }),
  );

  router.patch(
    '/agents/:id',
    route(logger, 'admin.agent', async (req, res) => {
      const me = await admin(req);
      const target = await siteAgent(me, String(req.params.id));
      const patch = parseInput(AgentPatchBody, req.body);
      if (target.id === me.id && (patch.active === false || patch.role === 'agent')) {
        throw new BatonError('bad_request', 'You cannot deactivate or demote yourself; ask another admin.');
      }
      const updated = await store.updateAgent(target.id, patch);
      if (patch.active === false) {
        await store.deleteSessionsOf(target.id);
        deps.disconnectAgent(target.id);
      }
      logger.info({ by: me.id, agent: target.id, fields: Object.keys(patch) }, 'agent updated');
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'agent.updated', target: target.id, data: patch, at: deps.clock().toISOString() });
      res.json({ ok: true, agent: adminAgent(updated!) });
    }),
  );

  router.post(
    '/agents/:id/password-link',
    route(logger, 'admin.reset', async (req, res) => {
      const me = await admin(req);
      const target = await siteAgent(me, String(req.params.id));
      res.json({ ok: true, setPasswordUrl: link(req, target) });
    }),
  );

  router.get(
    '/site',
    route(logger, 'admin.site', async (req, res) => {
      const me = await admin(req);
      const site = (await store.getSite(me.siteId))!;
      const { identitySecret, identitySecretPrevious: _previous, ...settings } = site.settings;
      res.json({ ok: true, site: { key: site.key, name: site.name, allowedOrigins: site.allowedOrigins, settings, identitySecretSet: typeof identitySecret === 'string' } });
    }),
  );

  router.patch(
    '/site',
    route(logger, 'admin.site.update', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(SitePatchBody, req.body);
      const site = (await store.getSite(me.siteId))!;
      const updated = await store.upsertSite({
        id: site.id,
        key: site.key,
        name: body.name ?? site.name,
        allowedOrigins: body.allowedOrigins ?? site.allowedOrigins,
        settings: { ...site.settings, ...(body.settings ?? {}) },
        now: site.createdAt,
      });
      const { identitySecret: _secret, identitySecretPrevious: _previous, ...settings } = updated.settings;
      logger.info({ by: me.id, fields: Object.keys(body) }, 'site updated');
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'site.updated', target: null, data: { fields: Object.keys(body), settings: Object.keys(body.settings ?? {}) }, at: deps.clock().toISOString() });
      res.json({ ok: true, site: { key: updated.key, name: updated.name, allowedOrigins: updated.allowedOrigins, settings } });
    }),
  );

  // A new identity secret, shown once; the old one keeps working for the grace period.
  router.post(
    '/site/identity-secret',
    route(logger, 'admin.identity-secret', async (req, res) => {
      const me = await admin(req);
      const site = (await store.getSite(me.siteId))!;
      const fresh = randomBytes(32).toString('base64url');
      const previous = typeof site.settings.identitySecret === 'string' ? site.settings.identitySecret : undefined;
      await store.upsertSite({
        ...site,
        settings: {
          ...site.settings,
          identitySecret: seal(deps.secret, fresh),
          ...(previous ? { identitySecretPrevious: previous, identitySecretRotatedAt: deps.clock().toISOString() } : {}),
        },
        now: site.createdAt,
      });
      logger.info({ by: me.id }, 'identity secret rotated');
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'identity_secret.rotated', target: null, data: {}, at: deps.clock().toISOString() });
      res.json({ ok: true, identitySecret: fresh, previousValidUntil: previous ? new Date(deps.clock().getTime() + ROTATION_GRACE_MS).toISOString() : null });
    }),
  );

  // Data-protection requests: everything about one visitor, or erase it.
  async function siteVisitor(me: AgentRecord, id: string) {
    const visitor = await store.getVisitor(id);
    if (!visitor || visitor.siteId !== me.siteId) throw new BatonError('not_found', 'No such visitor.');
    return visitor;
  }
  router.get(
    '/visitors/:id/export',
    route(logger, 'admin.visitor-export', async (req, res) => {
      const me = await admin(req);
      const visitor = await siteVisitor(me, String(req.params.id));
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
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'visitor.exported', target: visitor.id, data: { conversations: out.length }, at: deps.clock().toISOString() });
      res.set('content-disposition', `attachment; filename="visitor-${visitor.id}.json"`);
      res.json({ ok: true, visitor: { id: visitor.id, firstSeen: visitor.createdAt, lastSeen: visitor.lastSeenAt, profile: visitor.profile, context: visitor.context }, conversations: out });
    }),
  );
  router.post(
    '/visitors/:id/erase',
    route(logger, 'admin.visitor-erase', async (req, res) => {
      const me = await admin(req);
      const visitor = await siteVisitor(me, String(req.params.id));
      const erased = await store.eraseVisitor(visitor.id);
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'visitor.erased', target: visitor.id, data: erased, at: deps.clock().toISOString() });
      logger.info({ by: me.id, visitor: visitor.id, ...erased }, 'visitor erased');
      res.json({ ok: true, ...erased });
    }),
  );
  router.get(
    '/audit',
    route(logger, 'admin.audit', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, entries: await store.listAudit(me.siteId, 500) });
    }),
  );

  // Webhooks: endpoints (the signing secret is shown once), their delivery log, and "Resend".
  const WebhookBody = z
    .object({ url: z.string().url('a URL').max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length) })
    .strict();
  const WebhookPatch = z.object({ url: z.string().url('a URL').max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1), active: z.boolean() }).partial().strict();
  const publicEndpoint = (e: WebhookEndpoint) => ({ id: e.id, url: e.url, events: e.events, active: e.active, failingSince: e.failingSince, disabledReason: e.disabledReason, createdAt: e.createdAt });
  async function siteEndpoint(me: AgentRecord, id: string) {
    const e = await store.getWebhookEndpoint(id);
    if (!e || e.siteId !== me.siteId) throw new BatonError('not_found', 'No such webhook.');
    return e;
  }
  router.get(
    '/webhooks',
    route(logger, 'admin.webhooks', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, webhooks: (await store.listWebhookEndpoints(me.siteId)).map(publicEndpoint) });
    }),
  );
  router.post(
    '/webhooks',
    route(logger, 'admin.webhook-create', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(WebhookBody, req.body);
      await assertDeliverable(body.url, deps.allowPrivateWebhooks);
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const endpoint = await store.createWebhookEndpoint({ id: deps.newId('wh'), siteId: me.siteId, url: body.url, secret, events: body.events, createdAt: deps.clock().toISOString() });
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'webhook.created', target: endpoint.id, data: { url: body.url, events: body.events }, at: deps.clock().toISOString() });
      res.status(201).json({ ok: true, webhook: publicEndpoint(endpoint), secret });
    }),
  );
  router.patch(
    '/webhooks/:id',
    route(logger, 'admin.webhook-update', async (req, res) => {
      const me = await admin(req);
      const endpoint = await siteEndpoint(me, String(req.params.id));
      const patch = parseInput(WebhookPatch, req.body);
      if (patch.url) await assertDeliverable(patch.url, deps.allowPrivateWebhooks);
      const updated = await store.updateWebhookEndpoint(endpoint.id, { ...patch, ...(patch.active ? { failingSince: null, disabledReason: null } : {}) });
      // Turned back on: what it missed while off goes out now.
      const resumed = patch.active && !endpoint.active ? await deps.webhooks.resume(endpoint.id) : 0;
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'webhook.updated', target: endpoint.id, data: { ...patch, ...(resumed ? { resumed } : {}) }, at: deps.clock().toISOString() });
      res.json({ ok: true, webhook: publicEndpoint(updated!), resumed });
    }),
  );
  router.get(
    '/webhooks/:id/deliveries',
    route(logger, 'admin.webhook-deliveries', async (req, res) => {
      const me = await admin(req);
      const endpoint = await siteEndpoint(me, String(req.params.id));
      const deliveries = await store.listWebhookDeliveries(endpoint.id, 200);
      res.json({
        ok: true,
        deliveries: deliveries.map((d) => ({ id: d.id, eventId: d.eventId, type: d.eventType, status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, createdAt: d.createdAt, updatedAt: d.updatedAt })),
      });
    }),
  );
  router.post(
    '/webhooks/:id/deliveries/:deliveryId/resend',
    route(logger, 'admin.webhook-resend', async (req, res) => {
      const me = await admin(req);
      const endpoint = await siteEndpoint(me, String(req.params.id));
      const delivery = await store.getWebhookDelivery(String(req.params.deliveryId));
      if (!delivery || delivery.endpointId !== endpoint.id) throw new BatonError('not_found', 'No such delivery.');
      await deps.webhooks.resend(delivery.id);
      res.json({ ok: true });
    }),
  );

  // API keys for site owners: shown once, stored as a hash, revocable.
  const ApiKeyBody = z.object({ name: z.string().trim().min(1).max(80), scopes: z.array(z.enum(API_SCOPES)).min(1) }).strict();
  const publicKey = (k: ApiKeyRecord) => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.createdAt, revokedAt: k.revokedAt, lastUsedAt: k.lastUsedAt });
  router.get(
    '/api-keys',
    route(logger, 'admin.api-keys', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, keys: (await store.listApiKeys(me.siteId)).map(publicKey) });
    }),
  );
  router.post(
    '/api-keys',
    route(logger, 'admin.api-key-create', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(ApiKeyBody, req.body);
      const key = `bk_${randomBytes(24).toString('base64url')}`;
      const record = { id: deps.newId('key'), siteId: me.siteId, name: body.name, prefix: key.slice(0, 10), hash: hashApiKey(key), scopes: body.scopes, createdAt: deps.clock().toISOString() };
      await store.createApiKey(record);
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'api_key.created', target: record.id, data: { scopes: body.scopes }, at: record.createdAt });
      res.status(201).json({ ok: true, key, apiKey: publicKey({ ...record, revokedAt: null, lastUsedAt: null }) });
    }),
  );
  router.delete(
    '/api-keys/:id',
    route(logger, 'admin.api-key-revoke', async (req, res) => {
      const me = await admin(req);
      if (!(await store.revokeApiKey(String(req.params.id), me.siteId, deps.clock().toISOString()))) throw new BatonError('not_found', 'No such key.');
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'api_key.revoked', target: String(req.params.id), data: {}, at: deps.clock().toISOString() });
      res.json({ ok: true });
    }),
  );

  const metrics = metricsApi(store, deps.clock);
  router.get(
    '/metrics',
    route(logger, 'admin.metrics', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await metrics.report(me.siteId, req.query)) });
    }),
  );

  // Every conversation behind one number of the report (same range and filters), page by page.
  router.get(
    '/metrics/conversations',
    route(logger, 'admin.metrics-conversations', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await metrics.conversations(me.siteId, req.query)) });
    }),
  );

  // Judged escalations as labelled cases for `pnpm eval:policy` (JSONL): one conversation, or every
  // conversation in a range that an agent judged too early, too late or for the wrong reason.
  router.get(
    '/eval-cases',
    route(logger, 'admin.eval-cases', async (req, res) => {
      const me = await admin(req);
      const q = parseInput(ExportQuery, req.query);
      let ids: string[];
      if (q.conversationId) {
        const c = await store.getConversation(q.conversationId);
        if (!c || c.siteId !== me.siteId) throw new BatonError('not_found', 'No such conversation.');
        ids = [c.id];
      } else {
        const r = dayRange(deps.clock(), q.from, q.to);
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
      await store.recordAudit({ siteId: me.siteId, actorId: me.id, action: 'conversations.exported', target: q.conversationId ?? null, data: { cases: lines.length }, at: deps.clock().toISOString() });
      res.type('application/x-ndjson').set('content-disposition', 'attachment; filename="baton-eval-cases.jsonl"');
      res.send(lines.length ? `${lines.join('\n')}\n` : '');
    }),
  );

  return router;
}

/** POST /api/agent/set-password: the invited (or reset) agent chooses a password; the link then stops working. */
export function setPasswordRoute(deps: AdminDeps) {
  return route(deps.logger, 'set-password', async (req, res) => {
    const body = parseInput(SetPasswordBody, req.body);
    const [agentId = '', expText = '', mac = ''] = body.token.split('.');
    const exp = Number(expText);
    const agent = agentId ? await deps.store.getAgent(agentId) : null;
    const expected = agent ? sign(deps.secret, agent.id, exp, agent.passwordHash) : '';
    const valid =
      agent !== null &&
      agent.active &&
      Number.isFinite(exp) &&
      exp > deps.clock().getTime() &&
      mac.length === expected.length &&
      timingSafeEqual(Buffer.from(mac), Buffer.from(expected));
    if (!valid) throw new BatonError('invalid_token', 'This link is invalid, expired or already used. Ask an admin for a new one.');
    await deps.store.updateAgent(agent.id, { passwordHash: await hashPassword(body.password) });
    await deps.store.deleteSessionsOf(agent.id);
    // A new password ends every session, and the consoles still open with them.
    deps.disconnectAgent(agent.id);
    res.json({ ok: true });
  });
}
