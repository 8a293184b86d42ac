// Two nodes behind Debian's nginx, configured as docs/deploy.md says (WebSocket upgrade, ip_hash
// for the long-polling fallback). A visitor on WebSocket and one on HTTP long-polling chat with an
// agent through the load balancer; the node serving the visitors is killed with SIGKILL; they
// reconnect through nginx to the other node and continue with nothing lost. The widget's files
// come through as the node sends them.
import { brotliDecompressSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT, dist, get, LOADER } from '../helpers/assets.js';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../helpers/cluster.js';
import { type LoadBalancer, servedBy, startNginx } from '../helpers/nginx.js';
import { login, request, waitFor } from '../helpers/server.js';

/** A visitor client as the widget is: it presents its visitor token on every (re)connect. */
function visitorVia(url: string, transports: string[]) {
  const state = { token: '' };
  const socket: Socket = io(`${url}/visitor`, {
    auth: (cb) => cb(state.token ? { siteKey: 'demo', visitorToken: state.token } : { siteKey: 'demo' }),
    transports,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  });
  const received: { event: string; payload: any }[] = [];
  socket.onAny((event, payload) => received.push({ event, payload }));
  return { socket, received, state };
}

// .ci/run installs Debian's nginx-light; without it this suite fails rather than skips.
describe('two nodes behind nginx', () => {
  let a: Node;
  let b: Node;
  let balancer: LoadBalancer;
  let lb: string;
  let cluster: Awaited<ReturnType<typeof clusterDatabase>>;

  beforeAll(async () => {
    cluster = await clusterDatabase('nginx');
    const env = { ...cluster.env, BATON_STATIC_DIR: dist() };
    a = startNode(await freePort(), env);
    b = startNode(await freePort(), env);
    await Promise.all([ready(a), ready(b)]);
    balancer = await startNginx([a.port, b.port]);
    lb = balancer.url;
  }, 60_000);

  afterAll(async () => {
    balancer?.stop();
    await cluster.drop([a, b]);
  });

  it('the widget comes through nginx as the node sends it: compressed by the build, varying by encoding, cached as its name allows', async () => {
    const chat = await get(`${lb}/chat-Ab12_-yZ.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(chat.headers['content-encoding']).toBe('br');
    expect(chat.headers.vary).toBe('Accept-Encoding');
    expect(chat.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(chat.body).toString()).toBe(CHAT);
    expect((await get(`${lb}/chat-Ab12_-yZ.js`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
    const loader = await get(`${lb}/widget.js`, { 'accept-encoding': 'br' });
    expect(loader.headers['cache-control']).toBe('public, max-age=300');
    expect(brotliDecompressSync(loader.body).toString()).toBe(LOADER);
    // Revalidation reaches the node and comes back as 304, with nothing to download.
    const again = await get(`${lb}/widget.js`, { 'accept-encoding': 'br', 'if-none-match': String(loader.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('WebSocket and long-polling visitors survive a SIGKILL of their node through the load balancer', async () => {
    const pid = await servedBy(balancer);
    const visitorNode = [a, b].find((n) => n.child.pid === pid)!;
    const otherNode = visitorNode === a ? b : a;
    expect(visitorNode).toBeTruthy();

    // The agent connects straight to the other node; the visitors go through nginx.
    const { body } = await login(otherNode.url);
    const agentSocket = io(`${otherNode.url}/agent`, { auth: { token: body.token }, transports: ['websocket'] });
    const agent = { socket: agentSocket, received: [] as { event: string; payload: any }[] };
    agentSocket.onAny((event, payload) => agent.received.push({ event, payload }));
    const ws = visitorVia(lb, ['websocket']);
    const polling = visitorVia(lb, ['polling']);
    const ids: Record<string, string> = {};
    for (const [name, v] of [['ws', ws], ['polling', polling]] as const) {
      await new Promise<void>((r) => (v.socket.connected ? r() : v.socket.once('connect', () => r())));
      const resumed = await request(v.socket, 'session:resume', {});
      v.state.token = resumed.visitorToken;
      const sent = await request(v.socket, 'message:send', { clientId: `${name}-1`, body: `I need a human (${name})` });
      ids[name] = sent.message.conversationId;
      await waitFor(v, 'conversation:updated', (c) => c.control === 'queued', 10_000);
      expect(resumed.visitorToken).toBeTruthy();
      expect(await request(agentSocket, 'conversation:claim', { conversationId: ids[name] })).toMatchObject({ ok: true });
      await request(agentSocket, 'message:send', { conversationId: ids[name], clientId: `${name}-a1`, body: `Hello ${name}` });
      await waitFor(v, 'message:new', (m) => m.body === `Hello ${name}`, 10_000);
    }

    const lastSeqBefore = [ws, polling].map((v) => Math.max(...v.received.filter((r) => r.event === 'message:new').map((r) => r.payload.seq as number)));
    const reconnected = [ws, polling].map((v) => new Promise<void>((r) => v.socket.io.once('reconnect', () => r())));
    visitorNode.child.kill('SIGKILL');
    await new Promise((r) => visitorNode.child.once('exit', r));
    for (const name of ['ws', 'polling']) {
      await request(agentSocket, 'message:send', { conversationId: ids[name]!, clientId: `${name}-a2`, body: `While your node was down (${name})` });
    }
    // Socket.IO reconnects on its own; nginx now sends them to the surviving node. The widget
    // resumes after every reconnect; here the test does what the widget does.
    await Promise.all(reconnected);
    for (const [i, [name, v]] of ([['ws', ws], ['polling', polling]] as const).entries()) {
      // Resume from the last seq seen before the kill; whatever also arrived live is the same message (same id).
      const back = await request(v.socket, 'session:resume', { conversationId: ids[name], afterSeq: lastSeqBefore[i] }, 10_000);
      expect(back.messages.map((m: any) => m.body)).toEqual([`While your node was down (${name})`]);
      const live = v.received.filter((r) => r.event === 'message:new' && r.payload.body === `While your node was down (${name})`);
      expect(live.every((r) => r.payload.id === back.messages[0].id)).toBe(true);
      await request(v.socket, 'message:send', { clientId: `${name}-2`, body: `Back (${name})` });
      await waitFor(agent, 'message:new', (m) => m.body === `Back (${name})`, 10_000);
    }
    expect(await servedBy(balancer)).toBe(otherNode.child.pid);
    for (const s of [ws.socket, polling.socket, agentSocket]) s.disconnect();
  }, 90_000);
});
