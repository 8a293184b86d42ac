// Routing, timers and the reply-later path against the real server with a controllable clock:
// jobs are durable rows; the test moves the clock and runs what is due, as a node's poll would.
// Places in line are checked as the visitor's socket received them, not only as the store has them.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { BotProvider } from '../../src/bot/provider.js';
import type { Database } from '../../src/store/schema.js';
import { chatLink, smtpMailer } from '../../src/service/mail.js';
import { storeFactories } from '../helpers/db.js';
import { addAgent, agent, type Connected, request, type ServerOptions, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

/** Real time plus however far the test moved it forward: order is kept, waits can be skipped. */
function controllableClock() {
  let offset = 0;
  return { clock: () => new Date(Date.now() + offset), advance: (ms: number) => (offset += ms) };
}

async function queueUp(server: TestServer, marker: string, body = `I need a human (${marker})`, resume: Record<string, unknown> = {}) {
  const v = await visitor(server.url, undefined, resume);
  const sent = await request(v.socket, 'message:send', { clientId: `${marker}-1`, body });
  await server.app.service.idle();
  return { v, conversationId: sent.message.conversationId as string };
}

/** Waits until the condition holds (what a participant would see soon), failing after a few seconds. */
async function until(condition: () => Promise<boolean>, timeoutMs = 5000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The place in line this visitor was last told for the conversation, once the server owes them
 * nothing more (`idle`) and what it sent has arrived: a request's ack on the same socket comes
 * after every event sent to it before (a `typing:set`, as harmless as a ping).
 */
async function placeTold(server: TestServer, v: Connected, conversationId: string): Promise<number | null | undefined> {
  await server.app.service.idle();
  await request(v.socket, 'typing:set', { typing: false });
  const told = v.received.filter((r) => r.event === 'conversation:updated' && r.payload.id === conversationId);
  return told.at(-1)?.payload.queuePosition;
}

/** Whether the visitor's socket has left the server (its disconnect handled there). */
async function goneFromServer(server: TestServer, visitorId: string): Promise<boolean> {
  return (await server.app.io.of('/visitor').in(`visitor:${visitorId}`).fetchSockets()).length === 0;
}

/** Whether a durable timer is scheduled (the test waits for the server to have reacted). */
async function jobExists(server: TestServer, id: string): Promise<boolean> {
  const db = (server.store as unknown as { db: Kysely<Database> }).db;
  return (await db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

describe.each(storeFactories)('queue, routing and timers on $name', (factory) => {
  let server: TestServer;
  const time = controllableClock();
  const start = (options: ServerOptions = {}) =>
    startServer(factory, { clock: time.clock, timing: { presenceGraceMs: 60_000, abandonAfterMs: 300_000, replyEmailDelayMs: 30_000 }, ...options }).then((s) => (server = s));
  afterEach(async () => server?.close());

  it('auto-assign: least busy first, round-robin between equals, team specialists for their intent, reasons logged', async () => {
    await start({ settings: { routing: 'auto', agentCapacity: 2 } });
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    await addAgent(server.store, { id: 'agent_sam', name: 'Sam', email: 'sam@demo.test', password: 'sam-password', teams: ['sales'] });
    await agent(server.url);
    await agent(server.url, 'tom@demo.test', 'tom-password');
    await agent(server.url, 'sam@demo.test', 'sam-password');

    const first = await queueUp(server, 'r1');
    const second = await queueUp(server, 'r2');
    const a = (await server.store.getConversation(first.conversationId))!;
    const b = (await server.store.getConversation(second.conversationId))!;
    expect(a.control).toBe('agent');
    expect(b.control).toBe('agent');
    // Maria and Tom were equally idle: one each. Sam is sales-only and gets neither support case.
    expect(new Set([a.agentName, b.agentName])).toEqual(new Set(['Maria', 'Tom']));
    await waitFor(first.v, 'message:new', (m) => m.notice === 'agent_joined');
    const routed = await server.store.listEvents(first.conversationId, 'routing');
    expect(routed[0]!.data.reason).toMatch(/load 0\/2/);

    // A high-value question goes to sales.
    const sales = await queueUp(server, 'r3', 'Can I get a custom quote for my company? We want to order 500 units.');
    const c = (await server.store.getConversation(sales.conversationId))!;
    expect(c.team).toBe('sales');
    expect(c.agentName).toBe('Sam');
  });

  it("a site's own copy for the queue replaces the default line, in the same chat", async () => {
    await start({ settings: { copy: { queued: { chat: 'Du bist Nummer {position} — wir sind gleich da.' }, queuedFirst: { chat: 'Du bist als Nächstes dran.' } } } });
    await agent(server.url); // online: a live transfer, for which these lines are written (no free slot: they wait)
    const first = await queueUp(server, 'c1');
    await waitFor(first.v, 'message:new', (m) => m.notice === 'queued' && m.body === 'Du bist als Nächstes dran.');
    const second = await queueUp(server, 'c2');
    await waitFor(second.v, 'message:new', (m) => m.notice === 'queued' && m.body === 'Du bist Nummer 2 — wir sind gleich da.');
  });

  it('pick mode: urgent cases wait less than earlier ordinary ones', async () => {
    await start();
    const ordinary = await queueUp(server, 'p1');
    const urgent = await queueUp(server, 'p2', 'I was charged twice and my account is locked, this is urgent, I want a refund now');
    const conv = (await server.store.getConversation(urgent.conversationId))!;
    expect(conv.control).toBe('queued');
    expect(conv.priority).toBeGreaterThan(0);
    expect(await server.store.queuePosition(urgent.conversationId)).toBe(1);
    expect(await server.store.queuePosition(ordinary.conversationId)).toBe(2);
    // What each visitor was told: the earlier ordinary one moved back a place when the urgent one came.
    expect(await placeTold(server, urgent.v, urgent.conversationId)).toBe(1);
    expect(await placeTold(server, ordinary.v, ordinary.conversationId)).toBe(2);
    const a = await agent(server.url);
    const queue = await request(a.socket, 'queue:list', {});
    expect(queue.conversations.slice(0, 2).map((x: any) => x.id)).toEqual([urgent.conversationId, ordinary.conversationId]);
  });

  it('a silent agent loses the conversation to the queue and the visitor is told; an answering one keeps it', async () => {
    await start({ settings: { agentSilentSeconds: 120 } });
    const { v, conversationId } = await queueUp(server, 's1');
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(v.socket, 'message:send', { clientId: 's1-2', body: 'Hello? Anyone there?' });

    time.advance(60_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');

    time.advance(61_000);
    expect(await server.app.runJobs()).toBeGreaterThan(0);
    expect((await server.store.getConversation(conversationId))!.control).toBe('queued');
    await waitFor(v, 'message:new', (m) => m.notice === 'requeued' && /Sorry for the silence/.test(m.body));
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued' && c.queuePosition === 1);
    const last = (await server.store.listEvents(conversationId, 'transition')).at(-1)!;
    expect(last.data).toMatchObject({ command: 'requeue', by: { kind: 'system', reason: 'agent_silent' } });

    // Claimed again, and this time the agent answers: nothing happens when the timer is due.
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(v.socket, 'message:send', { clientId: 's1-3', body: 'still here' });
    await request(a.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Sorry, I am here now.' });
    time.advance(500_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
  });

  it("the agent's silence counts from the first unanswered message, however often the visitor writes again", async () => {
    await start({ settings: { agentSilentSeconds: 120 } });
    const { v, conversationId } = await queueUp(server, 's2');
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(a.socket, 'message:send', { conversationId, clientId: 's2-a1', body: 'Hi, Maria here.' });
    // The agent answered; the visitor writes again and again, never answered.
    time.advance(30_000);
    await request(v.socket, 'message:send', { clientId: 's2-2', body: 'My order never came.' });
    await server.app.runJobs();
    for (const [i, step] of [60_000, 50_000].entries()) {
      time.advance(step);
      await request(v.socket, 'message:send', { clientId: `s2-${i + 3}`, body: 'Hello?' });
      await server.app.runJobs();
      expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
    }
    // 120 s after "My order never came." (not after the last "Hello?"): back to the queue.
    time.advance(11_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('queued');
    await waitFor(v, 'message:new', (m) => m.notice === 'requeued');
  });

  it('an agent who answers every message keeps the conversation however long it runs', async () => {
    await start({ settings: { agentSilentSeconds: 60 } });
    const { v, conversationId } = await queueUp(server, 's3');
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    for (let i = 1; i <= 6; i++) {
      await request(v.socket, 'message:send', { clientId: `s3-${i}`, body: `Question ${i}` });
      time.advance(40_000);
      await request(a.socket, 'message:send', { conversationId, clientId: `s3-a${i}`, body: `Answer ${i}` });
      await server.app.runJobs();
      expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
    }
    time.advance(600_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
  });

  it('a burst of claims sends each waiting visitor a few updates, not one per claim, the last with their place', async () => {
    await start({ settings: { agentCapacity: 50 } });
    const a = await agent(server.url);
    const queued: Array<Awaited<ReturnType<typeof queueUp>>> = [];
    for (let i = 0; i < 20; i++) queued.push(await queueUp(server, `burst${i}`));
    await server.app.service.idle();
    for (const q of queued) q.v.received.length = 0;
    // The agent takes the first 12 at once.
    await Promise.all(queued.slice(0, 12).map((q) => request(a.socket, 'conversation:claim', { conversationId: q.conversationId })));
    for (const [i, q] of queued.slice(12).entries()) {
      expect(await placeTold(server, q.v, q.conversationId)).toBe(i + 1);
      const updates = q.v.received.filter((r) => r.event === 'conversation:updated');
      // One per claim before (13 here); now one at once and one per 100 ms window of the burst.
      expect(updates.length, `${updates.length} updates for 12 claims`).toBeLessThan(10);
    }
  });

  it('nobody online: the visitor is told so, and not also that a specialist will join', async () => {
    await start();
    const { v, conversationId } = await queueUp(server, 'n1');
    await waitFor(v, 'message:new', (m) => m.notice === 'unavailable');
    await server.app.service.idle();
    const said = await server.store.listMessages(conversationId, 0, 100);
    expect(said.map((m) => m.notice)).toEqual(expect.arrayContaining(['unavailable', 'queued']));
    const queued = said.find((m) => m.notice === 'queued')!;
    expect(queued.body).toMatch(/next in line/);
    expect(queued.body).not.toMatch(/will join/);
  });

  it('a requeued visitor goes back to the place they had in line, ahead of those who came after', async () => {
    await start({ settings: { agentSilentSeconds: 60 } });
    const a = await agent(server.url);
    const first = await queueUp(server, 'f1');
    await request(a.socket, 'conversation:claim', { conversationId: first.conversationId });
    time.advance(5_000);
    const later = await queueUp(server, 'f2');
    expect(await server.store.queuePosition(later.conversationId)).toBe(1);
    expect(await placeTold(server, later.v, later.conversationId)).toBe(1);
    time.advance(61_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(first.conversationId))!.control).toBe('queued');
    expect(await server.store.queuePosition(first.conversationId)).toBe(1);
    expect(await server.store.queuePosition(later.conversationId)).toBe(2);
    expect(await placeTold(server, first.v, first.conversationId)).toBe(1);
    expect(await placeTold(server, later.v, later.conversationId)).toBe(2);
  });

  it('auto-assign does not hand a silent agent the same conversation straight back', async () => {
    await start({ settings: { routing: 'auto', agentSilentSeconds: 60 } });
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    await agent(server.url);
    const { v, conversationId } = await queueUp(server, 'as1');
    const held = (await server.store.getConversation(conversationId))!;
    expect(held.agentName).toBe('Maria');
    // Maria stays silent; only then does Tom come online.
    time.advance(61_000);
    await server.app.runJobs();
    await server.app.service.idle();
    const waiting = (await server.store.getConversation(conversationId))!;
    expect(waiting).toMatchObject({ control: 'queued', passedOver: held.agentId });
    await waitFor(v, 'message:new', (m) => m.notice === 'requeued');
    await agent(server.url, 'tom@demo.test', 'tom-password'); // his presence is recorded as he connects
    await until(async () => (await server.store.getConversation(conversationId))!.control === 'agent');
    expect((await server.store.getConversation(conversationId))!).toMatchObject({ control: 'agent', agentName: 'Tom', passedOver: null });
    const joinedNotices = async () => (await server.store.listMessages(conversationId, 0, 100)).filter((m) => m.notice === 'agent_joined').map((m) => m.body);
    await until(async () => (await joinedNotices()).length >= 2);
    await server.app.service.idle();
    const joined = await joinedNotices();
    expect(joined).toHaveLength(2);
    expect(joined[1]).toMatch(/Tom/);
  });

  it('pick mode: an agent resolving frees a slot and every waiting visitor hears it at once', async () => {
    await start({ settings: { agentCapacity: 1 } });
    const a = await agent(server.url);
    const held = await queueUp(server, 'pk1');
    await request(a.socket, 'conversation:claim', { conversationId: held.conversationId });
    const waiting = await queueUp(server, 'pk2');
    // Everything owed for the queueing has arrived, so what comes next is the resolve's doing.
    expect(await placeTold(server, waiting.v, waiting.conversationId)).toBe(1);
    const before = waiting.v.received.length;
    await request(a.socket, 'conversation:resolve', { conversationId: held.conversationId });
    await until(async () => waiting.v.received.slice(before).some((r) => r.event === 'conversation:updated' && r.payload.id === waiting.conversationId && r.payload.queuePosition === 1));
  });

  it('a conversation left with the bot is closed once idle; one that waits for a person is not', async () => {
    await start({ settings: { botIdleCloseHours: 12 } });
    const idle = await visitor(server.url);
    await request(idle.socket, 'message:send', { clientId: 'i1', body: 'How long does shipping take to Austria?' });
    await server.app.service.idle();
    const withBot = (await server.store.latestConversation(idle.visitorId))!;
    const waiting = await queueUp(server, 'i2');
    time.advance(11 * 3600_000);
    expect(await server.app.service.closeIdle()).toBe(0);
    time.advance(2 * 3600_000);
    // Through the durable job, as a node's poll runs it.
    await server.store.scheduleJob({ id: 'idle_close', kind: 'idle_close', runAt: time.clock().toISOString(), data: {} });
    await server.app.runJobs();
    expect((await server.store.getConversation(withBot.id))!).toMatchObject({ control: 'closed' });
    expect((await server.store.getConversation(waiting.conversationId))!.control).toBe('queued');
    const last = (await server.store.listEvents(withBot.id, 'transition')).at(-1)!;
    expect(last.data).toMatchObject({ command: 'resolve', from: 'bot', to: 'closed', by: { kind: 'system', reason: 'idle' } });
    // The next job is scheduled; the visitor's next message starts a new conversation.
    expect(await server.store.claimDueJobs(new Date(time.clock().getTime() + 11 * 60_000).toISOString(), 10, 1000)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'idle_close' })]),
    );
    const again = await request(idle.socket, 'message:send', { clientId: 'i3', body: 'Hi again' });
    expect(again.message.conversationId).not.toBe(withBot.id);
  });

  it('a visitor who left while the bot was still deciding to hand over is counted as abandoned too', async () => {
    // The bot decides only when the test lets it: after the visitor has gone.
    let decide!: () => void;
    const decided = new Promise<void>((r) => (decide = r));
    const slowEscalation: BotProvider = {
      name: 'slow-escalation',
      async turn() {
        await decided;
        const reason = 'The visitor asked for a person.';
        return {
          mode: 'escalate',
          trigger: 'visitor_request',
          reason,
          rule: 'test.escalate',
          evidence: [],
          reply: 'Handing you to a person.',
          handoff: { intent: 'unknown', status: 'blocked', trigger: 'visitor_request', reason, evidence: [], riskFlags: [], customerDetails: {}, attempted: [], summary: 'asked for a person' },
        };
      },
    };
    await start({ bot: slowEscalation });
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'sl1', body: 'a person please' });
    v.socket.disconnect();
    await until(() => goneFromServer(server, v.visitorId));
    decide();
    await server.app.service.idle();
    expect((await server.store.getConversation(sent.message.conversationId))!.control).toBe('queued');
    time.advance(301_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(sent.message.conversationId))!.abandonedAt).not.toBeNull();
  });

  it('an agent who disconnects keeps their visitors through the grace period, then they go back to the queue', async () => {
    await start();
    const { v, conversationId } = await queueUp(server, 'g1');
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(a.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Looking into it.' });
    a.socket.disconnect();
    await until(() => jobExists(server, 'presence:agent_demo'));

    time.advance(30_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');

    // Reconnecting within the grace period cancels it; leaving again restarts it.
    const back = await agent(server.url);
    await until(async () => !(await jobExists(server, 'presence:agent_demo')));
    time.advance(45_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
    back.socket.disconnect();
    await until(() => jobExists(server, 'presence:agent_demo'));
    time.advance(61_000);
    await server.app.runJobs();
    expect((await server.store.getConversation(conversationId))!.control).toBe('queued');
    await waitFor(v, 'message:new', (m) => m.notice === 'requeued');
    expect((await server.store.getAgent('agent_demo'))?.presence ?? (await server.store.listAgents((await server.store.getSiteByKey('demo'))!.id))[0]!.presence).toBe('offline');
  });

  it('outside business hours the visitor is told when we open, before waiting', async () => {
    // Open one minute a week, on a day that is not today in UTC: closed now.
    const today = new Date(time.clock()).getUTCDay();
    const other = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(today + 2) % 7]!;
    await start({ settings: { businessHours: { timeZone: 'UTC', weekly: { [other]: [['09:00', '17:00']] } } } });
    await agent(server.url);
    const { v } = await queueUp(server, 'h1');
    const notice = await waitFor(v, 'message:new', (m) => m.notice === 'unavailable');
    expect(notice.body).toMatch(/offline right now and back .*09:00 \(UTC\)/);
    await waitFor(v, 'conversation:updated', (c) => c.unavailable?.kind === 'closed' && typeof c.unavailable.opensAt === 'string');
  });

  it('a visitor who leaves the queue is counted as abandoned, and comes back to the same place', async () => {
    await start();
    const first = await queueUp(server, 'ab1');
    const second = await queueUp(server, 'ab2');
    expect(await server.store.queuePosition(second.conversationId)).toBe(2);
    expect(await placeTold(server, second.v, second.conversationId)).toBe(2);
    first.v.socket.disconnect();
    await until(() => jobExists(server, `abandon:${first.conversationId}`)); // the server saw them go
    time.advance(301_000);
    await server.app.runJobs();
    const left = (await server.store.getConversation(first.conversationId))!;
    expect(left.abandonedAt).not.toBeNull();
    expect(await placeTold(server, second.v, second.conversationId)).toBe(1);
    expect((await server.store.listEvents(first.conversationId, 'abandoned'))[0]!.data.waitedSeconds).toBeGreaterThanOrEqual(301);

    const back = await visitor(server.url, first.v.token);
    expect(back.resumed.conversation).toMatchObject({ id: first.conversationId, control: 'queued', queuePosition: 1 });
    expect((await server.store.getConversation(first.conversationId))!.abandonedAt).toBeNull();
    expect(await server.store.queuePosition(second.conversationId)).toBe(2);
    expect(await placeTold(server, second.v, second.conversationId)).toBe(2);
  });
});

describe.each(storeFactories)('reply later by email on $name', (factory) => {
  let server: TestServer;
  let smtp: SMTPServer;
  const inbox: { to: string; subject: string; text: string; html: string }[] = [];
  afterEach(async () => {
    await server?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('nobody online: the visitor chooses a reply later with an email; the reply reaches the chat and the inbox', async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          inbox.push({ to: (mail.to as { text: string }).text, subject: mail.subject ?? '', text: mail.text ?? '', html: String(mail.html) });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const port = (smtp.server.address() as { port: number }).port;
    const time = controllableClock();
    server = await startServer(factory, {
      clock: time.clock,
      timing: { replyEmailDelayMs: 30_000 },
      mailer: smtpMailer(`smtp://127.0.0.1:${port}`, 'Demo Shop <support@shop.example>'),
    });

    const demo = (await server.store.getSiteByKey('demo'))!;
    await server.store.upsertSite({ ...demo, allowedOrigins: [...demo.allowedOrigins, 'https://shop.example'], now: demo.createdAt });
    const v = await visitor(server.url, undefined, { context: { pageUrl: 'https://shop.example/orders?id=7' } });
    const sent = await request(v.socket, 'message:send', { clientId: 'rl1', body: 'I need a human about my invoice' });
    const conversationId = sent.message.conversationId;
    await waitFor(v, 'message:new', (m) => m.notice === 'unavailable' && /No one from our team is online/.test(m.body));
    await waitFor(v, 'conversation:updated', (c) => c.unavailable?.kind === 'no_agents');

    expect(await request(v.socket, 'conversation:replyLater', { email: 'not-an-email' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const chosen = await request(v.socket, 'conversation:replyLater', { email: 'ada@example.com' });
    expect(chosen).toMatchObject({ ok: true, conversation: { replyLater: true, contactEmail: 'ada@example.com' } });
    await waitFor(v, 'message:new', (m) => m.notice === 'reply_later' && m.body.includes('ada@example.com'));
    v.socket.disconnect();

    // Later an agent comes online, takes it and replies; the visitor is away.
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(a.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Your invoice INV-2291 is attached in your account now.' });
    await request(a.socket, 'message:send', { conversationId, clientId: 'a2', body: 'Anything else, just reply in the chat.' });
    // First only a question to the address, with none of the chat's words (issue 19, item 1): no
    // reply goes to an address its owner did not confirm.
    await server.app.runJobs();
    expect(inbox).toHaveLength(1);
    const confirm = inbox.shift()!;
    expect(confirm).toMatchObject({ to: 'ada@example.com', subject: 'Demo Shop: confirm your email for chat replies' });
    expect(confirm.text).not.toContain('invoice');
    time.advance(31_000);
    await server.app.runJobs();
    expect(inbox).toHaveLength(0);
    const link = /(http:\/\/\S+\/api\/contact\/confirm\S+)/.exec(confirm.text)![1]!.replace(/^http:\/\/localhost:3000/, server.url);
    // Opening the link (a mail scanner does) changes nothing; the button does.
    expect((await fetch(link)).status).toBe(200);
    await server.app.runJobs();
    expect(inbox).toHaveLength(0);
    expect((await fetch(link.replace(/s=[^&]+/, 's=forged'), { method: 'POST' })).status).toBe(400);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    await server.app.runJobs();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.to).toBe('ada@example.com');
    expect(inbox[0]!.subject).toBe('Demo Shop: Maria replied to your chat');
    expect(inbox[0]!.text).toContain('INV-2291');
    expect(inbox[0]!.text).toContain('Anything else');
    expect(inbox[0]!.text).toContain('https://shop.example/orders?id=7#baton-open');
    // A page the site does not allow is never linked from an email in its name (issue 19, item 1).
    expect(chatLink('https://evil.example/phish', demo.allowedOrigins, 'https://chat.example/')).toBe('https://chat.example/#baton-open');
    expect(chatLink('javascript:alert(1)', ['*'], 'https://chat.example/')).toBe('https://chat.example/#baton-open');
    // Nothing is mailed twice.
    time.advance(60_000);
    await server.app.runJobs();
    expect(inbox).toHaveLength(1);

    // Next visit: the reply is in the same chat.
    const back = await visitor(server.url, v.token);
    expect(back.resumed.conversation.id).toBe(conversationId);
    expect(back.resumed.messages.map((m: any) => m.body)).toContain('Your invoice INV-2291 is attached in your account now.');
    // Reply later is only for a waiting conversation.
    expect(await request(back.socket, 'conversation:replyLater', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
