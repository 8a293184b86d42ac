// Webhooks against a real local receiver: signed (checked with an independent HMAC), retried
// with backoff through failures and a server restart, delivered once per event id, logged with a
// "Resend"; an endpoint failing for a day is disabled and the admins are told; loopback targets
// are refused unless allowed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { NO_METER } from '../../src/observability.js';
import { assertDeliverable, WebhookDeliverer } from '../../src/service/webhooks.js';
import { storeFactories } from '../helpers/db.js';
import { login, request, SECRET, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

interface Received {
  id: string;
  type: string;
  body: string;
  signature: string;
  status: number;
}

function receiver(failFirst: number) {
  const received: Received[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls += 1;
      const status = calls <= failFirst ? 500 : 200;
      received.push({ id: String(req.headers['baton-event-id']), type: String(req.headers['baton-event-type']), body, signature: String(req.headers['baton-signature']), status });
      res.writeHead(status).end();
    });
  });
  /** From now on: fail the next `n` calls (Infinity: all), then succeed. */
  const failNext = (n: number) => (failFirst = calls + n);
  return new Promise<{ url: string; received: Received[]; close: () => Promise<void>; failNext: (n: number) => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, failNext, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

/** An independent check of `Baton-Signature: t=…,v1=…` as a receiver would write it. */
function verify(secret: string, header: string, body: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each(storeFactories)('webhooks on $name', (factory) => {
  let server: TestServer;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    offset = 0;
    for (const c of closers.splice(0)) await c();
    await server.close();
  });

  const admin = async () => (await login(server.url)).body.token as string;
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('signed deliveries survive failures and a restart, once per event id, with a delivery log and resend', async () => {
    server = await startServer(factory, { clock, allowPrivateWebhooks: true });
    const hook = await receiver(3);
    closers.push(hook.close);
    const token = await admin();
    expect(await api(token, 'POST', '/webhooks', { url: hook.url, events: ['bogus'] })).toMatchObject({ status: 400 });
    const created = await api(token, 'POST', '/webhooks', { url: hook.url, events: ['conversation.created', 'message.created', 'conversation.escalated'] });
    expect(created).toMatchObject({ status: 201, body: { secret: expect.stringMatching(/^whsec_/), webhook: { active: true } } });
    const secret = created.body.secret as string;

    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'w1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    await server.app.service.idle();

    // First pass: the receiver fails; the app restarts on the same database before the retries.
    await server.app.runJobs();
    expect(hook.received.length).toBeGreaterThan(0);
    await server.app.close();
    const restarted = await createApp({ store: server.store, bots: () => ({ name: 'none', turn: async () => { throw new Error('unused'); } }), secret: SECRET, logger: createLogger('silent'), clock, jobPollMs: 0, allowPrivateWebhooks: true });
    server.app = restarted;
    for (let i = 0; i < 12; i++) {
      offset += 2 * 3600_000;
      await restarted.runJobs();
    }

    const delivered = hook.received.filter((r) => r.status === 200);
    const ids = delivered.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // once per event id
    const types = delivered.map((r) => r.type);
    expect(types).toContain('conversation.created');
    expect(types).toContain('conversation.escalated');
    expect(types.filter((t) => t === 'message.created').length).toBeGreaterThanOrEqual(2);
    for (const r of hook.received) {
      const sent = Number(/t=(\d+)/.exec(r.signature)![1]);
      expect(verify(secret, r.signature, r.body, sent)).toBe(true);
      expect(verify('whsec_wrong', r.signature, r.body, sent)).toBe(false);
      expect(JSON.parse(r.body)).toMatchObject({ id: r.id, type: r.type, createdAt: expect.any(String), data: expect.any(Object) });
    }
    const escalated = JSON.parse(delivered.find((r) => r.type === 'conversation.escalated')!.body);
    expect(escalated.data.conversation.handoff).toMatchObject({ trigger: 'visitor_request' });
  });

  it('the delivery log and resend; failing for a day disables the endpoint and tells the admins', async () => {
    server = await startServer(factory, { clock, allowPrivateWebhooks: true });
    const hook = await receiver(Number.POSITIVE_INFINITY);
    closers.push(hook.close);
    let token = await admin();
    const created = await api(token, 'POST', '/webhooks', { url: hook.url, events: ['message.created'] });
    const id = created.body.webhook.id as string;
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'd1', body: 'How long does shipping take?' });
    await server.app.service.idle();
    await server.app.runJobs();
    const log = await api(token, 'GET', `/webhooks/${id}/deliveries`);
    expect(log, JSON.stringify(created.body)).toMatchObject({ status: 200 });
    expect(log.body.deliveries[0]).toMatchObject({ type: 'message.created', status: 'failed', attempts: 1, lastStatusCode: 500 });

    const before = hook.received.length;
    expect(await api(token, 'POST', `/webhooks/${id}/deliveries/${log.body.deliveries[0].id}/resend`)).toMatchObject({ status: 200 });
    await server.app.runJobs();
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)!.id).toBe(log.body.deliveries[0].eventId);

    for (let i = 0; i < 30; i++) {
      offset += 3600_000;
      await server.app.runJobs();
    }
    token = await admin(); // a day later: the earlier session has expired
    const endpoints = await api(token, 'GET', '/webhooks');
    expect(endpoints.body.webhooks[0]).toMatchObject({ active: false, disabledReason: expect.stringContaining('HTTP 500') });
    const audit = await api(token, 'GET', '/audit');
    expect(audit.body.entries.map((e: any) => e.action)).toContain('webhook.disabled');
    // Turned back on, the receiver fixed but failing once more: what was still failing is resumed
    // and what was given up is resent by hand. Each is 30 hours old now, yet its window starts
    // again, so that one more failure is retried, not given up, and everything arrives.
    const held = (await api(token, 'GET', `/webhooks/${id}/deliveries`)).body.deliveries as any[];
    const failing = held.filter((d) => d.status === 'failed');
    const dead = held.filter((d) => d.status === 'dead');
    expect(failing.length + dead.length).toBe(held.length);
    hook.failNext(held.length);
    const patched = await api(token, 'PATCH', `/webhooks/${id}`, { active: true });
    expect(patched).toMatchObject({ status: 200, body: { webhook: { active: true, disabledReason: null }, resumed: failing.length } });
    for (const d of dead) await api(token, 'POST', `/webhooks/${id}/deliveries/${d.id}/resend`);
    await server.app.runJobs();
    const statuses = async () => (await api(token, 'GET', `/webhooks/${id}/deliveries`)).body.deliveries.map((d: any) => d.status);
    expect(await statuses()).toEqual(held.map(() => 'failed'));
    for (let i = 0; i < 2; i++) {
      offset += 2 * 3600_000;
      await server.app.runJobs();
    }
    expect(await statuses()).toEqual(held.map(() => 'delivered'));
  });

  it('an endpoint turned back on gets what it missed while it was off, once per event id', async () => {
    server = await startServer(factory, { clock, allowPrivateWebhooks: true });
    const hook = await receiver(Number.POSITIVE_INFINITY);
    closers.push(hook.close);
    const token = await admin();
    const id = (await api(token, 'POST', '/webhooks', { url: hook.url, events: ['message.created'] })).body.webhook.id as string;
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'r1', body: 'How long does shipping take?' });
    await server.app.service.idle();
    await server.app.runJobs(); // fails: retried later
    // The admin turns it off while deliveries are still pending; they wait, not attempted.
    await api(token, 'PATCH', `/webhooks/${id}`, { active: false });
    const calls = hook.received.length;
    offset += 6 * 3600_000;
    await server.app.runJobs();
    expect(hook.received.length).toBe(calls);
    const waiting = (await api(token, 'GET', `/webhooks/${id}/deliveries`)).body.deliveries;
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((d: any) => d.status === 'pending' || d.status === 'failed')).toBe(true);

    // Back on (the receiver fixed): every one of them goes out now.
    hook.failNext(0);
    const patched = await api(token, 'PATCH', `/webhooks/${id}`, { active: true });
    expect(patched.body).toMatchObject({ ok: true, resumed: waiting.length });
    await server.app.runJobs();
    const after = (await api(token, 'GET', `/webhooks/${id}/deliveries`)).body.deliveries;
    expect(after.map((d: any) => d.status)).toEqual(waiting.map(() => 'delivered'));
    const ok = hook.received.filter((r) => r.status === 200).map((r) => r.id);
    expect(ok.sort()).toEqual(waiting.map((d: any) => d.eventId).sort());
    // Turning on an endpoint that is already on resumes nothing.
    expect((await api(token, 'PATCH', `/webhooks/${id}`, { active: true })).body).toMatchObject({ resumed: 0 });
  });

  it('a name that resolves to a public address when checked and to loopback when connecting is refused (DNS rebinding)', async () => {
    const { store, cleanup } = await factory.create();
    const hook = await receiver(0);
    try {
      const port = new URL(hook.url).port;
      const at = new Date().toISOString();
      const site = await store.upsertSite({ id: 's_rebind', key: 'rebind', name: 'Rebind', allowedOrigins: [], settings: {}, now: at });
      await store.createWebhookEndpoint({ id: 'we_rebind', siteId: site.id, url: `http://rebind.example:${port}/hooks`, secret: 'whsec', events: ['message.created'], createdAt: at });
      await store.insertWebhookDelivery({ id: 'whd_rebind', endpointId: 'we_rebind', eventId: 'evt_1', eventType: 'message.created', payload: '{}', status: 'pending', createdAt: at });
      const answers = [['93.184.216.34'], ['127.0.0.1']];
      const asked: string[] = [];
      const deliverer = new WebhookDeliverer({
        store,
        clock: () => new Date(),
        logger: createLogger('silent'),
        meter: NO_METER,
        allowPrivate: false,
        resolve: async (host) => (asked.push(host), answers[Math.min(asked.length - 1, 1)]!),
      });
      await deliverer.attempt('whd_rebind');
      expect(asked.length).toBeGreaterThanOrEqual(2); // checked, then looked up again to connect
      expect(hook.received).toHaveLength(0);
      expect(await store.getWebhookDelivery('whd_rebind')).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/private, loopback or link-local/) });
    } finally {
      await hook.close();
      await cleanup();
    }
  });

  it('an IPv6 address that carries a private IPv4 one, and the documentation and benchmark ranges, are refused (the check made when an endpoint is added and again on every connection)', async () => {
    const refused = [
      '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
      '64:ff9b::169.254.169.254',
      '::127.0.0.1', // IPv4-compatible
      '::a9fe:a9fe',
      '::ffff:7f00:1', // IPv4-mapped, hex spelling
      '2002:0a00:0001::1', // 6to4 of 10.0.0.1
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      '2001:db8::1',
      '64:ff9b:1::a00:1',
      '192.0.2.10',
      '198.18.0.1',
      '198.19.255.254',
      '203.0.113.9',
      '255.255.255.255',
    ];
    for (const address of refused) {
      const checked = await assertDeliverable('https://hooks.example/x', false, async () => [address]).then(() => 'accepted', (e: Error) => e.message);
      expect({ address, checked }).toEqual({ address, checked: expect.stringMatching(/private, loopback and link-local/) });
    }
    // The same addresses carrying public hosts are fine.
    for (const address of ['64:ff9b::808:808', '2002:808:808::1', '::ffff:93.184.216.34', '2606:4700::6810:85e5', '93.184.216.34']) {
      await expect(assertDeliverable('https://hooks.example/x', false, async () => [address]), address).resolves.toBeUndefined();
    }
    // Literal addresses in the URL, through the admin API.
    server = await startServer(factory);
    const token = await admin();
    for (const url of ['http://[64:ff9b::7f00:1]/x', 'http://[::ffff:7f00:1]/x', 'http://[2002:7f00:1::]/x', 'http://198.18.0.1/x']) {
      const res = await api(token, 'POST', '/webhooks', { url, events: ['message.created'] });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 400, code: 'bad_request' });
    }
  });

  it('a receiver that does not answer holds up no other endpoint (issue 19, item 3)', async () => {
    server = await startServer(factory, { allowPrivateWebhooks: true, jobPollMs: 20 });
    const fast = await receiver(0);
    closers.push(fast.close);
    let slowCalls = 0;
    const held: Array<() => void> = [];
    const slow = createServer((req, res) => {
      slowCalls += 1;
      held.push(() => res.writeHead(200).end());
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    closers.push(async () => {
      for (const release of held) release();
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    });
    const token = await admin();
    await api(token, 'POST', '/webhooks', { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`, events: ['message.created'] });
    await api(token, 'POST', '/webhooks', { url: fast.url, events: ['message.created'] });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 's1', body: 'Hello there' });
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(what()).toBe(true);
    };
    await until(() => slowCalls > 0 && fast.received.length > 0);
    // The slow receiver still holds its first delivery; later events reach the fast one all the same.
    await request(v.socket, 'message:send', { clientId: 's2', body: 'And another thing' });
    await until(() => fast.received.length >= 4);
    expect(slowCalls).toBe(1); // one at a time per endpoint
    // (That other kinds of job run meanwhile is jobs.test.ts's: they have a runner of their own.)
  });

  it('loopback and private targets are refused unless the server allows them', async () => {
    server = await startServer(factory);
    const token = await admin();
    for (const url of ['http://127.0.0.1:9/hooks', 'http://localhost/hooks', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'ftp://example.com/x', 'http://user:pw@example.com/x']) {
      const res = await api(token, 'POST', '/webhooks', { url, events: ['message.created'] });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 400, code: 'bad_request' });
    }
  });
});
