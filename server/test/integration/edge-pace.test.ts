// The visitor's pace counts new messages, not retries: a widget resending a message whose ack was
// lost gets the stored message back, never rate_limited, and the resend costs nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { storeFactories } from '../helpers/db.js';
import { request, startServer, type TestServer, visitor } from '../helpers/server.js';

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
