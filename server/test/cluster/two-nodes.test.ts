// Two real Baton processes on one Postgres database and one Redis: a visitor on one node, the
// agent on the other; Redis drops every connection mid-conversation; the visitor's node is killed
// with SIGKILL and the visitor continues on the other node with nothing lost and nothing doubled.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../helpers/db.js';
import { connect, login, request, waitFor } from '../helpers/server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER_DIR = resolve(import.meta.dirname, '../..');

interface Node {
  url: string;
  child: ChildProcess;
  output: string[];
}

function startNode(port: number, env: Record<string, string>): Node {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { url: `http://127.0.0.1:${port}`, child, output };
}

async function ready(node: Node, timeoutMs = 30_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (node.child.exitCode !== null) throw new Error(`node exited: ${node.output.join('')}`);
    const ok = await fetch(`${node.url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node not ready: ${node.output.join('')}`);
}

describe('two nodes behind one database and Redis', () => {
  const database = `baton_cluster_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(TEST_PG_URL);
    url.pathname = `/${database}`;
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL,
      REDIS_STREAM: `${database}`,
      BATON_SECRET: 'cluster-test-secret-0123456789abcdef0123',
      BATON_DEMO: '1',
      BATON_DATA_DIR: mkdtempSync(join(tmpdir(), 'baton-node-')),
    };
    const base = 42000 + (process.pid % 1000) * 2;
    // Both start at the same moment: migrations and the demo seed must not collide.
    a = startNode(base, env);
    b = startNode(base + 1, env);
    await Promise.all([ready(a), ready(b)]);
  }, 60_000);

  afterAll(async () => {
    for (const n of [a, b]) if (n && n.child.exitCode === null) n.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    const redis = new Redis(REDIS_URL);
    await redis.del(database).catch(() => {});
    await redis.quit();
  });

  it('handoff across nodes survives a Redis drop and a SIGKILL of the visitor’s node', async () => {
    const visitorOnA = await connect(a.url, '/visitor', { siteKey: 'demo' });
    const resumed = await request(visitorOnA.socket, 'session:resume', {});
    const token = resumed.visitorToken as string;
    const { body } = await login(b.url);
    const agentOnB = await connect(b.url, '/agent', { token: body.token });

    const sent = await request(visitorOnA.socket, 'message:send', { clientId: 'c1', body: 'I need a human please' });
    const conversationId = sent.message.conversationId as string;
    await waitFor(visitorOnA, 'conversation:updated', (c) => c.control === 'queued');
    // The agent on B hears about changes made on A (through Redis).
    await waitFor(agentOnB, 'conversation:updated', (c) => c.id === conversationId && c.control === 'queued', 10_000);

    expect(await request(agentOnB.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: true });
    await waitFor(visitorOnA, 'message:new', (m) => m.notice === 'agent_joined', 10_000);
    await request(agentOnB.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Hello from node B' });
    await waitFor(visitorOnA, 'message:new', (m) => m.body === 'Hello from node B', 10_000);
    await request(visitorOnA.socket, 'message:send', { clientId: 'c2', body: 'Hi from node A' });
    await waitFor(agentOnB, 'message:new', (m) => m.body === 'Hi from node A', 10_000);

    // Redis drops every client connection: the nodes reconnect and the stream resumes.
    const killer = new Redis(REDIS_URL);
    await killer.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await killer.quit();
    await request(agentOnB.socket, 'message:send', { conversationId, clientId: 'a2', body: 'Still here after the Redis blip' });
    await waitFor(visitorOnA, 'message:new', (m) => m.body === 'Still here after the Redis blip', 15_000);

    // Node A dies without warning; the agent keeps writing meanwhile.
    const seen = visitorOnA.received.filter((r) => r.event === 'message:new').map((r) => r.payload);
    const lastSeq = Math.max(...seen.map((m) => m.seq));
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    for (const n of [3, 4, 5]) await request(agentOnB.socket, 'message:send', { conversationId, clientId: `a${n}`, body: `While you were away ${n}` });

    // The visitor comes back on node B with the same token and gets exactly what they missed.
    const visitorOnB = await connect(b.url, '/visitor', { siteKey: 'demo', visitorToken: token });
    const back = await request(visitorOnB.socket, 'session:resume', { conversationId, afterSeq: lastSeq });
    expect(back.visitorId).toBe(resumed.visitorId);
    expect(back.messages.map((m: any) => m.body)).toEqual(['While you were away 3', 'While you were away 4', 'While you were away 5']);
    // A retry of a message sent to the dead node is stored once.
    const retry = await request(visitorOnB.socket, 'message:send', { clientId: 'c2', body: 'Hi from node A' });
    expect(retry.message.id).toBe(seen.find((m) => m.clientId === 'c2').id);
    await request(visitorOnB.socket, 'message:send', { clientId: 'c3', body: 'Back, on node B' });
    await waitFor(agentOnB, 'message:new', (m) => m.body === 'Back, on node B');

    // Nothing lost, nothing doubled, seqs gapless.
    const all = await request(agentOnB.socket, 'conversation:open', { conversationId });
    const seqs = all.messages.map((m: any) => m.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(new Set(all.messages.map((m: any) => m.clientId)).size).toBe(all.messages.length);
    expect(all.messages.filter((m: any) => m.author.kind === 'visitor').map((m: any) => m.body)).toEqual(['I need a human please', 'Hi from node A', 'Back, on node B']);
  }, 90_000);
});
