// Redis restarted mid-conversation: a private redis-server (Debian's binary, loopback, no
// persistence, so the stream starts empty again) is killed and started again on the same port
// while a visitor on one node talks to an agent on the other. Messages written while Redis is
// down are stored (PostgreSQL holds the truth) and reach the other side once it is back, live or
// on resume; nothing is lost or doubled.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../helpers/cluster.js';
import { connect, login, request, waitFor } from '../helpers/server.js';

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.on('data', (d) => String(d).includes('Ready to accept connections') && resolve(child));
  });
}

describe('two nodes while Redis restarts', () => {
  let a: Node;
  let b: Node;
  let redis: ChildProcess;
  let redisPort: number;
  let cluster: Awaited<ReturnType<typeof clusterDatabase>>;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    cluster = await clusterDatabase('redisrestart');
    const env = { ...cluster.env, REDIS_URL: `redis://127.0.0.1:${redisPort}` };
    a = startNode(await freePort(), env);
    b = startNode(await freePort(), env);
    await Promise.all([ready(a), ready(b)]);
  }, 60_000);

  afterAll(async () => {
    await cluster.drop([a, b]);
    redis.kill('SIGKILL');
  });

  it('the conversation carries on across a Redis restart with nothing lost or doubled', async () => {
    const visitor = await connect(a.url, '/visitor', { siteKey: 'demo' });
    await request(visitor.socket, 'session:resume', {});
    const { body } = await login(b.url);
    const agent = await connect(b.url, '/agent', { token: body.token });
    const sent = await request(visitor.socket, 'message:send', { clientId: 'v1', body: 'I need a human please' });
    const conversationId = sent.message.conversationId as string;
    await waitFor(agent, 'conversation:updated', (c) => c.id === conversationId && c.control === 'queued', 10_000);
    expect(await request(agent.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: true });
    await request(agent.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Hello, I have your details' });
    await waitFor(visitor, 'message:new', (m) => m.body === 'Hello, I have your details', 10_000);

    // Redis dies; both sides keep writing; their writes are acknowledged (stored in PostgreSQL).
    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    const whileDown = await request(agent.socket, 'message:send', { conversationId, clientId: 'a2', body: 'Written while Redis was down' });
    expect(whileDown).toMatchObject({ ok: true });
    expect(await request(visitor.socket, 'message:send', { clientId: 'v2', body: 'Me too, while it was down' })).toMatchObject({ ok: true });

    // Redis is back (empty: no persistence); the nodes reconnect and fan-out works again.
    redis = await startRedis(redisPort);
    await new Promise((r) => setTimeout(r, 1500));
    await request(agent.socket, 'message:send', { conversationId, clientId: 'a3', body: 'After the restart' });
    await waitFor(visitor, 'message:new', (m) => m.body === 'After the restart', 20_000);
    await request(visitor.socket, 'message:send', { clientId: 'v3', body: 'Got it' });
    await waitFor(agent, 'message:new', (m) => m.body === 'Got it', 20_000);

    // Whatever fan-out missed while Redis was down, a resume brings, once each.
    const seen = new Map(visitor.received.filter((r) => r.event === 'message:new').map((r) => [r.payload.id, r.payload]));
    const back = await request(visitor.socket, 'session:resume', { conversationId, afterSeq: 0 });
    for (const m of back.messages) seen.set(m.id, m);
    const stored = (await request(agent.socket, 'conversation:open', { conversationId })).messages as Array<{ id: string; seq: number; clientId: string; body: string; author: { kind: string } }>;
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(new Set(stored.map((m) => `${m.author.kind}:${m.clientId}`)).size).toBe(stored.length);
    expect(stored.filter((m) => m.author.kind !== 'system').map((m) => m.body)).toEqual(
      expect.arrayContaining(['Written while Redis was down', 'Me too, while it was down', 'After the restart', 'Got it']),
    );
    for (const m of stored) expect(seen.has(m.id)).toBe(true);
  }, 90_000);
});
