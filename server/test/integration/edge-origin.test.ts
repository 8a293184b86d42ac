// The console's door: only the console's own page (the host it was asked on, or PUBLIC_URL) may
// open the agent namespace or make a cookie-authenticated change; another site's page riding on
// an agent's cookie is refused with origin_not_allowed. Real server, real socket.io clients.
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { createBuiltinBot } from '../../src/bot/index.js';
import { seedDemo } from '../../src/demo.js';
import { createLogger } from '../../src/log.js';
import { sqliteFactory } from '../helpers/db.js';
import { connect, login, SECRET, startServer, type TestServer } from '../helpers/server.js';
import { resolve } from 'node:path';

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: Error & { data?: { code: string } }) => e.data?.code ?? e.message);

describe('the console only answers its own page', () => {
  let server: TestServer | undefined;
  let extra: { app: App; cleanup: () => Promise<void> } | undefined;
  afterEach(async () => {
    await server?.close();
    if (extra) {
      await extra.app.close();
      await extra.cleanup();
    }
    server = undefined;
    extra = undefined;
  });

  it('an agent socket from another origin is refused with origin_not_allowed, even with a valid session cookie', async () => {
    server = await startServer(sqliteFactory);
    const { cookie, body } = await login(server.url);
    const sessionCookie = cookie!.split(';')[0]!;
    expect(await refusal(connect(server.url, '/agent', {}, { cookie: sessionCookie, origin: 'https://evil.example' }))).toBe('origin_not_allowed');
    expect(await refusal(connect(server.url, '/agent', { token: body.token }, { origin: 'http://127.0.0.1:1' }))).toBe('origin_not_allowed');
    // The console's own page (the host it came to), and clients that are not browsers, get in.
    expect(await refusal(connect(server.url, '/agent', {}, { cookie: sessionCookie, origin: server.url }))).toBeNull();
    expect(await refusal(connect(server.url, '/agent', { token: body.token }))).toBeNull();
  });

  it('behind a proxy: the PUBLIC_URL origin is the console; X-Forwarded-Proto counts only from a trusted proxy', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    await seedDemo(store, { now: new Date().toISOString(), secret: SECRET });
    const bot = await createBuiltinBot({ siteDir: resolve(import.meta.dirname, '../../sites/demo') });
    const app = await createApp({ store, bots: () => bot, secret: SECRET, logger: createLogger('silent'), jobPollMs: 0, publicUrl: 'https://chat.example.com/' });
    extra = { app, cleanup };
    const { url } = await app.listen(0, '127.0.0.1');
    const { body, cookie } = await login(url);
    const host = new URL(url).host;
    expect(await refusal(connect(url, '/agent', { token: body.token }, { origin: 'https://chat.example.com' }))).toBeNull();
    expect(await refusal(connect(url, '/agent', { token: body.token }, { origin: 'https://chat.example.com.evil.example' }))).toBe('origin_not_allowed');
    // The proxy on loopback (trusted by default) says the page was https on this host.
    expect(await refusal(connect(url, '/agent', { token: body.token }, { origin: `https://${host}`, 'x-forwarded-proto': 'https' }))).toBeNull();
    expect(await refusal(connect(url, '/agent', { token: body.token }, { origin: `https://${host}` }))).toBe('origin_not_allowed');
    // REST: the same rule for cookie-authenticated changes.
    const patch = (origin: string) =>
      fetch(`${url}/api/admin/site`, {
        method: 'PATCH',
        headers: { cookie: cookie!.split(';')[0]!, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ settings: { routing: 'auto' } }),
      });
    expect((await patch('https://chat.example.com')).status).toBe(200);
    // Set-password links point at the console's public address, whatever Host the request named.
    const invited = await fetch(`${url}/api/admin/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.token}`, 'content-type': 'application/json', 'x-forwarded-host': 'evil.example' },
      body: JSON.stringify({ email: 'new@demo.test', name: 'New', role: 'agent' }),
    }).then((r) => r.json() as Promise<any>);
    expect(invited.setPasswordUrl).toMatch(/^https:\/\/chat\.example\.com\/console\/set-password#/);
    const evil = await patch('https://evil.example');
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ ok: false, error: { code: 'origin_not_allowed' } });
  });

  it('a cookie-authenticated change without Origin but marked cross-site by the browser is refused', async () => {
    server = await startServer(sqliteFactory);
    const { cookie } = await login(server.url);
    const res = await fetch(`${server.url}/api/agent/logout`, { method: 'POST', headers: { cookie: cookie!.split(';')[0]!, 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    // The session is still good: the forged sign-out did nothing.
    const me = await fetch(`${server.url}/api/agent/me`, { headers: { cookie: cookie!.split(';')[0]! } });
    expect(me.status).toBe(200);
  });
});

describe('/healthz', () => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('says the process is up, and tells its process id to nobody beyond this machine', async () => {
    // A proxy on loopback is trusted (the default): what it forwards is the caller's address.
    server = await startServer(sqliteFactory);
    const remote = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(remote.status).toBe(200);
    expect(await remote.json()).toEqual({ ok: true });
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, node: process.pid });
  });
});
