// Authorization at the door and bad input: every refusal has a stable code, the server stays
// up, and nothing is half-written.
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signVisitorToken } from '../../src/auth/tokens.js';
import { storeFactories } from '../helpers/db.js';
import { agent, connect, login, request, SECRET, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

const refusalCode = (p: Promise<unknown>) => p.then(() => 'connected', (e: { data?: { code?: string } }) => e.data?.code ?? String(e));

describe.each(storeFactories)('doors and bad input on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('visitor handshakes: unknown site, disallowed origin, tampered or foreign token are refused', async () => {
    expect(await refusalCode(connect(server.url, '/visitor', {}))).toBe('bad_request');
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'nope' }))).toBe('not_found');
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'demo' }, { Origin: 'https://evil.example' }))).toBe('origin_not_allowed');
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'demo' }, { Origin: 'http://localhost:5173' }))).toBe('connected');

    const v = await visitor(server.url);
    const tampered = v.token.replace(/\.[^.]+\./, '.v_someone_else.');
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'demo', visitorToken: tampered }))).toBe('unauthorized');
    const otherSite = signVisitorToken('wrong-secret-wrong-secret-wrong-secret', 'site_demo', v.visitorId);
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'demo', visitorToken: otherSite }))).toBe('unauthorized');
    const forged = signVisitorToken(SECRET, 'site_other', v.visitorId);
    expect(await refusalCode(connect(server.url, '/visitor', { siteKey: 'demo', visitorToken: forged }))).toBe('unauthorized');
  });

  it("a visitor token opens only that visitor's conversation", async () => {
    const alice = await visitor(server.url);
    const sent = await request(alice.socket, 'message:send', { clientId: 'a1', body: 'my secret order A-99999' });
    const bob = await visitor(server.url);
    const peek = await request(bob.socket, 'session:resume', { conversationId: sent.message.conversationId, afterSeq: 0 });
    expect(peek).toMatchObject({ ok: true, conversation: null, messages: [] });
    await request(alice.socket, 'message:send', { clientId: 'a2', body: 'more secrets' });
    await server.app.service.idle(); // the bot's answer too
    // A round trip on Bob's socket: anything sent to him before it has arrived by its ack.
    await request(bob.socket, 'typing:set', { typing: false });
    expect(bob.received.filter((r) => r.event === 'message:new')).toEqual([]);
  });

  it('agents need a valid session; the same answer for an unknown email and a wrong password', async () => {
    expect(await refusalCode(connect(server.url, '/agent', {}))).toBe('unauthorized');
    expect(await refusalCode(connect(server.url, '/agent', { token: 'made-up' }))).toBe('unauthorized');
    const wrong = await login(server.url, 'agent@demo.test', 'nope');
    const unknown = await login(server.url, 'nobody@demo.test', 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    const good = await login(server.url);
    expect(good.cookie).toMatch(/baton_session=.*HttpOnly.*SameSite=Lax/i);
    const me = await fetch(`${server.url}/api/agent/me`, { headers: { cookie: good.cookie!.split(';')[0]! } });
    expect(await me.json()).toMatchObject({ ok: true, agent: { email: 'agent@demo.test', name: 'Maria' } });
    const viaCookie = await connect(server.url, '/agent', {}, { cookie: good.cookie!.split(';')[0]! });
    expect(viaCookie.socket.connected).toBe(true);
    await fetch(`${server.url}/api/agent/logout`, { method: 'POST', headers: { authorization: `Bearer ${good.body.token}` } });
    expect(await refusalCode(connect(server.url, '/agent', { token: good.body.token }))).toBe('unauthorized');
    // A visitor token is not an agent session.
    const v = await visitor(server.url);
    expect(await refusalCode(connect(server.url, '/agent', { token: v.token }))).toBe('unauthorized');
  });

  it('REST rejects malformed bodies with stable codes', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${server.url}/api/agent/login`, { method: 'POST', headers: { 'content-type': type }, body });
    let res = await post('{not json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    res = await post(JSON.stringify({ email: 42 }));
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    res = await post(JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(20_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    res = await fetch(`${server.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    res = await fetch(`${server.url}/api/sites/nope/widget-config`);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    res = await fetch(`${server.url}/api/sites/demo/widget-config`);
    expect(await res.json()).toMatchObject({ ok: true, config: { siteKey: 'demo', name: 'Demo Shop' } });
  });

  it('date ranges: a day that does not exist is bad_request naming the parameter, never a 500 or another day', async () => {
    const token = (await login(server.url)).body.token;
    const created = await fetch(`${server.url}/api/admin/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ranges', scopes: ['conversations:read', 'metrics:read'] }),
    }).then((r) => r.json() as Promise<any>);
    const get = (path: string, bearer: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    for (const [path, bearer] of [
      ['/api/admin/metrics', token],
      ['/api/admin/metrics/conversations?metric=escalated', token],
      ['/api/v1/conversations', created.key],
      ['/api/v1/metrics', created.key],
      ['/api/v1/metrics/conversations?metric=escalated', created.key],
    ] as const) {
      const and = path.includes('?') ? '&' : '?';
      for (const [query, name] of [
        ['from=2026-13-01', 'from'],
        ['to=2026-02-31', 'to'],
        ['from=2026-00-10', 'from'],
        ['from=2026-01-01&to=2026-04-31', 'to'],
      ]) {
        const res = await get(`${path}${and}${query}`, bearer);
        expect(res.status, `${path}?${query}`).toBe(400);
        const body = (await res.json()) as any;
        expect(body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
        expect(body.error.message).toMatch(new RegExp(`^${name}: `));
      }
      // A real leap day is a day.
      expect((await get(`${path}${and}from=2028-02-29&to=2028-03-01`, bearer)).status, path).toBe(200);
    }
  });

  it('the conversations behind a number: a path that names no number, or a bad page, is bad_request naming the parameter', async () => {
    const token = (await login(server.url)).body.token;
    const get = (query: string) => fetch(`${server.url}/api/admin/metrics/conversations?${query}`, { headers: { authorization: `Bearer ${token}` } });
    for (const [query, name] of [
      ['', 'metric'],
      ['metric=', 'metric'],
      ['metric=nothing.here', 'metric'],
      ['metric=verdicts..too_late', 'metric'],
      ['metric=escalated.ids', 'metric'],
      ['metric=__proto__', 'metric'],
      ['metric=constructor.prototype', 'metric'],
      [`metric=${'a.'.repeat(200)}a`, 'metric'],
      ['metric=escalated&metric=waitEstimate', 'metric'],
      ['metric=escalated&offset=-1', 'offset'],
      ['metric=escalated&offset=ten', 'offset'],
      ['metric=escalated&limit=0', 'limit'],
      ['metric=escalated&limit=1001', 'limit'],
      ['metric=escalated&limit=2.5', 'limit'],
      ['metric=escalated&trigger=no_such_trigger', 'trigger'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as any;
      expect(body, query).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(body.error.message, query).toMatch(new RegExp(`^${name}: `));
    }
    // Unknown parameters are refused too, as on the report.
    expect((await get('metric=escalated&sort=desc')).status).toBe(400);
    expect(await (await get('metric=escalated')).json()).toEqual({ ok: true, total: 0, offset: 0, ids: [], conversations: [] });
  });

  it('bad socket payloads get error acks, write nothing, and the server keeps serving', async () => {
    const v = await visitor(server.url);
    const cases: [string, unknown][] = [
      ['message:send', null],
      ['message:send', 'hello'],
      ['message:send', { clientId: 'ok1' }],
      ['message:send', { clientId: 'ok2', body: 42 }],
      ['message:send', { clientId: 'ok3', body: '   ' }],
      ['message:send', { clientId: 'bad id with spaces', body: 'hi' }],
      ['message:send', { clientId: 'ok4', body: 'x'.repeat(4001) }],
      ['message:send', { clientId: 'ok5', body: { nested: { deeper: [1, 2, 3] } } }],
      ['session:resume', { afterSeq: -1 }],
      ['session:resume', { afterSeq: 'a lot' }],
      ['typing:set', { typing: 'yes' }],
    ];
    for (const [event, payload] of cases) {
      const ack = await request(v.socket, event, payload);
      expect(ack, `${event} ${JSON.stringify(payload).slice(0, 40)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // No ack callback and unknown events: ignored, no crash.
    v.socket.emit('message:send', { clientId: 'noack', body: 'no callback' });
    v.socket.emit('no:such:event', { a: 1 });
    v.socket.emit('message:send');
    // Nothing half-written by the refused requests.
    expect(await server.store.latestConversation(v.visitorId)).toSatisfy((c: any) => c === null || c.lastSeq <= 2);

    const a = await agent(server.url);
    const agentCases: [string, unknown][] = [
      ['conversation:claim', {}],
      ['conversation:claim', { conversationId: 'x'.repeat(65) }],
      ['message:send', { conversationId: 'c', clientId: 'k', body: '' }],
      ['conversation:open', { conversationId: 'c', afterSeq: 1.5 }],
    ];
    for (const [event, payload] of agentCases) {
      expect(await request(a.socket, event, payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await request(a.socket, 'conversation:claim', { conversationId: 'c_missing' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // The server still answers the same socket and new ones.
    expect(await request(v.socket, 'message:send', { clientId: 'fine', body: 'still there?' })).toMatchObject({ ok: true });
    const other = await visitor(server.url);
    expect(other.resumed.ok).toBe(true);
  });

  it('a payload over the size limit drops only that socket; others keep working', async () => {
    const bystander = await visitor(server.url);
    const big = io(`${server.url}/visitor`, { auth: { siteKey: 'demo' }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((r) => big.once('connect', () => r()));
    const closed = new Promise((r) => big.once('disconnect', r));
    big.emit('message:send', { clientId: 'huge', body: 'x'.repeat(200_000) }, () => {});
    await closed;
    const ack = await request(bystander.socket, 'message:send', { clientId: 'b1', body: 'Do you accept PayPal?' });
    expect(ack.ok).toBe(true);
    await waitFor(bystander, 'message:new', (m) => m.author.kind === 'bot');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("an agent cannot open or claim another site's conversation", async () => {
    await server.store.upsertSite({ id: 'site_other', key: 'other', name: 'Other', allowedOrigins: ['*'], settings: {}, now: new Date().toISOString() });
    const outsider = await connect(server.url, '/visitor', { siteKey: 'other' });
    const sent = await request(outsider.socket, 'message:send', { clientId: 'o1', body: 'human please' });
    const a = await agent(server.url);
    expect(await request(a.socket, 'conversation:open', { conversationId: sent.message.conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(a.socket, 'conversation:claim', { conversationId: sent.message.conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const queue = await request(a.socket, 'queue:list', {});
    expect(queue.conversations.map((c: any) => c.id)).not.toContain(sent.message.conversationId);
  });
});

describe.each(storeFactories)('verified identity on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('a correct signature is verified; a wrong or missing one is kept as unverified; the secret never leaks', async () => {
    const { userHash } = await import('../../src/auth/identity.js');
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'i1', body: 'I need a human' });
    await server.app.service.idle(); // the bot's turn has handed over: the conversation is queued
    const good = await request(v.socket, 'visitor:identify', { userId: 'u-42', name: 'Jane Doe', email: 'jane@example.com', userHash: userHash('demo-identity-secret', 'u-42') });
    expect(good).toEqual({ ok: true, verified: true });
    const a = await agent(server.url);
    const queue = await request(a.socket, 'queue:list', {});
    expect(queue.conversations[0].visitor).toEqual({ userId: 'u-42', name: 'Jane Doe', email: 'jane@example.com', verified: true, detailsVerified: false });
    // An agent watching sees a later identify live.
    await request(v.socket, 'visitor:identify', { userId: 'u-42', name: 'Jane D.', userHash: userHash('demo-identity-secret', 'u-42') });
    await waitFor(a, 'conversation:updated', (c) => c.visitor?.verified === true && c.visitor.name === 'Jane D.');

    const forger = await visitor(server.url);
    expect(await request(forger.socket, 'visitor:identify', { userId: 'u-42', name: 'Jane Doe', userHash: userHash('guessed-secret', 'u-42') })).toEqual({ ok: true, verified: false });
    expect(await request(forger.socket, 'visitor:identify', { userId: 'u-42', name: 'Jane Doe' })).toEqual({ ok: true, verified: false });
    // The forger sees nothing of Jane's conversation.
    const resumed = await request(forger.socket, 'session:resume', {});
    expect(resumed.conversation).toBeNull();
    expect(await request(forger.socket, 'visitor:identify', { userId: '', email: 'not-an-email' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const config = await (await fetch(`${server.url}/api/sites/demo/widget-config`)).text();
    expect(config).not.toContain('demo-identity-secret');
  });
});
