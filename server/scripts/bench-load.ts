// pnpm bench:load [--quick]: load and chaos against two real Baton nodes on PostgreSQL + Redis.
// First a claim race: agents on both nodes take the same queued conversations at the same moment
// (pick mode). Then visitors (split across both nodes) escalate, are auto-assigned to agents, and
// chat with them; visitors and agents drop and reconnect at random; one node is killed with SIGKILL
// mid-run and restarted. Every message is checked against what each client was actually
// delivered, live or by the resume a reconnecting widget or console makes (load-receiver.ts), and
// against the database. Prints a table and, last, one JSON line; exits 1 on any lost, duplicated
// or out-of-order message, any double claim, too few messages, or too many refused sends.
// Loopback only, bounded in count and time.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../test/helpers/cluster.js';
import { Receiver, REORDER_HOLD_MS } from './load-receiver.js';

const quick = process.argv.includes('--quick');
const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// Quick: 200 visitors × 50 messages, each answered by an agent (≥ 20,000 messages) at about 400 a second.
// Full: 250 visitors × 200 messages answered (≥ 100,000 messages) at about 500 a second, and 10,000 idle widgets.
const VISITORS = size('BENCH_VISITORS', quick ? 200 : 250);
const AGENTS = size('BENCH_AGENTS', quick ? 6 : 10);
const MESSAGES_PER_VISITOR = size('BENCH_MESSAGES', quick ? 50 : 200);
const IDLE_SOCKETS = size('BENCH_IDLE', quick ? 2000 : 10_000);
const RACES = size('BENCH_RACES', quick ? 40 : 100); // queued conversations three agents claim at once
const HARD_STOP_MS = quick ? 160_000 : 900_000; // CI: the whole quick run under 3 minutes
// The issue's floor (at least 20,000 messages quick, 100,000 full) unless the sizes were changed,
// then 98 % of what the sizes produce: every visitor message and its answer.
const sized = ['BENCH_VISITORS', 'BENCH_MESSAGES'].some((k) => process.env[k]);
const MIN_MESSAGES = size('BENCH_MIN_MESSAGES', sized ? Math.floor(VISITORS * (MESSAGES_PER_VISITOR + 1) * 2 * 0.98) : quick ? 20_000 : 100_000);
const SEND_GIVE_UP_MS = 30_000; // a send not acknowledged by then counts as unacknowledged

type Msg = { id: string; seq: number; clientId: string; conversationId: string; body: string; author: { kind: string; id?: string } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ack = <T = any>(s: Socket, event: string, payload: unknown, ms = 10_000): Promise<T> => s.timeout(ms).emitWithAck(event, payload) as Promise<T>;
const connected = (s: Socket) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())));

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

/** Sends: acknowledged, refused (an error ack, per code, each attempt), timed out, or never acknowledged. */
class Sends {
  total = 0;
  acked = 0;
  timeouts = 0;
  unacknowledged = 0;
  readonly refused = new Map<string, number>();
  refuse(code: string) {
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
  }
  get refusals() {
    return [...this.refused.values()].reduce((a, b) => a + b, 0);
  }
  /**
   * Retries with the same client id (idempotent) until acknowledged or SEND_GIVE_UP_MS passed.
   * `onEmit` is told when the message first goes out on a connected socket (the start of its
   * delivery; before that the sender was waiting for its own reconnect).
   */
  async send(s: Socket, payload: { clientId: string }, onEmit?: () => void, until = Date.now() + SEND_GIVE_UP_MS): Promise<Msg | null> {
    this.total += 1;
    let backoff = 500; // doubling, so a slow server is not buried under retries
    let emitted = false;
    while (Date.now() < until) {
      if (!s.connected) {
        await sleep(200);
        continue;
      }
      if (!emitted) {
        emitted = true;
        onEmit?.();
      }
      const r = await ack(s, 'message:send', payload, Math.min(10_000, Math.max(1000, until - Date.now()))).catch(() => null);
      if (r?.ok) {
        this.acked += 1;
        return r.message as Msg;
      }
      if (r) this.refuse(r.error?.code ?? 'malformed_ack');
      else this.timeouts += 1;
      await sleep(r?.error?.code === 'rate_limited' ? (r.error.details?.retryAfterMs ?? 1000) : backoff);
      backoff = Math.min(backoff * 2, 8000);
    }
    this.unacknowledged += 1;
    return null;
  }
}

async function main() {
  const started = Date.now();
  const deadline = started + HARD_STOP_MS;
  const cluster = await clusterDatabase('load');
  const ports = [await freePort(), await freePort()];
  // All simulated visitors share 127.0.0.1: lift the per-address conversation cap for the run.
  const env: Record<string, string> = { ...cluster.env, BATON_CONVERSATIONS_PER_IP_PER_HOUR: '1000000', BATON_NEW_VISITORS_PER_IP_PER_MINUTE: '1000000', BATON_SOCKETS_PER_IP: '1000000' };
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
      await Promise.all(batch.map(connected));
      idle.push(...batch);
    }
    await sleep(2000);
    const after = rssKb(target.child.pid!);
    const heapAfter = await heapKb(target.url);
    const perSocket = Math.round(((after - before) / IDLE_SOCKETS) * 10) / 10;
    const heapPerSocket = Math.round(((heapAfter - heapBefore) / IDLE_SOCKETS) * 10) / 10;
    for (const s of idle) s.disconnect();
    await sleep(1000);

    // Agents: invited through the admin API, signed in once each. Pick mode for the claim race first.
    const admin = await json(`${urls[0]}/api/agent/login`, { method: 'POST', body: JSON.stringify({ email: 'agent@demo.test', password: 'baton-demo' }) });
    const auth = { authorization: `Bearer ${admin.token}` };
    const settings = (routing: 'auto' | 'pick') =>
      json(`${urls[0]}/api/admin/site`, { method: 'PATCH', headers: auth, body: JSON.stringify({ settings: { routing, agentCapacity: 50, maxWaiting: 1000, agentSilentSeconds: 3600 } }) }).then((r) => {
        if (!r.ok) throw new Error(`site settings refused: ${JSON.stringify(r)}`);
      });
    await settings(RACES ? 'pick' : 'auto');
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

    const raceIds = new Set<string>();
    const holders = new Map<string, Set<string>>(); // conversation → agent ids that held it
    // Per visitor message seen live by its agent: when the visitor pressed send (`at`), the time
    // from then (`ms`, with any wait for the visitor's own reconnect) and from when it went out
    // on a connected socket (`wireMs`: the delivery itself).
    const latencies: Array<{ at: number; ms: number; wireMs: number }> = [];
    const emittedAt = new Map<string, number>(); // conversation/clientId → first emit on a connected socket
    const agentSends = new Sends();
    const agentAcked = new Map<string, Msg>();
    interface A {
      socket: Socket;
      rx: Receiver;
      mine: Set<string>;
      /** conversation:open requests in flight (the first one of a conversation, or a resume after a reconnect). */
      opening: number;
    }
    const agents: A[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const s = io(`${urls[i % 2]}/agent`, { auth: { token: tokens[i] }, transports: ['websocket'], forceNew: true, reconnectionDelay: 300 });
      const a: A = { socket: s, rx: new Receiver(`agent ${i}`, true), mine: new Set(), opening: 0 };
      // As the console does: the first open reads the conversation, a reopen after a reconnect
      // asks only for what came after the last seq this agent holds.
      const openConv = async (id: string) => {
        a.opening += 1;
        // Fixed before the first attempt: what arrives live meanwhile must not move it past a gap.
        const afterSeq = a.rx.lastSeq(id);
        const mark = a.rx.mark();
        try {
          for (let attempt = 0; attempt < 5; attempt++) {
            await connected(s);
            const opened = await ack(s, 'conversation:open', { conversationId: id, afterSeq }).catch(() => null);
            if (opened?.ok) {
              for (const m of a.rx.resumed(opened.messages as Msg[], mark, afterSeq)) answer(m as Msg);
              a.rx.opened(id);
              return;
            }
            await sleep(500);
          }
        } finally {
          a.rx.settled(mark);
          a.opening -= 1;
        }
      };
      s.on('conversation:updated', (c: { id: string; control: string; agent: { id: string } | null }) => {
        if (c.control !== 'agent' || !c.agent || raceIds.has(c.id)) return;
        const set = holders.get(c.id) ?? new Set<string>();
        set.add(c.agent.id);
        holders.set(c.id, set);
        // Conversations assigned to this agent: open them to follow them live.
        if (c.agent.id === agentIds[i] && !a.mine.has(c.id)) {
          a.mine.add(c.id);
          void openConv(c.id);
        }
      });
      const answered = new Set<string>();
      // The agent answers each visitor message once (idempotent client id, retried until acknowledged).
      const answer = (m: Msg) => {
        if (m.author.kind !== 'visitor' || !a.mine.has(m.conversationId) || answered.has(m.id)) return;
        answered.add(m.id);
        const clientId = `re-${m.clientId}`;
        void agentSends.send(s, { conversationId: m.conversationId, clientId, body: `re ${m.clientId}` } as { clientId: string }).then((r) => r && agentAcked.set(clientId, r));
      };
      s.on('message:new', (m: Msg) => {
        if (!a.rx.live(m)) return;
        const sentAt = Number(/@(\d+)$/.exec(m.body)?.[1]);
        if (m.author.kind === 'visitor' && a.mine.has(m.conversationId) && sentAt) {
          const now = Date.now();
          latencies.push({ at: sentAt, ms: now - sentAt, wireMs: now - (emittedAt.get(`${m.conversationId}/${m.clientId}`) ?? sentAt) });
        }
        answer(m);
      });
      let first = true;
      s.on('connect', () => {
        if (first) first = false;
        else for (const id of a.mine) void openConv(id);
      });
      a.rx.onGap = (id) => void (a.mine.has(id) && openConv(id));
      agents.push(a);
    }
    await Promise.all(agents.map((a) => connected(a.socket)));
    await sleep(1000);

    // Visitors: `resume` after every reconnect (automatic or not), as the widget does.
    interface V {
      socket: Socket;
      token: string;
      conversationId: string;
      rx: Receiver;
      acked: Map<string, Msg>;
      node: number;
      resuming: number;
    }
    const resumeVisitor = async (v: V) => {
      v.resuming += 1;
      const afterSeq = v.rx.lastSeq(v.conversationId); // fixed before the first attempt, as for agents
      const mark = v.rx.mark();
      try {
        for (let attempt = 0; attempt < 5 && v.socket.connected; attempt++) {
          const r = await ack(v.socket, 'session:resume', { conversationId: v.conversationId, afterSeq }).catch(() => null);
          if (r?.ok) {
            v.rx.resumed(r.messages as Msg[], mark, afterSeq);
            return;
          }
          await sleep(500);
        }
      } finally {
        v.rx.settled(mark);
        v.resuming -= 1;
      }
    };
    const newVisitor = async (i: number, opening: string): Promise<V> => {
      const v: V = { socket: null as unknown as Socket, token: '', conversationId: '', rx: new Receiver(`visitor ${i}`), acked: new Map(), node: i % 2, resuming: 0 };
      v.socket = io(`${urls[v.node]}/visitor`, {
        auth: (cb) => cb(v.token ? { siteKey: 'demo', visitorToken: v.token } : { siteKey: 'demo' }),
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 300,
        reconnectionDelayMax: 2000,
      });
      v.socket.on('message:new', (m: Msg) => v.rx.live(m));
      // A gap that outlives the hold (a message whose node died before delivering it) is fetched.
      v.rx.onGap = () => void (v.socket.connected && resumeVisitor(v));
      v.socket.on('connect', () => v.conversationId && void resumeVisitor(v));
      await connected(v.socket);
      const resumed = await ack(v.socket, 'session:resume', {});
      v.token = resumed.visitorToken;
      const first = await ack(v.socket, 'message:send', { clientId: 'hello', body: `${opening} @${Date.now()}` });
      v.conversationId = first.message.conversationId;
      v.acked.set('hello', first.message);
      return v;
    };

    // The claim race: queued conversations (pick mode, nobody assigns them), each claimed by
    // three agents at the same moment, on both nodes. Exactly one claim may win.
    const raceStarted = Date.now();
    const racers = await Promise.all(Array.from({ length: RACES }, (_, i) => newVisitor(VISITORS + i, 'I need a human')));
    for (const r of racers) raceIds.add(r.conversationId);
    for (let i = 0; i < 60; i++) {
      const listed = await ack(agents[0]!.socket, 'queue:list', {}).catch(() => null);
      const queued = new Set<string>((listed?.conversations ?? []).filter((c: any) => c.control === 'queued').map((c: any) => c.id));
      if ([...raceIds].every((id) => queued.has(id))) break;
      await sleep(250);
    }
    const raceErrors = new Map<string, number>();
    const raceWinners = new Map<string, number>(); // conversation → claims that won
    await Promise.all(
      racers.map(async (r, n) => {
        const contenders = [0, 1, 2].map((k) => agents[(n + k) % AGENTS]!);
        const acks = await Promise.all(contenders.map((a) => ack(a.socket, 'conversation:claim', { conversationId: r.conversationId }).catch(() => null)));
        raceWinners.set(r.conversationId, acks.filter((x: any) => x?.ok).length);
        for (const x of acks) if (!x?.ok) raceErrors.set(x?.error?.code ?? 'no_ack', (raceErrors.get(x?.error?.code ?? 'no_ack') ?? 0) + 1);
        // The winner resolves it, so the load's capacity is untouched.
        const winner = contenders[acks.findIndex((x: any) => x?.ok)];
        if (winner) await ack(winner.socket, 'conversation:resolve', { conversationId: r.conversationId }).catch(() => null);
        r.socket.disconnect();
      }),
    );
    const raceSeconds = Math.round((Date.now() - raceStarted) / 100) / 10;
    const racesWithoutWinner = [...raceWinners.values()].filter((n) => n === 0).length;
    const racesDoubled = [...raceWinners.values()].filter((n) => n > 1).length;

    // Auto-assign for the load (each node keeps site settings 2 s); the demo agent goes away so
    // only the load agents take conversations.
    if (RACES) await settings('auto');
    await json(`${urls[0]}/api/agent/logout`, { method: 'POST', headers: auth });
    if (RACES) await sleep(2500);

    const visitors = await Promise.all(Array.from({ length: VISITORS }, (_, i) => newVisitor(i, 'I need a human')));

    // The conversation: each visitor writes at about one message a second; the agents answer.
    const visitorSends = new Sends();
    const killAt = Date.now() + (quick ? 25_000 : 60_000);
    let restartedAt = Infinity;
    const sendsEnd = deadline - 35_000; // room to settle and check
    const sendLoop = async (v: V) => {
      // Visitors start at random moments within the first second, as real ones do: all of them
      // in lockstep would send their messages in one burst a second until their jitter spread
      // them out (about 25 s), and measure the burst rather than the delivery.
      await sleep(Math.random() * 1000);
      for (let n = 1; n <= MESSAGES_PER_VISITOR && Date.now() < sendsEnd; n++) {
        const clientId = `m${n}`;
        const sentAt = Date.now();
        const message = await visitorSends.send(v.socket, { clientId, body: `msg ${n} @${sentAt}` } as { clientId: string }, () =>
          emittedAt.set(`${v.conversationId}/${clientId}`, Date.now()),
        );
        if (message) v.acked.set(clientId, message);
        // Random churn: drop the connection now and then; it comes back on its own.
        if (Math.random() < 0.01) {
          v.socket.disconnect();
          setTimeout(() => v.socket.connect(), 200 + Math.random() * 800);
        }
        // About one message a second, however long the acknowledgement took.
        await sleep(Math.max(50, sentAt + 850 + Math.random() * 300 - Date.now()));
      }
    };
    // Each agent's console drops once, at a random moment of the send phase, for up to 1.5 s.
    const agentChurn = agents.map(async (a) => {
      await sleep(5000 + Math.random() * (quick ? 40_000 : 150_000));
      a.socket.disconnect();
      await sleep(500 + Math.random() * 1000);
      a.socket.connect();
    });
    const chaos = (async () => {
      while (Date.now() < killAt) await sleep(200);
      nodes[0]!.child.kill('SIGKILL');
      kills += 1;
      await new Promise((r) => nodes[0]!.child.once('exit', r));
      await sleep(2000);
      nodes[0] = startNode(ports[0]!, env);
      await ready(nodes[0]!);
      restartedAt = Date.now();
    })();
    const sendStarted = Date.now();
    await Promise.all([...visitors.map(sendLoop), chaos, ...agentChurn]);
    const sendSeconds = (Date.now() - sendStarted) / 1000;

    // Settle: replies in flight land, every client is back online with its resume answered. No
    // re-read: what a client did not get live or by that resume is lost.
    await sleep(3000);
    for (let i = 0; i < 60 && Date.now() < deadline; i++) {
      const busy = agentSends.acked + agentSends.unacknowledged < agentSends.total;
      const behind = visitors.some((v) => !v.socket.connected || v.resuming) || agents.some((a) => !a.socket.connected || a.opening);
      if (!busy && !behind) break;
      await sleep(250);
    }
    await sleep(1000);
    const offlineAtEnd = visitors.filter((v) => !v.socket.connected).length + agents.filter((a) => !a.socket.connected).length;
    // Work the time budget cut short: what it would still have delivered counts as lost.
    const inFlight = `${agentSends.total - agentSends.acked - agentSends.unacknowledged} agent sends, ${agents.reduce((n, a) => n + a.opening, 0)} opens, ${visitors.reduce((n, v) => n + v.resuming, 0)} resumes`;

    // What is stored, read from PostgreSQL itself. Acknowledgements that arrive after this read
    // are not held against it; deliveries still in flight get 3 s more before they count as lost.
    const agentAckedBefore = [...agentAcked.values()];
    const visitorAckedBefore = new Map(visitors.map((v) => [v, [...v.acked.values()]]));
    const db = new pg.Client({ connectionString: cluster.env.DATABASE_URL });
    await db.connect();
    const stored = new Map<string, Msg[]>();
    const rows = await db.query('SELECT id, conversation_id, seq, client_id, author_kind, body FROM messages ORDER BY conversation_id, seq');
    for (const r of rows.rows) {
      const list = stored.get(r.conversation_id) ?? [];
      list.push({ id: r.id, conversationId: r.conversation_id, seq: Number(r.seq), clientId: r.client_id, author: { kind: r.author_kind }, body: r.body });
      stored.set(r.conversation_id, list);
    }
    // Every claim in the log must follow a change that left the conversation without an agent.
    const transitions = await db.query("SELECT conversation_id, data FROM conversation_events WHERE type = 'transition' ORDER BY conversation_id, id");
    const claimsOnHeld = new Set<string>();
    let previous = { conversation: '', to: '' };
    for (const r of transitions.rows) {
      const data = JSON.parse(r.data) as { command: string; to: string };
      if (data.command === 'claim' && previous.conversation === r.conversation_id && previous.to === 'agent') claimsOnHeld.add(r.conversation_id);
      previous = { conversation: r.conversation_id, to: data.to };
    }
    const controls = await db.query('SELECT control, count(*) AS n FROM conversations WHERE id = ANY($1) GROUP BY control ORDER BY control', [visitors.map((v) => v.conversationId)]);
    const byControl = controls.rows.map((r) => `${r.control} ${r.n}`).join(', ');
    await db.end();
    await sleep(3000);

    if (process.env.BENCH_DEBUG) {
      const slow = latencies.filter((l) => l.ms > 80).map((l) => `${((l.at - sendStarted) / 1000).toFixed(1)}s:${l.ms}`);
      console.log(`slow deliveries (> 80 ms), ${slow.length} of ${latencies.length}:`, slow.slice(0, 300).join(' '));
      // Delivery p50 / p99 per 5 s of the send phase, to see where the tail comes from.
      const buckets = new Map<number, number[]>();
      for (const l of latencies) {
        const k = Math.floor((l.at - sendStarted) / 5000) * 5;
        buckets.set(k, [...(buckets.get(k) ?? []), l.wireMs]);
      }
      for (const [k, list] of [...buckets].sort((x, y) => x[0] - y[0])) {
        list.sort((x, y) => x - y);
        console.log(`  ${k}s–${k + 5}s: n ${list.length}, p50 ${list[Math.floor(list.length / 2)]} ms, p99 ${list[Math.ceil(list.length * 0.99) - 1]} ms`);
      }
      for (const n of nodes) console.log(`node ${n.port} log tail:`, n.output.join('').slice(-3000));
    }
    // Checks.
    const lostExamples = new Map<string, string[]>(); // up to 3 of each kind of loss
    const lose = (what: string, m: Msg) => {
      const list = lostExamples.get(what) ?? [];
      if (list.length < 3) list.push(`${what} ${m.conversationId}#${m.seq} ${m.author.kind}:${m.clientId}`);
      lostExamples.set(what, list);
    };
    let lostToAgent = 0;
    let unrouted = 0; // visitor messages of conversations no agent ever held: they reached nobody
    const neverTaken = visitors.filter((v) => !agents.some((a) => a.mine.has(v.conversationId))).length;
    let lostToVisitor = 0;
    let lostInStore = 0;
    let storedDuplicates = 0;
    let storedGaps = 0;
    let messages = 0;
    let unanswered = 0;
    for (const v of visitors) {
      const all = stored.get(v.conversationId) ?? [];
      const ids = new Set(all.map((m) => m.id));
      const agentsHeld = agents.filter((a) => a.mine.has(v.conversationId));
      // Acknowledged to the visitor but not stored.
      for (const m of visitorAckedBefore.get(v)!) if (!ids.has(m.id)) (lostInStore += 1), lose('acknowledged, not stored', m);
      for (const m of all) {
        // Every visitor message must reach an agent who held the conversation; everything else must reach the visitor.
        if (m.author.kind === 'visitor' && !agentsHeld.length) unrouted += 1;
        else if (m.author.kind === 'visitor' && !agentsHeld.some((a) => a.rx.has(m.conversationId, m.id))) (lostToAgent += 1), lose('not delivered to its agent', m);
        if (m.author.kind !== 'visitor' && !v.rx.has(m.conversationId, m.id)) (lostToVisitor += 1), lose('not delivered to the visitor', m);
      }
      messages += all.filter((m) => m.author.kind === 'visitor' || m.author.kind === 'agent').length;
      const byClient = new Map<string, number>();
      for (const m of all) byClient.set(`${m.author.kind}:${m.clientId}`, (byClient.get(`${m.author.kind}:${m.clientId}`) ?? 0) + 1);
      storedDuplicates += [...byClient.values()].filter((n) => n > 1).length;
      const replies = new Set(all.filter((m) => m.author.kind === 'agent').map((m) => m.clientId));
      unanswered += all.filter((m) => m.author.kind === 'visitor' && !replies.has(`re-${m.clientId}`)).length;
      if (all.some((m, i) => m.seq !== i + 1)) storedGaps += 1;
    }
    for (const m of agentAckedBefore) {
      if (!(stored.get(m.conversationId) ?? []).some((x) => x.id === m.id)) (lostInStore += 1), lose('acknowledged to its agent, not stored', m);
    }
    const receivers = [...visitors.map((v) => v.rx), ...agents.map((a) => a.rx)];
    const sum = (f: (r: Receiver) => number) => receivers.reduce((n, r) => n + f(r), 0);
    const lost = lostToAgent + lostToVisitor + lostInStore;
    const duplicated = sum((r) => r.duplicated) + storedDuplicates;
    const outOfOrder = sum((r) => r.outOfOrder) + storedGaps;
    const doubleClaims = new Set([...claimsOnHeld, ...[...raceWinners].filter(([, n]) => n > 1).map(([id]) => id)]).size;
    const sends = visitorSends.total + agentSends.total;
    const refusals = visitorSends.refusals + agentSends.refusals;
    const unacknowledged = visitorSends.unacknowledged + agentSends.unacknowledged;
    // Refused or never acknowledged sends a user would notice: at most 0.5 % (the kill costs a few).
    const refusalBound = Math.max(10, Math.ceil(sends * 0.005));
    const failures = [
      lost && `${lost} lost`,
      duplicated && `${duplicated} duplicated`,
      outOfOrder && `${outOfOrder} out of order`,
      doubleClaims && `${doubleClaims} double claims`,
      racesWithoutWinner && `${racesWithoutWinner} claim races nobody won`,
      neverTaken && `${neverTaken} conversations never taken by an agent (${unrouted} visitor messages reached nobody)`,
      messages < MIN_MESSAGES && `${messages} messages, below the floor of ${MIN_MESSAGES}`,
      refusals + unacknowledged > refusalBound && `${refusals} refused + ${unacknowledged} unacknowledged sends, above ${refusalBound}`,
    ].filter(Boolean);
    // Delivery latency overall, and in steady state: after the first 15 s (JIT warm-up, the opening
    // burst of escalations), and away from the kill, the reconnect storm and the 10 s after it.
    const percentile = (values: number[], p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)] ?? 0;
    const sorted = (values: number[]) => values.sort((a, b) => a - b);
    const wire = sorted(latencies.map((l) => l.wireMs));
    const fromPress = sorted(latencies.map((l) => l.ms));
    const warm = sendStarted + 15_000; // JIT warm-up and the opening burst of escalations and routings
    const steady = sorted(latencies.filter((l) => l.at > warm && (l.at < killAt - 500 || l.at > restartedAt + 10_000)).map((l) => l.wireMs));
    const rate = Math.round(messages / sendSeconds);

    for (const s of [...visitors.map((v) => v.socket), ...agents.map((a) => a.socket)]) s.disconnect();

    const result = {
      nodes: 2,
      visitors: VISITORS,
      agents: AGENTS,
      messages,
      lost,
      duplicated,
      out_of_order: outOfOrder,
      delivered_out_of_order: sum((r) => r.deliveredOutOfOrder),
      double_claims: doubleClaims,
      claim_races: RACES,
      never_taken: neverTaken,
      refused: refusals,
      unacknowledged,
      p50_ms: percentile(wire, 0.5),
      p99_ms: percentile(wire, 0.99),
      steady_p99_ms: percentile(steady, 0.99),
      p99_from_press_ms: percentile(fromPress, 0.99),
      kills,
      msgs_per_s: rate,
      heap_kb_per_idle_socket: heapPerSocket,
      rss_kb_per_idle_socket: perSocket,
    };
    const seconds = Math.round((Date.now() - started) / 1000);
    const codes = (s: Sends) => (s.refused.size ? ` (${[...s.refused].map(([c, n]) => `${c} ${n}`).join(', ')})` : '');
    console.log(`\nload and chaos, ${quick ? 'quick' : 'full'} size, ${seconds} s`);
    console.table({
      'visitors / agents': `${VISITORS} / ${AGENTS}`,
      [`messages stored (visitor + agent), floor ${MIN_MESSAGES}`]: messages,
      'lost: to the agent / to the visitor / not stored': `${lostToAgent} / ${lostToVisitor} / ${lostInStore}`,
      'duplicated: as delivered / as stored': `${duplicated - storedDuplicates} / ${storedDuplicates}`,
      [`out of order: as shown (held up to ${REORDER_HOLD_MS} ms for a gap) / arrived on the wire (of ${sum((r) => r.deliveries)} live) / gaps in stored seq`]: `${outOfOrder - storedGaps} / ${sum((r) => r.deliveredOutOfOrder)} / ${storedGaps}`,
      'redelivered around a resume (expected, dropped by id)': sum((r) => r.overlap),
      'visitor sends: acknowledged / refused / timed out / never acknowledged': `${visitorSends.acked} of ${visitorSends.total} / ${visitorSends.refusals}${codes(visitorSends)} / ${visitorSends.timeouts} / ${visitorSends.unacknowledged}`,
      'agent sends: acknowledged / refused / timed out / never acknowledged': `${agentSends.acked} of ${agentSends.total} / ${agentSends.refusals}${codes(agentSends)} / ${agentSends.timeouts} / ${agentSends.unacknowledged}`,
      [`claim races (${RACES} queued, 3 agents each, ${raceSeconds} s): doubled / nobody won`]: `${racesDoubled} / ${racesWithoutWinner}${raceErrors.size ? ` (losers: ${[...raceErrors].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`,
      'double claims (races + claims on a held conversation in the log)': doubleClaims,
      'conversations never taken by an agent (their visitor messages)': `${neverTaken} (${unrouted}); at the end: ${byControl}`,
      'conversations that changed agent (requeued and taken again)': [...holders.values()].filter((h) => h.size > 1).length,
      'visitor messages left unanswered': unanswered,
      'clients offline at the end': offlineAtEnd,
      'still in flight when checked (time budget)': inFlight,
      'visitor → agent delivery p50 / p99 (whole run)': `${result.p50_ms} ms / ${result.p99_ms} ms`,
      'visitor → agent delivery p99, steady state': `${result.steady_p99_ms} ms`,
      "visitor → agent p99 from the press of send (with the visitor's own reconnect waits)": `${result.p99_from_press_ms} ms`,
      'node kills (SIGKILL + restart)': kills,
      'messages a second (send phase)': rate,
      [`idle widgets on one node (${IDLE_SOCKETS}): per socket`]: `${heapPerSocket} KB heap, ${perSocket} KB RSS`,
    });
    const examples = [...[...lostExamples.values()].flat(), ...receivers.flatMap((r) => r.examples).slice(0, 6)];
    if (examples.length) console.log(`examples:\n  ${examples.join('\n  ')}`);
    if (failures.length) console.log(`FAILED: ${failures.join('; ')}`);
    console.log(JSON.stringify(result));
    process.exitCode = failures.length ? 1 : 0;
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
