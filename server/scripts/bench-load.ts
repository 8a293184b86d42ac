// pnpm bench:load [--quick]: load and chaos against two real Baton nodes on PostgreSQL + Redis.
// Visitors (split across both nodes) escalate, are auto-assigned to agents, and chat with them;
// clients drop and reconnect at random; one node is killed with SIGKILL mid-run and restarted.
// Every message is checked end to end by its client id. Prints a table and, last, one JSON line;
// exits 1 on any lost, duplicated or out-of-order message or double claim. Loopback only,
// bounded in count and time.
import { execFileSync } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../test/helpers/cluster.js';

const quick = process.argv.includes('--quick');
const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// Quick: 200 visitors × 50 messages, each answered by an agent (≥ 20,000 messages) at about 400 a second.
// Full: 250 visitors × 200 messages answered (≥ 100,000 messages) at about 500 a second, and 10,000 idle widgets.
const VISITORS = size('BENCH_VISITORS', quick ? 200 : 250);
const AGENTS = size('BENCH_AGENTS', quick ? 6 : 10);
const MESSAGES_PER_VISITOR = size('BENCH_MESSAGES', quick ? 50 : 200);
const IDLE_SOCKETS = size('BENCH_IDLE', quick ? 2000 : 10_000);
const HARD_STOP_MS = quick ? 170_000 : 900_000;

type Msg = { id: string; seq: number; clientId: string; conversationId: string; body: string; author: { kind: string; id?: string } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ack = <T = any>(s: Socket, event: string, payload: unknown, ms = 10_000): Promise<T> => s.timeout(ms).emitWithAck(event, payload) as Promise<T>;

async function json(url: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return res.json();
}

const rssKb = (pid: number) => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim());
/** The node's own V8 heap in use (prom-client's default metric), the smallest of a few samples to step past GC noise. */
async function heapKb(url: string): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text());
    const value = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]);
    if (Number.isFinite(value)) least = Math.min(least, value / 1024);
    await sleep(500);
  }
  return least;
}

async function main() {
  const started = Date.now();
  const deadline = started + HARD_STOP_MS;
  const cluster = await clusterDatabase('load');
  const ports = [await freePort(), await freePort()];
  // All simulated visitors share 127.0.0.1: lift the per-address conversation cap for the run.
  const env: Record<string, string> = { ...cluster.env, BATON_CONVERSATIONS_PER_IP_PER_HOUR: '1000000' };
  // BENCH_PROFILE=dir: the nodes write CPU profiles there (they are stopped with SIGTERM at the end).
  if (process.env.BENCH_PROFILE) env.BENCH_PROFILE = process.env.BENCH_PROFILE;
  const nodes: Node[] = [startNode(ports[0]!, env), startNode(ports[1]!, env)];
  let kills = 0;
  try {
    await Promise.all(nodes.map((n) => ready(n)));
    const urls = nodes.map((n) => n.url);

    // Memory per idle widget connection, on a fresh node before the load (GC noise from the run
    // would swamp it afterwards): connect, let it settle, compare, disconnect.
    const target = nodes[1]!;
    await sleep(1000);
    const before = rssKb(target.child.pid!);
    const heapBefore = await heapKb(target.url);
    const idle: Socket[] = [];
    for (let i = 0; i < IDLE_SOCKETS; i += 250) {
      const batch = Array.from({ length: Math.min(250, IDLE_SOCKETS - i) }, () => io(`${target.url}/visitor`, { auth: { siteKey: 'demo' }, transports: ['websocket'], forceNew: true, reconnection: false }));
      await Promise.all(batch.map((s) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())))));
      idle.push(...batch);
    }
    await sleep(2000);
    const after = rssKb(target.child.pid!);
    const heapAfter = await heapKb(target.url);
    const perSocket = Math.round(((after - before) / IDLE_SOCKETS) * 10) / 10;
    const heapPerSocket = Math.round(((heapAfter - heapBefore) / IDLE_SOCKETS) * 10) / 10;
    for (const s of idle) s.disconnect();
    await sleep(1000);

    // Agents: invited through the admin API, signed in once each.
    const admin = await json(`${urls[0]}/api/agent/login`, { method: 'POST', body: JSON.stringify({ email: 'agent@demo.test', password: 'baton-demo' }) });
    const auth = { authorization: `Bearer ${admin.token}` };
    const configured = await json(`${urls[0]}/api/admin/site`, { method: 'PATCH', headers: auth, body: JSON.stringify({ settings: { routing: 'auto', agentCapacity: 50, maxWaiting: 1000, agentSilentSeconds: 3600 } }) });
    if (!configured.ok) throw new Error(`site settings refused: ${JSON.stringify(configured)}`);
    const tokens: string[] = [];
    const agentIds: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const email = `load${i}@demo.test`;
      const invite = await json(`${urls[0]}/api/admin/agents`, { method: 'POST', headers: auth, body: JSON.stringify({ email, name: `Agent ${i}` }) });
      await json(`${urls[0]}/api/agent/set-password`, { method: 'POST', body: JSON.stringify({ token: new URL(invite.setPasswordUrl).hash.slice(1), password: 'load-password-123' }) });
      const signedIn = await json(`${urls[0]}/api/agent/login`, { method: 'POST', body: JSON.stringify({ email, password: 'load-password-123' }) });
      tokens.push(signedIn.token);
      agentIds.push(signedIn.agent.id);
    }
    // The demo agent goes away so only the load agents take conversations.
    await json(`${urls[0]}/api/agent/logout`, { method: 'POST', headers: auth });

    const seenByAgents = new Map<string, Map<string, Msg>>(); // conversation → id → message
    const holders = new Map<string, Set<string>>(); // conversation → agent ids that held it
    const latencies: Array<{ at: number; ms: number }> = [];
    const agentSockets: Socket[] = [];
    const agentAcked = new Map<string, Msg>();
    const agentErrors = new Map<string, number>();
    const countError = (code: string) => agentErrors.set(code, (agentErrors.get(code) ?? 0) + 1);
    for (let i = 0; i < AGENTS; i++) {
      const s = io(`${urls[i % 2]}/agent`, { auth: { token: tokens[i] }, transports: ['websocket'], forceNew: true, reconnectionDelay: 300 });
      const mine = new Set<string>();
      const openConv = async (id: string) => {
        const opened = await ack(s, 'conversation:open', { conversationId: id }).catch(() => null);
        // Whatever arrived while this agent was away is answered now (replies are idempotent).
        if (opened?.ok) for (const m of opened.messages as Msg[]) handle(m);
      };
      const record = (m: Msg) => {
        const map = seenByAgents.get(m.conversationId) ?? new Map<string, Msg>();
        map.set(m.id, m);
        seenByAgents.set(m.conversationId, map);
      };
      s.on('conversation:updated', (c: { id: string; control: string; agent: { id: string } | null }) => {
        if (c.control !== 'agent' || !c.agent) return;
        const set = holders.get(c.id) ?? new Set<string>();
        set.add(c.agent.id);
        holders.set(c.id, set);
        // Conversations assigned to this agent: open them to follow them live.
        if (c.agent.id === agentIds[i] && !mine.has(c.id)) {
          mine.add(c.id);
          void openConv(c.id);
        }
      });
      const answered = new Set<string>();
      const handle = (m: Msg, live = false) => {
        record(m);
        if (m.author.kind !== 'visitor' || !mine.has(m.conversationId) || answered.has(m.id)) return;
        answered.add(m.id);
        const sentAt = Number(/@(\d+)$/.exec(m.body)?.[1]);
        if (live && sentAt) latencies.push({ at: sentAt, ms: Date.now() - sentAt });
        // The agent answers each visitor message once (idempotent client id).
        const clientId = `re-${m.clientId}`;
        void ack(s, 'message:send', { conversationId: m.conversationId, clientId, body: `re ${m.clientId}` })
          .then((r: any) => (r?.ok ? agentAcked.set(clientId, r.message) : countError(r?.error?.code ?? 'no_ack')))
          .catch(() => {
            answered.delete(m.id);
            countError('timeout');
          });
      };
      s.on('message:new', (m: Msg) => handle(m, true));
      s.io.on('reconnect', () => {
        for (const id of mine) void openConv(id);
      });
      agentSockets.push(s);
    }
    await sleep(1000);

    // Visitors.
    interface V {
      socket: Socket;
      token: string;
      conversationId: string;
      seen: Map<string, Msg>;
      acked: Map<string, Msg>;
      node: number;
    }
    const visitors: V[] = [];
    const connectVisitor = (v: Pick<V, 'token' | 'node' | 'seen'>) => {
      const state = v;
      const s = io(`${urls[v.node]}/visitor`, {
        auth: (cb) => cb(state.token ? { siteKey: 'demo', visitorToken: state.token } : { siteKey: 'demo' }),
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 300,
        reconnectionDelayMax: 2000,
      });
      s.on('message:new', (m: Msg) => state.seen.set(m.id, m));
      return s;
    };
    for (let i = 0; i < VISITORS; i++) {
      const v: V = { socket: null as unknown as Socket, token: '', conversationId: '', seen: new Map(), acked: new Map(), node: i % 2 };
      v.socket = connectVisitor(v);
      visitors.push(v);
    }
    await Promise.all(
      visitors.map(async (v) => {
        await new Promise<void>((r) => (v.socket.connected ? r() : v.socket.once('connect', () => r())));
        const resumed = await ack(v.socket, 'session:resume', {});
        v.token = resumed.visitorToken;
        const first = await ack(v.socket, 'message:send', { clientId: 'hello', body: `I need a human @${Date.now()}` });
        v.conversationId = first.message.conversationId;
        v.acked.set('hello', first.message);
      }),
    );
    // Resume after every reconnect, as the widget does.
    for (const v of visitors) {
      v.socket.io.on('reconnect', () => {
        const last = Math.max(0, ...[...v.seen.values()].map((m) => m.seq));
        void ack(v.socket, 'session:resume', { conversationId: v.conversationId, afterSeq: last })
          .then((r: any) => r?.ok && r.messages.forEach((m: Msg) => v.seen.set(m.id, m)))
          .catch(() => {});
      });
    }

    // The conversation: each visitor writes at about one message a second; the agents answer.
    const killAt = Date.now() + (quick ? 25_000 : 60_000);
    let killed = false;
    let restartedAt = Infinity;
    const sendLoop = async (v: V) => {
      for (let n = 1; n <= MESSAGES_PER_VISITOR && Date.now() < deadline - 30_000; n++) {
        const clientId = `m${n}`;
        for (let attempt = 0; attempt < 20; attempt++) {
          if (!v.socket.connected) {
            await sleep(300);
            continue;
          }
          const r = await ack(v.socket, 'message:send', { clientId, body: `msg ${n} @${Date.now()}` }, 5000).catch(() => null);
          if (r?.ok) {
            v.acked.set(clientId, r.message);
            break;
          }
          await sleep(r?.error?.code === 'rate_limited' ? (r.error.details?.retryAfterMs ?? 1000) : 500);
        }
        // Random churn: drop the connection now and then; it comes back on its own.
        if (Math.random() < 0.01) {
          v.socket.disconnect();
          setTimeout(() => v.socket.connect(), 200 + Math.random() * 800);
        }
        await sleep(850 + Math.random() * 300);
      }
    };
    const chaos = (async () => {
      while (Date.now() < killAt) await sleep(200);
      killed = true;
      nodes[0]!.child.kill('SIGKILL');
      kills += 1;
      await new Promise((r) => nodes[0]!.child.once('exit', r));
      await sleep(2000);
      nodes[0] = startNode(ports[0]!, env);
      await ready(nodes[0]!);
      restartedAt = Date.now();
    })();
    const sendStarted = Date.now();
    await Promise.all([...visitors.map(sendLoop), chaos]);
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    void killed;

    // Settle, then everyone catches up once more.
    await sleep(4000);
    await Promise.all(
      visitors.map(async (v) => {
        for (let i = 0; i < 20 && !v.socket.connected; i++) await sleep(250);
        const r = await ack(v.socket, 'session:resume', { conversationId: v.conversationId, afterSeq: 0 }, 15_000).catch(() => null);
        if (r?.ok) for (const m of r.messages as Msg[]) v.seen.set(m.id, m);
      }),
    );
    const auditor = io(`${urls[1]}/agent`, { auth: { token: tokens[1] }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => auditor.once('connect', () => r()));
    const stored = new Map<string, Msg[]>();
    for (const v of visitors) {
      const r = await ack(auditor, 'conversation:open', { conversationId: v.conversationId }, 15_000).catch(() => null);
      stored.set(v.conversationId, r?.ok ? (r.messages as Msg[]) : []);
    }

    if (process.env.BENCH_DEBUG) {
      const slow = latencies.filter((l) => l.ms > 80).map((l) => `${((l.at - sendStarted) / 1000).toFixed(1)}s:${l.ms}`);
      console.log(`slow deliveries (> 80 ms), ${slow.length} of ${latencies.length}:`, slow.slice(0, 300).join(' '));
      const sample = visitors.filter((v) => !holders.has(v.conversationId)).slice(0, 2);
      for (const n of nodes) console.log(`node ${n.port} log tail:`, n.output.join('').slice(-3000));
      for (const v of sample) console.log('not taken:', JSON.stringify(stored.get(v.conversationId)?.slice(0, 4).map((m) => [m.author.kind, m.body.slice(0, 120)])));
    }
    // Checks.
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let messages = 0;
    let unanswered = 0;
    for (const v of visitors) {
      const all = stored.get(v.conversationId)!;
      const agentView = new Map([...(seenByAgents.get(v.conversationId) ?? new Map()).entries(), ...all.map((m) => [m.id, m] as const)]);
      // Visitor messages acknowledged must reach the agents' side; agent replies must reach the visitor.
      for (const m of v.acked.values()) if (!agentView.has(m.id)) lost += 1;
      for (const m of all) if (m.author.kind === 'agent' && !v.seen.has(m.id)) lost += 1;
      messages += all.filter((m) => m.author.kind !== 'system').length;
      const byClient = new Map<string, number>();
      for (const m of all) byClient.set(`${m.author.kind}:${m.clientId}`, (byClient.get(`${m.author.kind}:${m.clientId}`) ?? 0) + 1);
      duplicated += [...byClient.values()].filter((n) => n > 1).length;
      const replies = new Set(all.filter((m) => m.author.kind === 'agent').map((m) => m.clientId));
      unanswered += all.filter((m) => m.author.kind === 'visitor' && !replies.has(`re-${m.clientId}`)).length;
      const seqs = all.map((m) => m.seq);
      if (seqs.some((s, i) => s !== i + 1)) outOfOrder += 1;
    }
    for (const m of agentAcked.values()) {
      const all = stored.get(m.conversationId) ?? [];
      if (!all.some((x) => x.id === m.id)) lost += 1;
    }
    const doubleClaims = [...holders.values()].filter((s) => s.size > 1).length;
    // Delivery latency overall, and in steady state: after the first 15 s (JIT warm-up, the opening
    // burst of escalations), and away from the kill, the reconnect storm and the 10 s after it.
    const percentile = (values: number[], p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)] ?? 0;
    const allMs = latencies.map((l) => l.ms).sort((a, b) => a - b);
    const warm = sendStarted + 15_000; // JIT warm-up and the opening burst of escalations and routings
    const steady = latencies.filter((l) => l.at > warm && (l.at < killAt - 500 || l.at > restartedAt + 10_000)).map((l) => l.ms).sort((a, b) => a - b);
    const rate = Math.round(messages / sendSeconds);

    for (const s of [...visitors.map((v) => v.socket), ...agentSockets, auditor]) s.disconnect();

    const result = {
      nodes: 2,
      visitors: VISITORS,
      agents: AGENTS,
      messages,
      lost,
      duplicated,
      out_of_order: outOfOrder,
      double_claims: doubleClaims,
      p50_ms: percentile(allMs, 0.5),
      p99_ms: percentile(allMs, 0.99),
      steady_p99_ms: percentile(steady, 0.99),
      kills,
      msgs_per_s: rate,
      heap_kb_per_idle_socket: heapPerSocket,
      rss_kb_per_idle_socket: perSocket,
    };
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`\nload and chaos, ${quick ? 'quick' : 'full'} size, ${seconds} s`);
    console.table({
      'visitors / agents': `${VISITORS} / ${AGENTS}`,
      'messages stored (visitor + agent)': messages,
      'lost / duplicated / out of order': `${lost} / ${duplicated} / ${outOfOrder}`,
      'conversations taken by an agent': `${holders.size} of ${VISITORS}`,
      'double claims': doubleClaims,
      'visitor messages left unanswered': unanswered,
      'visitor → agent p50 / p99 (whole run)': `${result.p50_ms} ms / ${result.p99_ms} ms`,
      'visitor → agent p99, steady state': `${result.steady_p99_ms} ms`,
      'node kills (SIGKILL + restart)': kills,
      'messages a second (send phase)': rate,
      [`idle widgets on one node (${IDLE_SOCKETS}): per socket`]: `${heapPerSocket} KB heap, ${perSocket} KB RSS`,
    });
    if (agentErrors.size) console.log('agent replies refused:', Object.fromEntries(agentErrors));
    console.log(JSON.stringify(result));
    process.exitCode = lost || duplicated || outOfOrder || doubleClaims ? 1 : 0;
  } finally {
    if (process.env.BENCH_PROFILE) {
      for (const n of nodes) n.child.kill('SIGTERM');
      await Promise.all(nodes.map((n) => (n.child.exitCode === null ? new Promise((r) => n.child.once('exit', r)) : null)));
    }
    if (process.env.BENCH_KEEP) {
      for (const n of nodes) n.child.kill('SIGKILL');
      console.log(`kept database ${cluster.env.DATABASE_URL}`);
    } else await cluster.drop(nodes);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
