// Verified identity over real sockets: HMAC and short-lived JWTs, required verification, secret
// rotation with a grace period, and a verified user continuing on another device — never merging.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { userHash } from '../../src/auth/identity.js';
import { storeFactories } from '../helpers/db.js';
import { login, request, type ServerOptions, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

const SECRET = 'demo-identity-secret';
const jwt = (secret: string, claims: Record<string, unknown>, exp: string | number = '10m', iat?: number) => {
  let t = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp);
  t = iat === undefined ? t.setIssuedAt() : t.setIssuedAt(iat);
  return t.sign(new TextEncoder().encode(secret));
};

describe.each(storeFactories)('verified identity on $name', (factory) => {
  let server: TestServer;
  let offset = 0;
  const start = (o: ServerOptions = {}) => startServer(factory, { clock: () => new Date(Date.now() + offset), ...o }).then((s) => (server = s));
  afterEach(async () => {
    offset = 0;
    await server.close();
  });

  it('HMAC and JWT: good ones verify, wrong, expired, too long-lived or missing ones do not', async () => {
    await start({ limits: { identify: { points: 100, duration: 60 } } });
    const v = await visitor(server.url);
    const cases: Array<[Record<string, unknown>, boolean | string]> = [
      [{ userId: 'u1', userHash: userHash(SECRET, 'u1') }, true],
      [{ userId: 'u1', userHash: userHash('another-secret', 'u1') }, false],
      [{ userId: 'u2', userHash: userHash(SECRET, 'u1') }, false],
      [{ userId: 'u1' }, false],
      [{ userJwt: await jwt(SECRET, { sub: 'u3', name: 'Ada' }) }, true],
      // A JWT alone that does not verify identifies no one: refused, with the reason.
      [{ userJwt: await jwt(SECRET, { sub: 'u3' }, Math.floor(Date.now() / 1000) - 60, Math.floor(Date.now() / 1000) - 600) }, 'bad_request'],
      [{ userJwt: await jwt('another-secret', { sub: 'u3' }) }, 'bad_request'],
      [{ userJwt: await jwt(SECRET, { sub: 'u3' }, '3d') }, 'bad_request'],
      // No iat, or an iat far ahead, with an exp a year away: the lifetime is judged from exp alone.
      [{ userJwt: await new SignJWT({ sub: 'u3' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('365d').sign(new TextEncoder().encode(SECRET)) }, 'bad_request'],
      [{ userJwt: await jwt(SECRET, { sub: 'u3' }, '365d', Math.floor(Date.now() / 1000) + 364 * 86400) }, 'bad_request'],
      [{ userJwt: 'not.a.jwt' }, 'bad_request'],
      // No subject and no user id: there is no one to identify.
      [{ userJwt: await jwt(SECRET, { name: 'no subject' }) }, 'bad_request'],
      [{ userId: 'u9', userJwt: await jwt(SECRET, { sub: 'u3' }) }, false],
    ];
    for (const [claim, verified] of cases) {
      // A fresh browser each time: one that already knows a user switches to another visitor.
      const fresh = await visitor(server.url);
      const ack = await request(fresh.socket, 'visitor:identify', claim);
      expect({ claim: Object.keys(claim), ack: ack.ok ? ack.verified : ack.error.code }).toEqual({ claim: Object.keys(claim), ack: verified });
      fresh.socket.disconnect();
    }
    expect(await request(v.socket, 'visitor:identify', { name: 'nobody' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // The JWT's subject and name are what agents see, signed.
    await request(v.socket, 'visitor:identify', { userJwt: await jwt(SECRET, { sub: 'u3', name: 'Ada' }) });
    expect((await server.store.getVisitor(v.visitorId))!.profile).toMatchObject({ userId: 'u3', name: 'Ada', verified: true, detailsVerified: true });
    // Beside the token, an email the page adds is the page's word: the user id is verified, it is not.
    await request(v.socket, 'visitor:identify', { userJwt: await jwt(SECRET, { sub: 'u3', name: 'Ada' }), email: 'ada@evil.example' });
    expect((await server.store.getVisitor(v.visitorId))!.profile).toMatchObject({ userId: 'u3', email: 'ada@evil.example', verified: true, detailsVerified: false });
    // An HMAC signs the user id alone: the name and email beside it are not vouched for.
    const hmac = await visitor(server.url);
    await request(hmac.socket, 'visitor:identify', { userId: 'u7', userHash: userHash(SECRET, 'u7'), name: 'Bea', email: 'bea@example.com' });
    expect((await server.store.getVisitor(hmac.visitorId))!.profile).toMatchObject({ userId: 'u7', verified: true, detailsVerified: false });
    const agents = await login(server.url);
    const queueAck = await fetch(`${server.url}/api/admin/site`, { headers: { authorization: `Bearer ${agents.body.token}` } });
    expect(queueAck.status).toBe(200);
  });

  it('a site that requires verification refuses unsigned identities and stores nothing', async () => {
    await start({ settings: { requireVerifiedIdentity: true } });
    const v = await visitor(server.url);
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', name: 'Mallory' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await server.store.getVisitor(v.visitorId))?.profile ?? null).toBeNull();
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', userHash: userHash(SECRET, 'u1') })).toMatchObject({ ok: true, verified: true });
  });

  it('rotating the secret: the old one works during the grace period, then not', async () => {
    await start();
    const admin = (await login(server.url)).body.token;
    const rotated = await fetch(`${server.url}/api/admin/site/identity-secret`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json() as Promise<any>);
    expect(rotated).toMatchObject({ ok: true, identitySecret: expect.any(String), previousValidUntil: expect.any(String) });
    const v = await visitor(server.url);
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', userHash: userHash(rotated.identitySecret, 'u1') })).toMatchObject({ verified: true });
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', userHash: userHash(SECRET, 'u1') })).toMatchObject({ verified: true });
    offset = 8 * 24 * 3600 * 1000;
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', userHash: userHash(SECRET, 'u1') })).toMatchObject({ verified: false });
    expect(await request(v.socket, 'visitor:identify', { userId: 'u1', userHash: userHash(rotated.identitySecret, 'u1') })).toMatchObject({ verified: true });
    // The secrets never come back out of the API.
    const site = await fetch(`${server.url}/api/admin/site`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.text());
    expect(site).not.toContain(rotated.identitySecret);
    expect(site).not.toContain(SECRET);
  });

  it('a verified user continues on another device; an unverified one or one with a conversation never merges', async () => {
    await start();
    const hash = userHash(SECRET, 'user-42');
    const laptop = await visitor(server.url);
    await request(laptop.socket, 'visitor:identify', { userId: 'user-42', userHash: hash });
    const sent = await request(laptop.socket, 'message:send', { clientId: 'l1', body: 'Where is my order A-10422?' });
    await waitFor(laptop, 'message:new', (m) => m.author.kind === 'bot');

    // The phone, verified: told to continue as the laptop's visitor, and sees the conversation.
    const phone = await visitor(server.url);
    const ack = await request(phone.socket, 'visitor:identify', { userId: 'user-42', userHash: hash });
    expect(ack).toMatchObject({ ok: true, verified: true, visitorToken: expect.any(String) });
    expect(ack.otherUser).toBeUndefined(); // the same person: what the phone has unsent goes along
    const continued = await visitor(server.url, ack.visitorToken);
    expect(continued.resumed.conversation.id).toBe(sent.message.conversationId);
    expect(continued.resumed.messages.map((m: any) => m.body)).toContain('Where is my order A-10422?');

    // Someone claiming to be user-42 without the signature gets nothing of theirs.
    const impostor = await visitor(server.url);
    const forged = await request(impostor.socket, 'visitor:identify', { userId: 'user-42', userHash: userHash('guess', 'user-42') });
    expect(forged).toEqual({ ok: true, verified: false });
    // A verified device that already has its own conversation keeps it (no merging).
    const tablet = await visitor(server.url);
    await request(tablet.socket, 'message:send', { clientId: 't1', body: 'Hello from the tablet' });
    expect(await request(tablet.socket, 'visitor:identify', { userId: 'user-42', userHash: hash })).toEqual({ ok: true, verified: true });
    expect((await server.store.latestConversation(tablet.visitorId))!.id).not.toBe(sent.message.conversationId);
  });

  it('a different user on the same browser never sees the previous user\'s chat', async () => {
    await start();
    const shared = await visitor(server.url);
    await request(shared.socket, 'visitor:identify', { userId: 'alice', userHash: userHash(SECRET, 'alice'), email: 'alice@example.com' });
    const hers = await request(shared.socket, 'message:send', { clientId: 'al1', body: 'My card ending 4242 was charged twice' });
    await waitFor(shared, 'message:new', (m) => m.author.kind === 'bot');

    // Bob signs in on the same computer (the page never said Alice left): a new visitor for him.
    const bob = await request(shared.socket, 'visitor:identify', { userId: 'bob', userHash: userHash(SECRET, 'bob') });
    // Marked as another user, so the widget drops what Alice left unsent rather than send it as Bob.
    expect(bob).toMatchObject({ ok: true, verified: true, visitorToken: expect.any(String), otherUser: true });
    const asBob = await visitor(server.url, bob.visitorToken);
    expect(asBob.visitorId).not.toBe(shared.visitorId);
    expect(asBob.resumed).toMatchObject({ conversation: null, messages: [] });
    expect((await server.store.getVisitor(asBob.visitorId))!.profile).toMatchObject({ userId: 'bob', verified: true });
    // Alice's visitor, conversation and profile are untouched.
    expect((await server.store.getVisitor(shared.visitorId))!.profile).toMatchObject({ userId: 'alice', email: 'alice@example.com', verified: true });
    expect((await server.store.latestConversation(shared.visitorId))!.id).toBe(hers.message.conversationId);

    // An unsigned claim to be someone else switches too: it is never written over Alice.
    const mallory = await request(shared.socket, 'visitor:identify', { userId: 'mallory' });
    expect(mallory).toMatchObject({ ok: true, verified: false, visitorToken: expect.any(String) });
    expect((await server.store.getVisitor(shared.visitorId))!.profile).toMatchObject({ userId: 'alice', verified: true });

    // Alice coming back on that browser continues her own chat.
    expect(await request(shared.socket, 'visitor:identify', { userId: 'alice', userHash: userHash(SECRET, 'alice') })).toEqual({ ok: true, verified: true });
  });
});
