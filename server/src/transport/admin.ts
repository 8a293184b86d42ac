// The admin API over HTTP: each route parses its input with the shared schemas, calls the admin
// service (service/admin.ts) and answers. Only admins of the site; an agent's session gets
// `forbidden`, no session `unauthorized` — checked before the input is read.
import { AgentPatchBody, ApiKeyBody, DrillQuery, EvalCasesQuery, InviteBody, MetricsQuery, PersonQuery, SetPasswordBody, SitePatchBody, WebhookBody, WebhookPatch } from '@baton/shared';
import express, { type Request, type Router } from 'express';
import { type AdminDeps, AdminService } from '../service/admin.js';
import { metricsService } from '../service/metrics.js';
import { route, sessionToken } from './http.js';
import { parseInput } from './input.js';

/** Where the request came in: set-password links use it when PUBLIC_URL is unset. */
const requestOrigin = (req: Request) => `${req.protocol}://${req.get('host')}`;
const param = (req: Request, name: string) => String(req.params[name]);

export function adminRouter(deps: AdminDeps): Router {
  const { logger } = deps;
  const service = new AdminService(deps);
  const metrics = metricsService(deps.store, deps.clock);
  const admin = (req: Request) => service.adminFor(sessionToken(req));
  const router = express.Router();

  router.get(
    '/agents',
    route(logger, 'admin.agents', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, agents: await service.agents(me) });
    }),
  );
  router.post(
    '/agents',
    route(logger, 'admin.invite', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(InviteBody, req.body);
      res.status(201).json({ ok: true, ...(await service.invite(me, body, requestOrigin(req))) });
    }),
  );
  router.patch(
    '/agents/:id',
    route(logger, 'admin.agent', async (req, res) => {
      const me = await admin(req);
      const target = await service.agent(me, param(req, 'id'));
      const patch = parseInput(AgentPatchBody, req.body);
      res.json({ ok: true, agent: await service.updateAgent(me, target, patch) });
    }),
  );
  router.post(
    '/agents/:id/password-link',
    route(logger, 'admin.reset', async (req, res) => {
      const me = await admin(req);
      const target = await service.agent(me, param(req, 'id'));
      res.json({ ok: true, setPasswordUrl: service.passwordLink(target, requestOrigin(req)) });
    }),
  );

  router.get(
    '/site',
    route(logger, 'admin.site', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, site: await service.site(me) });
    }),
  );
  router.patch(
    '/site',
    route(logger, 'admin.site.update', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(SitePatchBody, req.body);
      res.json({ ok: true, site: await service.updateSite(me, body) });
    }),
  );
  router.post(
    '/site/identity-secret',
    route(logger, 'admin.identity-secret', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await service.rotateIdentitySecret(me)) });
    }),
  );

  router.get(
    '/visitors/:id/export',
    route(logger, 'admin.visitor-export', async (req, res) => {
      const me = await admin(req);
      const data = await service.exportVisitor(me, param(req, 'id'));
      res.set('content-disposition', `attachment; filename="visitor-${data.visitor.id}.json"`);
      res.json({ ok: true, ...data });
    }),
  );
  router.post(
    '/visitors/:id/erase',
    route(logger, 'admin.visitor-erase', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await service.eraseVisitor(me, param(req, 'id'))) });
    }),
  );
  // A person rather than a browser: every visitor with this email or user id.
  router.post(
    '/people/export',
    route(logger, 'admin.person-export', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await service.exportPerson(me, parseInput(PersonQuery, req.body))) });
    }),
  );
  router.post(
    '/people/erase',
    route(logger, 'admin.person-erase', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await service.erasePerson(me, parseInput(PersonQuery, req.body))) });
    }),
  );
  router.get(
    '/audit',
    route(logger, 'admin.audit', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, entries: await service.auditLog(me) });
    }),
  );

  router.get(
    '/webhooks',
    route(logger, 'admin.webhooks', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, webhooks: await service.webhooks(me) });
    }),
  );
  router.post(
    '/webhooks',
    route(logger, 'admin.webhook-create', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(WebhookBody, req.body);
      res.status(201).json({ ok: true, ...(await service.createWebhook(me, body)) });
    }),
  );
  router.patch(
    '/webhooks/:id',
    route(logger, 'admin.webhook-update', async (req, res) => {
      const me = await admin(req);
      const endpoint = await service.endpoint(me, param(req, 'id'));
      const patch = parseInput(WebhookPatch, req.body);
      res.json({ ok: true, ...(await service.updateWebhook(me, endpoint, patch)) });
    }),
  );
  router.get(
    '/webhooks/:id/deliveries',
    route(logger, 'admin.webhook-deliveries', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, deliveries: await service.deliveries(me, param(req, 'id')) });
    }),
  );
  router.post(
    '/webhooks/:id/deliveries/:deliveryId/resend',
    route(logger, 'admin.webhook-resend', async (req, res) => {
      const me = await admin(req);
      await service.resend(me, param(req, 'id'), param(req, 'deliveryId'));
      res.json({ ok: true });
    }),
  );

  router.get(
    '/api-keys',
    route(logger, 'admin.api-keys', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, keys: await service.apiKeys(me) });
    }),
  );
  router.post(
    '/api-keys',
    route(logger, 'admin.api-key-create', async (req, res) => {
      const me = await admin(req);
      const body = parseInput(ApiKeyBody, req.body);
      res.status(201).json({ ok: true, ...(await service.createApiKey(me, body)) });
    }),
  );
  router.delete(
    '/api-keys/:id',
    route(logger, 'admin.api-key-revoke', async (req, res) => {
      const me = await admin(req);
      await service.revokeApiKey(me, param(req, 'id'));
      res.json({ ok: true });
    }),
  );

  router.get(
    '/metrics',
    route(logger, 'admin.metrics', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await metrics.report(me.siteId, parseInput(MetricsQuery, req.query))) });
    }),
  );
  // Every conversation behind one number of the report (same range and filters), page by page.
  router.get(
    '/metrics/conversations',
    route(logger, 'admin.metrics-conversations', async (req, res) => {
      const me = await admin(req);
      res.json({ ok: true, ...(await metrics.conversations(me.siteId, parseInput(DrillQuery, req.query))) });
    }),
  );
  // Judged escalations as eval cases for `pnpm eval:policy`, as JSONL.
  router.get(
    '/eval-cases',
    route(logger, 'admin.eval-cases', async (req, res) => {
      const me = await admin(req);
      const lines = await service.evalCases(me, parseInput(EvalCasesQuery, req.query));
      res.type('application/x-ndjson').set('content-disposition', 'attachment; filename="baton-eval-cases.jsonl"');
      res.send(lines.length ? `${lines.join('\n')}\n` : '');
    }),
  );

  return router;
}

/** POST /api/agent/set-password: the invited (or reset) agent chooses a password; the link then stops working. */
export function setPasswordRoute(deps: AdminDeps) {
  const service = new AdminService(deps);
  return route(deps.logger, 'set-password', async (req, res) => {
    await service.setPassword(parseInput(SetPasswordBody, req.body));
    res.json({ ok: true });
  });
}
