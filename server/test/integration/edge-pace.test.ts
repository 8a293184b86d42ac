// The visitor's pace counts new messages, not retries: a widget resending a message whose ack was
// lost gets the stored message back, never rate_limited, and the resend costs nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteFactory, storeFactories } from '../helpers/db.js';
import { connect, request, startServer, type TestServer, visitor } from '../helpers/server.js';

describe.each(storeFactories)('retries and the visitor pace on $name', (factory) => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('a retry of a stored message is answered with it even when the visitor is over the pace', async () => {
    server = await startServer(factory, { limits: { visitorMessage: { points: 2, duration: 60 } } });
    const v = await visitor(server.url);
    const first = await request(v.socket, 'message:send', { clientId: 'p1', body: 'one' });
    const second = await request(v.socket, 'message:send', { clientId: 'p2', body: 'two' });
    expect(second).toMatchObject({ ok: true });
    expect(await request(v.socket, 'message:send', { clientId: 'p3', body: 'three' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // The ack of p2 was lost; the widget sends it again.
    const retry = await request(v.socket, 'message:send', { clientId: 'p2', body: 'two' });
    expect(retry).toMatchObject({ ok: true, message: { id: second.message.id, seq: second.message.seq } });
    expect(await request(v.socket, 'message:send', { clientId: 'p1', body: 'one' })).toMatchObject({ ok: true, message: { id: first.message.id } });
    // A new message is still refused: the retry path is not a way around the pace.
    expect(await request(v.socket, 'message:send', { clientId: 'p3', body: 'three' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it.each([
    ['the server pace', { limits: { visitorMessage: { points: 3, duration: 60 } } }],
    ["the site's own pace", { settings: { visitorMessagesPer10s: 3 } }],
  ])('retries cost nothing under %s', async (_name, options) => {
    server = await startServer(factory, options);
    const v = await visitor(server.url);
    expect(await request(v.socket, 'message:send', { clientId: 'r1', body: 'hello' })).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) expect(await request(v.socket, 'message:send', { clientId: 'r1', body: 'hello' })).toMatchObject({ ok: true });
    // Three points: r1 once, then two new messages fit.
    expect(await request(v.socket, 'message:send', { clientId: 'r2', body: 'second' })).toMatchObject({ ok: true });
    expect(await request(v.socket, 'message:send', { clientId: 'r3', body: 'third' })).toMatchObject({ ok: true });
    expect(await request(v.socket, 'message:send', { clientId: 'r4', body: 'fourth' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    await server.app.service.idle();
    const conversation = (await server.store.latestConversation(v.visitorId))!;
    const mine = (await server.store.listMessages(conversation.id, 0, 50)).filter((m) => m.author.kind === 'visitor');
    expect(mine.map((m) => m.clientId)).toEqual(['r1', 'r2', 'r3']);
  });
});

// Issue 19, item 4: what a visitor connection may cost besides messages.
describe('visitor connections and events are paced', () => {
  let server: TestServer;
  afterEach(async () => server?.close());
  const from = (ip: string, token?: string) => connect(server.url, '/visitor', { siteKey: 'demo', ...(token ? { visitorToken: token } : {}) }, { 'x-forwarded-for': ip });
  const refusal = (p: Promise<unknown>) => p.then(() => 'connected', (e: Error & { data?: { code?: string } }) => e.data?.code ?? e.message);

  it('new visitors per address: tokenless connections are refused past the limit, a returning visitor is not, another address is not', async () => {
    server = await startServer(sqliteFactory, { limits: { visitorPerIp: { points: 3, duration: 600 } } });
    const first = await from('203.0.113.40');
    const { visitorToken } = await request(first.socket, 'session:resume', {});
    for (let i = 0; i < 2; i++) await from('203.0.113.40');
    expect(await refusal(from('203.0.113.40'))).toBe('rate_limited');
    expect(await refusal(from('203.0.113.40', visitorToken))).toBe('connected');
    expect(await refusal(from('203.0.113.41'))).toBe('connected');
  });

  it('typing, resume and rating are paced per visitor: past the limit they are refused and not relayed', async () => {
    server = await startServer(sqliteFactory, { limits: { visitorEvent: { points: 5, duration: 600 } } });
    const v = await visitor(server.url); // one resume
    const acks = [];
    for (let i = 0; i < 8; i++) acks.push(await request(v.socket, 'typing:set', { typing: i % 2 === 0 }));
    expect(acks.filter((a) => a.ok)).toHaveLength(4);
    expect(acks.slice(4).every((a) => !a.ok && a.error.code === 'rate_limited')).toBe(true);
    expect((await request(v.socket, 'session:resume', {})).error?.code).toBe('rate_limited');
  });

  it('open connections per address on a node: the next is refused until one closes', async () => {
    server = await startServer(sqliteFactory, { limits: { socketsPerIp: { points: 2, duration: 1 } } });
    const a = await from('203.0.113.50');
    await from('203.0.113.50');
    expect(await refusal(from('203.0.113.50'))).toBe('rate_limited');
    expect(await refusal(from('203.0.113.51'))).toBe('connected');
    a.socket.disconnect();
    for (let i = 0; i < 50 && (await refusal(from('203.0.113.50').then((c) => (c.socket.disconnect(), c)))) !== 'connected'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await refusal(from('203.0.113.50'))).toBe('connected');
  });
});
