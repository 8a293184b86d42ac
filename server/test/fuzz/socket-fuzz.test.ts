// A socket fuzzer against a running server: random and malformed events (wrong types, unknown
// events, huge and nested payloads, binary, replays, no ack) on both namespaces; raw packets before
// any namespace is joined; fuzzed handshake `auth`; floods of events and connections; frames over
// maxHttpBufferSize. No crash; every acknowledged reply is a well-formed ack; every refusal names a
// code; the heap and the server's socket tables return to where they were; and the database keeps
// its invariants afterwards, across tables (no row points at a missing conversation, visitor,
// site, agent, endpoint or attachment). FUZZ_EVENTS sets the size (CI: the quick default; on
// demand: 100000).
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Manager } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@baton/shared';
import { builtinUnderstanding } from '../../src/bot/nlu/index.js';
import { sqliteFactory, type StoreFactory } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor } from '../helpers/server.js';

const EVENTS = Number(process.env.FUZZ_EVENTS ?? 20000);
const NAMES = [
  'session:resume', 'message:send', 'typing:set', 'visitor:identify', 'conversation:rate', 'conversation:replyLater',
  'queue:list', 'conversation:open', 'conversation:claim', 'conversation:handBack', 'conversation:resolve', 'conversation:transfer',
  'conversation:verdict', 'conversation:repeated', 'note:add', 'agents:list', 'presence:set', 'conversation:read',
  'nope', '__proto__', 'constructor', '', 'x'.repeat(300),
];

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('conversationId', 'clientId', 'body', 'afterSeq', 'rating', 'typing', 'email', 'seq', 'verdict', 'toAgentId', 'presence', 'userId', '__proto__', 'x'), tie('any'), { maxKeys: 5 }),
  ),
})).any;

const payload = fc.oneof(
  value,
  fc.record({ clientId: fc.string({ maxLength: 80 }), body: fc.string({ maxLength: 200 }) }),
  fc.record({ conversationId: fc.string({ maxLength: 70 }), afterSeq: fc.oneof(fc.integer(), fc.double()) }),
  fc.constant({ body: 'x'.repeat(50_000), clientId: 'big' }),
  fc.constant(JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200))),
);

/** Handshake `auth` as a hostile client would send it: any JSON (or not JSON at all). */
const handshakeAuth = fc.oneof(
  value.map((v) => JSON.stringify(v) ?? ''),
  fc.record({ siteKey: fc.oneof(fc.constant('demo'), fc.string({ maxLength: 70 }), fc.integer()), visitorToken: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('v1.a.b.c'), fc.integer()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ token: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
  fc.constant('{"siteKey":'),
  fc.constant('"just a string"'),
  fc.constant(`{"token":"${'t'.repeat(100_000)}"}`),
);

/** The heap after a full collection, in bytes (gc exposed at run time). */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function settledHeap() {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** A bare Engine.IO connection: raw Socket.IO packets, with or without joining a namespace first. */
async function rawConnection(url: string) {
  const manager = new Manager(url, { transports: ['websocket'], reconnection: false, autoConnect: false });
  await new Promise<void>((resolvePromise, reject) => manager.open((err) => (err ? reject(err) : resolvePromise())));
  const engine = (manager as unknown as { engine: { write(p: string): void; on(e: string, f: (d: unknown) => void): void; close(): void; readyState: string } }).engine;
  const received: string[] = [];
  engine.on('message', (d) => received.push(String(d)));
  const closed = new Promise<void>((r) => engine.on('close', () => r()));
  return { send: (p: string) => engine.write(p), received, closed, isOpen: () => engine.readyState === 'open', close: () => engine.close() };
}

describe('socket fuzzer', () => {
  let server: TestServer;
  let dbFile = '';
  // The suite's own SQLite file, so the integrity check can read every table directly.
  const recording: StoreFactory = {
    name: 'sqlite',
    async create() {
      const created = await sqliteFactory.create();
      dbFile = created.url.replace(/^sqlite:/, '');
      return created;
    },
  };
  beforeAll(async () => {
    // Every visitor here comes from 127.0.0.1; the per-address limits have their own test (edge-pace).
    server = await startServer(recording, { limits: { visitorPerIp: { points: 1_000_000, duration: 60 }, socketsPerIp: { points: 1_000_000, duration: 1 } } });
  });
  afterAll(async () => server.close());

  const sockets = () => ({ visitor: server.app.io.of('/visitor').sockets.size, agent: server.app.io.of('/agent').sockets.size, engines: server.app.io.engine.clientsCount });
  const visitorMessages = async () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM messages WHERE author_kind = 'visitor'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it(`survives ${EVENTS} random events with well-formed answers, a bounded heap and a consistent database`, async () => {
    const v = await visitor(server.url);
    const a = await agent(server.url);
    // A little real traffic so ids exist to replay.
    const real = await request(v.socket, 'message:send', { clientId: 'real-1', body: 'I need a human' });
    const knownIds = [real.message.conversationId, 'c_missing', real.message.id];

    const samples = fc.sample(fc.tuple(fc.constantFrom(...NAMES), payload, fc.boolean(), fc.boolean(), fc.constantFrom(...knownIds)), { numRuns: EVENTS, seed: 42 });
    let answered = 0;
    const run = async (batch: typeof samples) => {
      for (let i = 0; i < batch.length; i += 50) {
        await Promise.all(
          batch.slice(i, i + 50).map(async ([event, raw, toAgent, withId, id]) => {
            const socket = toAgent ? a.socket : v.socket;
            const body = withId && raw && typeof raw === 'object' && !Buffer.isBuffer(raw) ? { ...(raw as object), conversationId: id } : raw;
            try {
              const ack = await socket.timeout(3000).emitWithAck(event, body);
              answered += 1;
              expect(typeof ack).toBe('object');
              expect(typeof ack.ok).toBe('boolean');
              if (!ack.ok) expect(ack.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
            } catch (error) {
              // No ack is acceptable only for payloads the transport itself drops (too big).
              expect(String(error)).toMatch(/timed out|operation has timed out/);
            }
          }),
        );
        if (!v.socket.connected) v.socket.connect();
        if (!a.socket.connected) a.socket.connect();
      }
    };
    // The first tenth warms the caches (sites, limiters, compiled schemas); what the rest leaves
    // behind is growth: none measurable over 225,000 events (0.0 MB); 1.4 MB at the default size,
    // the caches still filling. Keeping 200 bytes per handled request fails this there.
    const warm = Math.floor(samples.length / 10);
    await run(samples.slice(0, warm));
    await server.app.service.idle();
    // The server indexes the corpus for explanations once, in the background after start (7 MB):
    // a one-off, not growth.
    await builtinUnderstanding().warm();
    // The test's own clients keep every event they receive; what is measured is the server's.
    const forget = () => {
      v.received.length = 0;
      a.received.length = 0;
    };
    forget();
    const heapBefore = settledHeap();
    await run(samples.slice(warm));
    await server.app.service.idle();
    forget();
    const grown = settledHeap() - heapBefore;
    console.log(`socket fuzz: ${samples.length} events, ${answered} answered, heap after a full GC ${grown >= 0 ? '+' : ''}${(grown / 1024 / 1024).toFixed(1)} MB over the last ${samples.length - warm}`);
    expect(answered).toBeGreaterThan(EVENTS * 0.9);
    expect(grown, `heap grew ${(grown / 1024 / 1024).toFixed(1)} MB over ${samples.length - warm} events`).toBeLessThan(Math.max(3 * 1024 * 1024, (samples.length - warm) * 20));

    // Still serving.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const fresh = await visitor(server.url);
    expect(await request(fresh.socket, 'message:send', { clientId: 'after', body: 'still there?' })).toMatchObject({ ok: true });
    v.socket.disconnect();
    a.socket.disconnect();
    fresh.socket.disconnect();
  }, 180_000);

  it('raw packets before any namespace is joined get no answer, store nothing, and close only that connection', async () => {
    const before = await visitorMessages();
    const bystander = await visitor(server.url);
    // Socket.IO packets (Engine.IO adds the message prefix): 2 EVENT, 3 ACK, 1 DISCONNECT, …
    const cases = [
      '2/visitor,1["message:send",{"clientId":"pre1","body":"before auth"}]',
      '2/agent,2["queue:list",{}]',
      '2/agent,3["conversation:claim",{"conversationId":"c_x"}]',
      '2["message:send",{"clientId":"pre2","body":"main namespace"}]',
      '51-/visitor,6["message:send",{"_placeholder":true,"num":0}]',
      '3/visitor,4[{"ok":true}]',
      '1/agent,',
      '4/agent,{"message":"fake"}',
      'not a packet',
      '2/visitor,5[',
      '99',
      '',
    ];
    for (const packet of cases) {
      const raw = await rawConnection(server.url);
      raw.send(packet);
      await Promise.race([raw.closed, new Promise((r) => setTimeout(r, 300))]);
      // No acknowledgement and no event from a namespace this connection never joined.
      expect(raw.received.filter((m) => /^[23]/.test(m)), packet).toEqual([]);
      raw.close();
    }
    expect(await visitorMessages()).toBe(before);
    expect(await request(bystander.socket, 'message:send', { clientId: 'by1', body: 'still here' })).toMatchObject({ ok: true });
    bystander.socket.disconnect();
  });

  it('fuzzed handshake auth: refused with a code (or the connection closed), never an agent session, never a crash', async () => {
    const samples = fc.sample(fc.tuple(fc.constantFrom('/visitor', '/agent'), handshakeAuth), { numRuns: 300, seed: 7 });
    const raw = await rawConnection(server.url);
    let connection = raw;
    let refusals = 0;
    for (const [nsp, auth] of samples) {
      if (!connection.isOpen()) connection = await rawConnection(server.url);
      const seen = connection.received.length;
      connection.send(`0${nsp},${auth}`);
      const started = Date.now();
      while (connection.isOpen() && connection.received.length === seen && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 5));
      for (const reply of connection.received.slice(seen)) {
        if (reply.startsWith(`4${nsp},`)) {
          refusals += 1;
          const error = JSON.parse(reply.slice(`4${nsp},`.length));
          expect(error.data, reply).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        } else {
          // Only a visitor may get in without credentials (a fuzzed site key that happens to be right).
          expect(reply.startsWith('0/visitor,'), reply).toBe(true);
          connection.send('1/visitor,');
        }
      }
    }
    expect(refusals).toBeGreaterThan(50);
    connection.close();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('floods: a burst of messages is paced with rate_limited acks, a burst of connections leaves nothing behind', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const baseline = sockets();
    const v = await visitor(server.url);
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => request(v.socket, 'message:send', { clientId: `flood${i}`, body: `flood ${i}` }, 10_000)));
    const ok = acks.filter((x) => x.ok).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(12); // the default pace: 12 per 10 s
    expect(acks.filter((x) => !x.ok).every((x) => x.error.code === 'rate_limited')).toBe(true);
    v.socket.disconnect();
    // 200 connections opened and dropped at once, half of them mid-handshake.
    const burst = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => (i % 2 ? visitor(server.url) : rawConnection(server.url).then((r) => (r.send('0/visitor,{"siteKey":"demo"}'), r)))));
    for (const r of burst) {
      if (r.status !== 'fulfilled') continue;
      const c = r.value as { socket?: { disconnect(): void }; close?: () => void };
      if (c.socket) c.socket.disconnect();
      else c.close!();
    }
    const started = Date.now();
    while (Date.now() - started < 5000 && JSON.stringify(sockets()) !== JSON.stringify(baseline)) await new Promise((r) => setTimeout(r, 20));
    expect(sockets()).toEqual(baseline);
  });

  it('frames over maxHttpBufferSize close that connection without an ack and store nothing; others keep working', async () => {
    const before = await visitorMessages();
    const bystander = await visitor(server.url);
    for (const oversized of [
      { clientId: 'huge1', body: 'x'.repeat(LIMITS.maxPayloadBytes + 1) },
      { clientId: 'huge2', body: 'y', blob: Buffer.alloc(LIMITS.maxPayloadBytes + 1) },
    ]) {
      const big = await visitor(server.url);
      const closed = new Promise<string>((r) => big.socket.once('disconnect', (reason) => r(reason)));
      const ack = big.socket.timeout(2000).emitWithAck('message:send', oversized).then(() => 'acked', () => 'no ack');
      expect(await closed).toBe('transport close');
      expect(await ack).toBe('no ack');
    }
    expect(await visitorMessages()).toBe(before);
    expect(await request(bystander.socket, 'message:send', { clientId: 'by2', body: 'fine' })).toMatchObject({ ok: true });
    bystander.socket.disconnect();
  });

  it('uploads over HTTP, retried and refused, alongside the socket traffic', async () => {
    const v = await visitor(server.url);
    // The smallest GIF there is: a real image, so it is stored.
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
    const upload = (clientId: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${v.token}`, 'x-baton-site': 'demo', 'x-client-id': clientId, 'x-file-name': 'dot.gif', ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const statuses: number[] = [];
    for (const clientId of ['up1', 'up1', 'up2', 'up1', 'up2']) statuses.push((await upload(clientId, new Uint8Array(gif))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    for (const [body, headers] of [
      [new Uint8Array(0), {}],
      [new Uint8Array(Buffer.from('<svg onload="alert(1)"/>')), {}],
      [new Uint8Array(gif), { 'x-client-id': 'bad id' }],
      [new Uint8Array(gif), { authorization: 'Bearer nope' }],
    ] as const) {
      const res = await upload('upbad', body, headers);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    v.socket.disconnect();
  });

  it('the database afterwards: gapless seqs, control and agent agree, one open conversation per visitor, no orphans in any table', async () => {
    await server.app.service.idle();
    await new Promise((r) => setTimeout(r, 300));
    const db = new Database(dbFile, { readonly: true });
    try {
      const all = <T>(sql: string) => db.prepare(sql).all() as T[];
      // Every table, every column that names another row: it must exist.
      const refs: Record<string, string> = { site_id: 'sites', visitor_id: 'visitors', conversation_id: 'conversations', agent_id: 'agents', endpoint_id: 'webhook_endpoints' };
      const tables = all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'").map((t) => t.name);
      let checked = 0;
      for (const table of tables) {
        for (const { name: column } of all<{ name: string }>(`PRAGMA table_info(${table})`)) {
          const target = refs[column];
          if (!target || target === table) continue;
          checked += 1;
          const orphans = all(`SELECT * FROM ${table} t WHERE t.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${target} r WHERE r.id = t.${column}) LIMIT 3`);
          expect(orphans, `${table}.${column} → ${target}`).toEqual([]);
        }
      }
      expect(checked).toBeGreaterThanOrEqual(10);
      expect(all('PRAGMA foreign_key_check')).toEqual([]);
      // Agents named as authors exist; every attachment a message lists is stored.
      expect(all("SELECT id FROM messages m WHERE author_kind = 'agent' AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = m.author_id)")).toEqual([]);
      for (const m of all<{ id: string; conversation_id: string; attachments: string }>('SELECT id, conversation_id, attachments FROM messages WHERE attachments IS NOT NULL')) {
        for (const file of JSON.parse(m.attachments) as Array<{ id: string }>) {
          expect(all(`SELECT id FROM attachments WHERE id = '${file.id.replace(/'/g, "''")}' AND conversation_id = '${m.conversation_id}'`), `${m.id} → ${file.id}`).toHaveLength(1);
        }
      }
      // …and every stored file belongs to a message of its conversation (none left behind by a retry).
      const listed = new Set(all<{ attachments: string }>('SELECT attachments FROM messages WHERE attachments IS NOT NULL').flatMap((m) => (JSON.parse(m.attachments) as Array<{ id: string }>).map((f) => f.id)));
      const files = all<{ id: string }>('SELECT id FROM attachments');
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((f) => !listed.has(f.id))).toEqual([]);
      // Per conversation: seqs gapless from 1, last_seq the count, control and agent agree.
      const conversations = all<{ id: string; control: string; agent_id: string | null; last_seq: number }>('SELECT id, control, agent_id, last_seq FROM conversations');
      expect(conversations.length).toBeGreaterThan(1);
      for (const c of conversations) {
        const seqs = all<{ seq: number }>(`SELECT seq FROM messages WHERE conversation_id = '${c.id}' ORDER BY seq`).map((r) => r.seq);
        expect(seqs, c.id).toEqual(seqs.map((_, i) => i + 1));
        expect(c.last_seq, c.id).toBe(seqs.length);
        if (c.control === 'agent') expect(c.agent_id, c.id).not.toBeNull();
        if (c.control === 'bot' || c.control === 'queued') expect(c.agent_id, c.id).toBeNull();
      }
      expect(all("SELECT visitor_id FROM conversations WHERE control <> 'closed' GROUP BY visitor_id HAVING count(*) > 1")).toEqual([]);
      // Message ids and client ids are unique where they must be.
      expect(all('SELECT conversation_id, client_id FROM messages GROUP BY conversation_id, client_id HAVING count(*) > 1')).toEqual([]);
      // Every console closed: no connection row outlives its socket.
      expect(all('SELECT socket_id FROM agent_connections')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
