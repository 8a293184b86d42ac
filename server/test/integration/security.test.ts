// Abuse controls and web security over the real server: rate limits trip and recover, sign-in
// locks without revealing which accounts exist, security headers, CSRF, and logs free of secrets.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createLogger } from '../../src/log.js';
import { sqliteFactory } from '../helpers/db.js';
import { connect, login, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

describe('abuse controls and web security', () => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('visitor messages: too fast is refused with a retry time, nothing is lost, then it recovers', async () => {
    server = await startServer(sqliteFactory, { limits: { visitorMessage: { points: 3, duration: 1 } } });
    const v = await visitor(server.url);
    for (let i = 1; i <= 3; i++) expect(await request(v.socket, 'message:send', { clientId: `f${i}`, body: `hello ${i}` })).toMatchObject({ ok: true });
    const refused = await request(v.socket, 'message:send', { clientId: 'f4', body: 'hello 4' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } } });
    expect(refused.error.message).toMatch(/kept/);
    await new Promise((r) => setTimeout(r, refused.error.details.retryAfterMs + 50));
    expect(await request(v.socket, 'message:send', { clientId: 'f4', body: 'hello 4' })).toMatchObject({ ok: true });
    await server.app.service.idle();
    const conversation = (await server.store.latestConversation(v.visitorId))!;
    const bodies = (await server.store.listMessages(conversation.id, 0, 50)).filter((m) => m.author.kind === 'visitor').map((m) => m.body);
    expect(bodies).toEqual(['hello 1', 'hello 2', 'hello 3', 'hello 4']);
  });

  it("a site's own pace for visitor messages", async () => {
    server = await startServer(sqliteFactory, { settings: { visitorMessagesPer10s: 2 } });
    const v = await visitor(server.url);
    for (let i = 1; i <= 2; i++) expect(await request(v.socket, 'message:send', { clientId: `s${i}`, body: `hi ${i}` })).toMatchObject({ ok: true });
    expect(await request(v.socket, 'message:send', { clientId: 's3', body: 'hi 3' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('new conversations per network are capped', async () => {
    server = await startServer(sqliteFactory, { limits: { conversationPerIp: { points: 2, duration: 60 } } });
    for (let i = 0; i < 2; i++) {
      const v = await visitor(server.url);
      expect(await request(v.socket, 'message:send', { clientId: 'n1', body: 'hi' })).toMatchObject({ ok: true });
    }
    const third = await visitor(server.url);
    expect(await request(third.socket, 'message:send', { clientId: 'n1', body: 'hi' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('behind a trusted proxy each visitor address has its own cap; an untrusted peer cannot pick one', async () => {
    const fresh = async (headers: Record<string, string>) => {
      const c = await connect(server.url, '/visitor', { siteKey: 'demo' }, headers);
      return request(c.socket, 'message:send', { clientId: 'n1', body: 'hi' });
    };
    // Trusted (the default: a proxy on loopback, as nginx on the same machine): the forwarded client counts.
    server = await startServer(sqliteFactory, { limits: { conversationPerIp: { points: 1, duration: 60 } } });
    expect(await fresh({ 'x-forwarded-for': '203.0.113.7' })).toMatchObject({ ok: true });
    expect(await fresh({ 'x-forwarded-for': '203.0.113.8' })).toMatchObject({ ok: true });
    expect(await fresh({ 'x-forwarded-for': '203.0.113.7' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    await server.close();
    // Nobody trusted (TRUST_PROXY set to a proxy elsewhere): a forged header changes nothing.
    server = await startServer(sqliteFactory, { limits: { conversationPerIp: { points: 1, duration: 60 } }, trustProxy: ['10.9.9.9'] });
    expect(await fresh({ 'x-forwarded-for': '198.51.100.1' })).toMatchObject({ ok: true });
    expect(await fresh({ 'x-forwarded-for': '198.51.100.2' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('sign-in: locked after repeated failures, with the same answers for unknown accounts', async () => {
    server = await startServer(sqliteFactory, { limits: { loginPerAccount: { points: 3, duration: 60, blockDuration: 60 } } });
    const known = [];
    const unknown = [];
    for (let i = 0; i < 3; i++) {
      known.push(await login(server.url, 'agent@demo.test', 'wrong-password'));
      unknown.push(await login(server.url, 'nobody@demo.test', 'wrong-password'));
    }
    expect(known.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(unknown.map((r) => r.body)).toEqual(known.map((r) => r.body));
    // Locked now — even the right password waits — and the unknown account looks the same.
    const locked = await login(server.url, 'agent@demo.test', 'baton-demo');
    const lockedUnknown = await login(server.url, 'nobody@demo.test', 'baton-demo');
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(lockedUnknown.status).toBe(429);
    expect(lockedUnknown.body.error.message).toBe(locked.body.error.message);
    // Locked for that address only (issue 19, item 12): someone who knows the email cannot lock
    // the agent out from elsewhere. The admins see it in the audit log.
    const elsewhere = await fetch(`${server.url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.23' }, body: JSON.stringify({ email: 'agent@demo.test', password: 'baton-demo' }) });
    expect(elsewhere.status).toBe(200);
    const audit = await server.store.listAudit((await server.store.getSiteByKey('demo'))!.id, 20);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'agent.sign_in_locked', data: expect.objectContaining({ ip: expect.any(String) }) }));
  });

  it('headers: a strict CSP for the console, nosniff, no framing; the widget stays embeddable', async () => {
    // Static files as the build lays them out (the suite runs before the widget is built).
    const dir = mkdtempSync(join(tmpdir(), 'baton-static-'));
    mkdirSync(join(dir, 'console'));
    writeFileSync(join(dir, 'console', 'index.html'), '<!doctype html><title>Baton console</title>');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Demo</title>');
    writeFileSync(join(dir, 'widget.js'), '/* loader */');
    server = await startServer(sqliteFactory, { staticDir: dir });
    const consolePage = await fetch(`${server.url}/console`);
    const csp = consolePage.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(consolePage.headers.get('x-content-type-options')).toBe('nosniff');
    // The same page under an escaped path (issue 19, item 6) gets the same policy.
    for (const path of ['/%63onsole/index.html', '/%63onsole', '/console/%69ndex.html', '/CONSOLE/../console/index.html']) {
      const page = await fetch(`${server.url}${path}`);
      if (page.status !== 200) continue;
      expect(page.headers.get('content-security-policy'), path).toBe(csp);
    }
    expect((await fetch(`${server.url}/%63onsole/index.html`)).status).toBe(200);
    const widget = await fetch(`${server.url}/widget.js`);
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    expect(widget.headers.get('cross-origin-resource-policy')).toBeNull();
  });

  it('CSRF: a cookie-authenticated change from another origin is refused', async () => {
    server = await startServer(sqliteFactory);
    const { cookie } = await login(server.url);
    const sessionCookie = cookie!.split(';')[0]!;
    const evil = await fetch(`${server.url}/api/admin/site`, {
      method: 'PATCH',
      headers: { cookie: sessionCookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { routing: 'auto' } }),
    });
    expect(evil.status).toBe(403);
    const same = await fetch(`${server.url}/api/admin/site`, {
      method: 'PATCH',
      headers: { cookie: sessionCookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { routing: 'auto' } }),
    });
    expect(same.status).toBe(200);
  });

  it('the log of a whole handoff holds no password, token, cookie, email or message text', async () => {
    const lines: string[] = [];
    server = await startServer(sqliteFactory, { log: { level: 'trace', write: (l) => lines.push(l) } });
    const { body, cookie } = await login(server.url);
    const v = await visitor(server.url);
    await request(v.socket, 'visitor:identify', { userId: 'u1', email: 'ada.secret@example.com', userHash: 'deadbeef' });
    const sent = await request(v.socket, 'message:send', { clientId: 'l1', body: 'My card 4111 1111 1111 1111 was charged twice, I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    await request(v.socket, 'conversation:replyLater', { email: 'ada.secret@example.com' });
    const a = await connect(server.url, '/agent', { token: body.token });
    await request(a.socket, 'conversation:claim', { conversationId: sent.message.conversationId });
    await request(a.socket, 'bogus:event', { password: 'baton-demo' });
    await login(server.url, 'agent@demo.test', 'a-wrong-password-xyz');
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of ['baton-demo', 'a-wrong-password-xyz', body.token, v.token, cookie!.split(';')[0]!.split('=')[1]!, 'ada.secret@example.com', '4111 1111', 'demo-identity-secret']) {
      expect(log).not.toContain(secret);
    }
  });

  it('redaction at any depth: named fields, and emails, phone and card numbers, tokens and signed links inside any string', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (l: string) => void lines.push(l) });
    const secrets = [
      'ada.secret@example.com', '+44 20 7946 0958', '(555) 123-4567', '030 1234 5678', '4111 1111 1111 1111',
      'sig=AbCdEf0123456789', 'reset-token-xyz', 'v1.site_demo.v_abc123.0123456789abcdefABCDEF', 'bk_live_0123456789abcdef',
      'sess-token-0123456789', 'nested-password-1', 'deep-secret-2', 'jwt.header.payload',
    ];
    logger.info({ req: { headers: { authorization: 'Bearer sess-token-0123456789', cookie: 'baton_session=sess-token-0123456789' } } }, 'request');
    logger.info({ a: { b: { c: { password: 'nested-password-1', d: { secret: 'deep-secret-2' } } } }, list: [{ user: { userJwt: 'jwt.header.payload' } }] }, 'nested');
    logger.info({ link: 'https://chat.example/console/set-password#reset-token-xyz' }, 'invite created');
    logger.info({ attachment: { url: '/api/attachments/att_1?v=full&exp=1764626244123&sig=AbCdEf0123456789' } }, 'file sent');
    logger.info('visitor said: call me on +44 20 7946 0958 or (555) 123-4567 or 030 1234 5678, card 4111 1111 1111 1111');
    logger.warn({ token: 'v1.site_demo.v_abc123.0123456789abcdefABCDEF', header: 'Authorization: Bearer bk_live_0123456789abcdef' }, 'tokens');
    const dbError = Object.assign(new Error('duplicate key value violates unique constraint: Key (email)=(ada.secret@example.com) already exists'), { detail: 'Key (email)=(ada.secret@example.com)' });
    logger.error({ err: dbError, conversationId: 'c_keepme123' }, 'request failed');
    logger.error(new Error('SMTP 550 rejected ada.secret@example.com'), 'mail failed');
    const log = lines.join('\n');
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
    // What operators need stays readable: ids, times, dates, numbers, messages.
    for (const kept of ['c_keepme123', 'request failed', 'duplicate key value', 'invite created', '/console/set-password#', 'att_1?v=full']) expect(log).toContain(kept);
    logger.info({ at: '2026-12-01T21:57:24.123Z', day: '2026-02-28', ms: 1764626244123, ids: ['m_0123456789', 'c_1234567890'] }, 'plain');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ at: '2026-12-01T21:57:24.123Z', day: '2026-02-28', ms: 1764626244123, ids: ['m_0123456789', 'c_1234567890'] });
  });

  it('the log of invitations, resets, files, a failing bot and exports holds none of their secrets', async () => {
    const lines: string[] = [];
    const failing = { turn: async (input: { text?: string }) => { throw new Error(`model rejected the prompt: ${JSON.stringify(input).slice(0, 400)}`); } };
    server = await startServer(sqliteFactory, { log: { level: 'trace', write: (l) => lines.push(l) }, bot: failing as never });
    const admin = (await login(server.url)).body.token as string;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }).then((r) => r.json() as Promise<any>);
    const invited = await call('POST', '/admin/agents', { email: 'new.agent@example.com', name: 'New Agent', role: 'agent' });
    const inviteToken = new URL(invited.setPasswordUrl).hash.slice(1);
    await call('POST', '/agent/set-password', { token: inviteToken, password: 'the-new-agents-password' });
    const reset = await call('POST', `/admin/agents/${invited.agent.id}/password-link`);
    const resetToken = new URL(reset.setPasswordUrl).hash.slice(1);
    const apiKey = (await call('POST', '/admin/api-keys', { name: 'scan', scopes: ['conversations:read'] })).key as string;
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'b1', body: 'Call me at +1 (415) 555-0134, mail ada.secret@example.com' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    const file = (await fetch(`${server.url}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${v.token}`, 'x-baton-site': 'demo', 'x-client-id': 'f1', 'x-file-name': 'receipt.png' }, body: new Uint8Array(png) }).then((r) => r.json())) as any;
    const signed = file.message.attachments[0].url as string;
    await fetch(`${server.url}${signed}`);
    await fetch(`${server.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${apiKey}` } });
    await server.app.service.idle();
    const log = lines.join('\n');
    expect(log).toContain('bot failed'); // the failing bot's error was logged, scrubbed
    for (const secret of [inviteToken, resetToken, 'the-new-agents-password', 'new.agent@example.com', apiKey, admin, v.token, new URL(signed, server.url).searchParams.get('sig')!, '(415) 555-0134', 'ada.secret@example.com']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
