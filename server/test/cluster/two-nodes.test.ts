// Two real Baton processes on one Postgres database and one Redis: a visitor on one node, the
// agent on the other; Redis drops every connection mid-conversation; the visitor's node is killed
// with SIGKILL and the visitor continues on the other node with nothing lost and nothing doubled.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDatabase, freePort, type Node, REDIS_URL, ready, startNode } from '../helpers/cluster.js';
import { connect, login, request, waitFor } from '../helpers/server.js';

describe('two nodes behind one database and Redis', () => {
  let a: Node;
  let b: Node;
  let cluster: Awaited<ReturnType<typeof clusterDatabase>>;

  beforeAll(async () => {
    cluster = await clusterDatabase('cluster');
    // Both start at the same moment: migrations and the demo seed must not collide.
    a = startNode(await freePort(), cluster.env);
    b = startNode(await freePort(), cluster.env);
    await Promise.all([ready(a), ready(b)]);
  }, 60_000);

  afterAll(async () => cluster.drop([a, b]));

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
