// Privacy over the real server, on SQLite and Postgres: a visitor's data exported whole, then
// erased from every table (checked by scanning every row of every table), metrics keeping only
// anonymous counts; retention deleting old conversations; an append-only audit of it all.
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { userHash } from '../../src/auth/identity.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { storeFactories } from '../helpers/db.js';
import { agent, login, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

const MARKERS = ['Zelda Erasure', 'zelda@example.com', 'MARKER-7781', '0151 2345 678', 'zelda-private-page', 'Zelda liked it', 'Zelda called twice'];

async function everyRow(store: KyselyStore): Promise<string> {
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((t) => !t.startsWith('kysely_'));
  const dump: string[] = [];
  for (const table of tables) dump.push(JSON.stringify(await db.selectFrom(table).selectAll().execute()));
  return dump.join('\n');
}

describe.each(storeFactories)('privacy on $name', (factory) => {
  let server: TestServer;
  let offset = 0;
  afterEach(async () => {
    offset = 0;
    await server.close();
  });

  it('export holds everything about the visitor; erasure leaves none of it in any table', async () => {
    server = await startServer(factory);
    const v = await visitor(server.url, undefined, { context: { pageUrl: 'https://shop.example/zelda-private-page' } });
    await request(v.socket, 'visitor:identify', { userId: 'z-1', name: 'Zelda Erasure', email: 'zelda@example.com', userHash: userHash('demo-identity-secret', 'z-1') });
    const first = await request(v.socket, 'message:send', { clientId: 'z1', body: 'Order MARKER-7781, call me at 0151 2345 678' });
    await request(v.socket, 'message:send', { clientId: 'z2', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    await request(v.socket, 'conversation:replyLater', { email: 'zelda@example.com' });
    const a = await agent(server.url);
    const conversationId = first.message.conversationId;
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(a.socket, 'note:add', { conversationId, clientId: 'n1', body: 'Zelda called twice' });
    await request(a.socket, 'conversation:verdict', { conversationId, verdict: 'too_late', comment: 'Zelda Erasure should have come sooner' });
    await request(a.socket, 'conversation:resolve', { conversationId, outcome: 'solved' });
    await request(v.socket, 'conversation:rate', { conversationId, rating: 5, comment: 'Zelda liked it' });
    await server.app.service.idle();

    const admin = (await login(server.url)).body.token;
    const call = (method: string, path: string) => fetch(`${server.url}/api/admin${path}`, { method, headers: { authorization: `Bearer ${admin}` } });
    const exported = await (await call('GET', `/visitors/${v.visitorId}/export`)).text();
    for (const m of MARKERS) expect(exported).toContain(m);

    const before = JSON.parse(await (await call('GET', '/metrics')).text()).report;
    const dumpBefore = await everyRow(server.store as KyselyStore);
    expect(MARKERS.filter((m) => dumpBefore.includes(m)).length).toBe(MARKERS.length);

    const erased = await (await call('POST', `/visitors/${v.visitorId}/erase`)).json();
    expect(erased).toMatchObject({ ok: true, conversations: 1, messages: expect.any(Number) });
    const dumpAfter = await everyRow(server.store as KyselyStore);
    expect(MARKERS.filter((m) => dumpAfter.includes(m))).toEqual([]);

    // The metrics keep the anonymous facts: it was escalated, judged too late, rated 5.
    const after = JSON.parse(await (await call('GET', '/metrics')).text()).report;
    expect(after.escalated.count).toBe(before.escalated.count);
    expect(after.verdicts.byVerdict.too_late.count).toBe(1);
    expect(after.helped.escalated.csatAverage).toBe(5);
    // The visitor's own widget now shows nothing of it.
    const again = await visitor(server.url, v.token);
    expect(again.resumed.messages).toEqual([]);

    const audit = JSON.parse(await (await call('GET', '/audit')).text()).entries.map((e: any) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['visitor.exported', 'visitor.erased']));
    expect(await (await call('POST', '/visitors/v_nobody/erase')).json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('retention deletes conversations older than the site keeps them, daily, and says so in the audit log', async () => {
    server = await startServer(factory, { clock: () => new Date(Date.now() + offset), settings: { retentionDays: 30 } });
    const old = await visitor(server.url);
    await request(old.socket, 'visitor:identify', { userId: 'u-old', name: 'Olga Oldvisit', email: 'olga@example.com' });
    const sent = await request(old.socket, 'message:send', { clientId: 'o1', body: 'How long does shipping take?' });
    await server.app.service.idle();
    old.socket.disconnect();
    offset = 31 * 86_400_000;
    const fresh = await visitor(server.url);
    const kept = await request(fresh.socket, 'message:send', { clientId: 'f1', body: 'And returns?' });
    await server.app.service.idle();

    await server.store.scheduleJob({ id: 'retention', kind: 'retention', runAt: new Date(Date.now() + offset).toISOString(), data: {} });
    expect(await server.app.runJobs()).toBe(1);
    expect(await server.store.getConversation(sent.message.conversationId)).toBeNull();
    expect(await server.store.listMessages(sent.message.conversationId, 0, 10)).toEqual([]);
    expect(await server.store.getConversation(kept.message.conversationId)).not.toBeNull();
    const admin = (await login(server.url)).body.token;
    const audit = await fetch(`${server.url}/api/admin/audit`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json() as Promise<any>);
    expect(audit.entries[0]).toMatchObject({ actorId: 'system', action: 'retention.purged', data: { conversations: 1, visitors: 1, olderThanDays: 30 } });
    // Who the old visitor was goes with their conversations (issue 19, item 5); the fresh one stays.
    expect(await server.store.getVisitor(old.visitorId)).toBeNull();
    expect(await server.store.getVisitor(fresh.visitorId)).not.toBeNull();
    expect(await everyRow(server.store as KyselyStore)).not.toContain('Olga Oldvisit');
    // It rescheduled itself for tomorrow.
    expect(await server.store.claimDueJobs(new Date(Date.now() + offset + 25 * 3600_000).toISOString(), 10, 1000)).toEqual([expect.objectContaining({ id: 'retention' })]);
  });

  it('a person, not a browser: everything with their email or user id is exported together and erased together (issue 19, item 5)', async () => {
    server = await startServer(factory);
    const phone = await visitor(server.url);
    await request(phone.socket, 'visitor:identify', { userId: 'u-zora', name: 'Zora Twodevices', email: 'Zora@Example.com' });
    await request(phone.socket, 'message:send', { clientId: 'p1', body: 'Sent from my phone MARKER-4411' });
    const laptop = await visitor(server.url);
    await request(laptop.socket, 'visitor:identify', { userId: 'u-zora-2', email: 'zora@example.com' });
    await request(laptop.socket, 'message:send', { clientId: 'l1', body: 'And from my laptop MARKER-4412' });
    const other = await visitor(server.url);
    await request(other.socket, 'message:send', { clientId: 'x1', body: 'Someone else MARKER-9999' });
    await server.app.service.idle();
    const admin = (await login(server.url)).body.token;
    const call = (path: string, body: unknown) =>
      fetch(`${server.url}/api/admin/people/${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect(await call('export', {})).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const exported = await call('export', { email: 'ZORA@example.com' });
    expect(exported.body.visitors).toHaveLength(2);
    expect(JSON.stringify(exported.body)).toContain('MARKER-4411');
    expect(JSON.stringify(exported.body)).toContain('MARKER-4412');
    expect(JSON.stringify(exported.body)).not.toContain('MARKER-9999');
    expect((await call('export', { userId: 'u-zora' })).body.visitors).toHaveLength(1);
    const erased = await call('erase', { email: 'zora@example.com' });
    expect(erased).toMatchObject({ status: 200, body: { visitors: 2, conversations: 2 } });
    const rows = await everyRow(server.store as KyselyStore);
    for (const gone of ['MARKER-4411', 'MARKER-4412', 'Zora Twodevices', 'zora@example.com', 'Zora@Example.com', 'u-zora']) expect(rows).not.toContain(gone);
    expect(rows).toContain('MARKER-9999');
  });
});
