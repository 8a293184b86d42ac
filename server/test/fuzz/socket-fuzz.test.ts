// A socket fuzzer against a running server: random and malformed events (wrong types, unknown
// events, huge and nested payloads, binary, replays, no ack) on both namespaces. No crash; every
// acknowledged reply is a well-formed ack; the database keeps its invariants afterwards.
// FUZZ_EVENTS sets the size (CI: the quick default; on demand: 100000).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../helpers/db.js';
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

describe('socket fuzzer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(sqliteFactory);
  });
  afterAll(async () => server.close());

  it(`survives ${EVENTS} random events with well-formed answers and a consistent database`, async () => {
    const v = await visitor(server.url);
    const a = await agent(server.url);
    // A little real traffic so ids exist to replay.
    const real = await request(v.socket, 'message:send', { clientId: 'real-1', body: 'I need a human' });
    const knownIds = [real.message.conversationId, 'c_missing', real.message.id];

    const samples = fc.sample(fc.tuple(fc.constantFrom(...NAMES), payload, fc.boolean(), fc.boolean(), fc.constantFrom(...knownIds)), { numRuns: EVENTS, seed: 42 });
    let answered = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < samples.length; i += 50) {
      await Promise.all(
        samples.slice(i, i + 50).map(async ([event, raw, toAgent, withId, id]) => {
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
    expect(answered).toBeGreaterThan(EVENTS * 0.9);
    await server.app.service.idle();

    // Still serving.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const fresh = await visitor(server.url);
    expect(await request(fresh.socket, 'message:send', { clientId: 'after', body: 'still there?' })).toMatchObject({ ok: true });

    // Database integrity: every conversation's seqs are gapless, control and agent agree.
    const site = (await server.store.getSiteByKey('demo'))!;
    const conversations = await server.store.conversationsBetween(site.id, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 10_000);
    for (const c of conversations) {
      const messages = await server.store.listMessages(c.id, 0, 10_000);
      expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
      expect(c.lastSeq).toBe(messages.length);
      if (c.control === 'agent') expect(c.agentId).not.toBeNull();
      if (c.control === 'bot' || c.control === 'queued') expect(c.agentId).toBeNull();
    }
    // Memory stays bounded (generous: this is a smoke check, the full size runs on demand).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);
});
