// The whole handoff over real sockets, on SQLite and Postgres.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFactories } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

describe.each(storeFactories)('handoff over sockets on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('bot answers, visitor asks for a person, agent claims, both chat, hand back, resolve', async () => {
    const v = await visitor(server.url);
    expect(v.resumed).toMatchObject({ ok: true, conversation: null, messages: [] });

    // The bot answers a question it has grounded knowledge for.
    const hello = await request(v.socket, 'message:send', { clientId: 'v1', body: 'How long does shipping take to Austria?' });
    expect(hello).toMatchObject({ ok: true, message: { seq: 1, author: { kind: 'visitor' } } });
    const answer = await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    expect(answer.body).toMatch(/2–4 working days/);
    const conversationId = hello.message.conversationId;

    // Asking for a person queues the conversation with a position and honest copy.
    await request(v.socket, 'message:send', { clientId: 'v2', body: 'Can I talk to a real person please?' });
    const queued = await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    expect(queued).toMatchObject({ id: conversationId, queuePosition: 1, agent: null });
    await waitFor(v, 'message:new', (m) => m.notice === 'queued' && /next in line/.test(m.body));
    await waitFor(v, 'message:new', (m) => m.author.kind === 'bot' && /won't need to repeat/.test(m.body));

    // The agent sees it in the queue with its handoff package.
    const a = await agent(server.url);
    const queue = await request(a.socket, 'queue:list', {});
    const card = queue.conversations.find((c: any) => c.id === conversationId);
    expect(card).toMatchObject({ control: 'queued', handoff: { trigger: 'visitor_request', reason: 'The visitor asked for a person.' } });
    expect(card.handoff.summary).toContain('shipping');

    // While queued, the visitor may still write; the bot stays silent; the agent sees it later.
    await request(v.socket, 'message:send', { clientId: 'v3', body: 'My order is A-10422' });
    const opened = await request(a.socket, 'conversation:open', { conversationId });
    expect(opened.messages.map((m: any) => m.body)).toContain('My order is A-10422');
    // Every bot decision is explained: which rule, on what evidence, for which visitor message.
    expect(opened.decisions.map((d: any) => [d.mode, d.rule])).toEqual([
      ['resolve', 'RES1.grounded'],
      ['escalate', 'ESC1.visitor_request'],
    ]);
    expect(opened.decisions[1]).toMatchObject({ trigger: 'visitor_request', inReplyTo: expect.any(String) });
    expect(opened.decisions[0].evidence[0]).toContain('Shipping times and costs');
    expect(opened.messages.at(-1).author.kind).toBe('visitor');

    // Claim: the visitor is told who joined.
    const claimed = await request(a.socket, 'conversation:claim', { conversationId });
    expect(claimed).toMatchObject({ ok: true, conversation: { control: 'agent', agent: { name: 'Maria' } } });
    await waitFor(v, 'message:new', (m) => m.notice === 'agent_joined' && m.body.includes('Maria'));
    await waitFor(v, 'conversation:updated', (c) => c.control === 'agent' && c.agent?.name === 'Maria');

    // Agent and visitor talk; the bot says nothing while the agent controls.
    const botMessagesBefore = v.received.filter((r) => r.event === 'message:new' && r.payload.author.kind === 'bot').length;
    await request(a.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Hi, I am Maria. Let me check A-10422.' });
    await waitFor(v, 'message:new', (m) => m.author.kind === 'agent' && m.author.name === 'Maria');
    const thanks = await request(v.socket, 'message:send', { clientId: 'v4', body: 'Thanks Maria' });
    await waitFor(a, 'message:new', (m) => m.body === 'Thanks Maria');
    // Read receipts: the agent in control marks it read; the visitor learns up to which seq.
    expect(await request(a.socket, 'conversation:read', { conversationId, seq: thanks.message.seq })).toEqual({ ok: true });
    await waitFor(v, 'conversation:updated', (c) => c.readSeq === thanks.message.seq);
    await server.app.service.idle();
    expect(v.received.filter((r) => r.event === 'message:new' && r.payload.author.kind === 'bot').length).toBe(botMessagesBefore);

    // Hand back: the bot answers the next message; an agent no longer in control cannot mark it read.
    const back = await request(a.socket, 'conversation:handBack', { conversationId });
    expect(back).toMatchObject({ ok: true, conversation: { control: 'bot', agent: null } });
    await waitFor(v, 'message:new', (m) => m.notice === 'handed_back');
    expect(await request(a.socket, 'conversation:read', { conversationId, seq: 99 })).toMatchObject({ ok: false, error: { code: 'not_in_control' } });
    await request(v.socket, 'message:send', { clientId: 'v5', body: 'How do I return an item?' });
    await waitFor(v, 'message:new', (m) => m.author.kind === 'bot' && /30 days/.test(m.body));
    // The agent still watching sees the bot's decision live.
    await waitFor(a, 'conversation:decision', (d) => d.conversationId === conversationId && d.rule === 'RES1.grounded');

    // The agent takes over again and resolves; the visitor sees it.
    expect(await request(a.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: true });
    const resolved = await request(a.socket, 'conversation:resolve', { conversationId });
    expect(resolved).toMatchObject({ ok: true, conversation: { control: 'closed' } });
    await waitFor(v, 'message:new', (m) => m.notice === 'resolved');
    await waitFor(v, 'conversation:updated', (c) => c.control === 'closed');

    // Seqs the visitor saw are gapless.
    const all = await server.store.listMessages(conversationId, 0, 100);
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));

    // The visitor rates it, once; the agent sees the rating.
    expect(await request(v.socket, 'conversation:rate', { conversationId, rating: 0 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await request(v.socket, 'conversation:rate', { conversationId, rating: 5, comment: 'Maria was great' })).toEqual({ ok: true });
    await waitFor(v, 'conversation:updated', (c) => c.id === conversationId && c.rated === true);
    await waitFor(a, 'conversation:updated', (c) => c.id === conversationId && c.csat?.rating === 5 && c.csat.comment === 'Maria was great');
    expect(await request(v.socket, 'conversation:rate', { conversationId, rating: 1 })).toMatchObject({ ok: false, error: { code: 'already_rated' } });
    const stranger = await visitor(server.url);
    expect(await request(stranger.socket, 'conversation:rate', { conversationId, rating: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Writing after resolve starts a new conversation.
    const fresh = await request(v.socket, 'message:send', { clientId: 'v6', body: 'One more question about payment' });
    expect(fresh.message.conversationId).not.toBe(conversationId);
    expect(fresh.message.seq).toBe(1);
    // An open conversation cannot be rated.
    expect(await request(v.socket, 'conversation:rate', { conversationId: fresh.message.conversationId, rating: 3 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('two agents claim at the same moment: exactly one wins, the other learns who', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'x1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const conversationId = sent.message.conversationId;
    await server.store.ensureAgent({ id: 'agent_tom', siteId: 'site_demo', email: 'tom@demo.test', name: 'Tom', role: 'agent', passwordHash: await (await import('../../src/auth/password.js')).hashPassword('tom-password'), active: true, now: new Date().toISOString() });
    const maria = await agent(server.url);
    const tom = await agent(server.url, 'tom@demo.test', 'tom-password');

    const results = await Promise.all([
      request(maria.socket, 'conversation:claim', { conversationId }),
      request(tom.socket, 'conversation:claim', { conversationId }),
    ]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winnerName = winners[0].conversation.agent.name;
    expect(losers[0].error).toMatchObject({ code: 'already_claimed', details: { agentName: winnerName } });
    expect(losers[0].error.message).toContain(winnerName);
    const joined = v.received.filter((r) => r.event === 'message:new' && r.payload.notice === 'agent_joined');
    await waitFor(v, 'message:new', (m) => m.notice === 'agent_joined');
    expect(joined.length).toBeLessThanOrEqual(1);
  });

  it('an agent cannot speak before taking over, and the queue positions move for the others', async () => {
    const first = await visitor(server.url);
    const second = await visitor(server.url);
    const one = await request(first.socket, 'message:send', { clientId: 'f1', body: 'agent please' });
    await waitFor(first, 'conversation:updated', (c) => c.control === 'queued');
    await request(second.socket, 'message:send', { clientId: 's1', body: 'talk to someone please' });
    await waitFor(second, 'conversation:updated', (c) => c.control === 'queued' && c.queuePosition === 2);

    const a = await agent(server.url);
    const early = await request(a.socket, 'message:send', { conversationId: one.message.conversationId, clientId: 'a0', body: 'hello?' });
    expect(early).toMatchObject({ ok: false, error: { code: 'not_in_control' } });

    await request(a.socket, 'conversation:claim', { conversationId: one.message.conversationId });
    await waitFor(second, 'conversation:updated', (c) => c.control === 'queued' && c.queuePosition === 1);
  });

  it('a retried message is stored once and answered once', async () => {
    const v = await visitor(server.url);
    const a1 = await request(v.socket, 'message:send', { clientId: 'same-id', body: 'Where is my order?' });
    const a2 = await request(v.socket, 'message:send', { clientId: 'same-id', body: 'Where is my order?' });
    expect(a2.message).toEqual(a1.message);
    await server.app.service.idle();
    const all = await server.store.listMessages(a1.message.conversationId, 0, 100);
    expect(all.filter((m) => m.author.kind === 'visitor')).toHaveLength(1);
    expect(all.filter((m) => m.author.kind === 'bot')).toHaveLength(1);
  });

  it('a reconnecting visitor gets exactly the messages after its last seq, and every tab sees new ones', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'r1', body: 'What payment methods do you accept?' });
    await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    const conversationId = sent.message.conversationId;
    v.socket.disconnect();

    // While away: the visitor's other tab writes and the bot answers.
    const tab = await visitor(server.url, v.token);
    await request(tab.socket, 'message:send', { clientId: 'r2', body: 'How do I reset my password?' });
    await waitFor(tab, 'message:new', (m) => m.author.kind === 'bot' && /Forgot password/.test(m.body));

    const back = await visitor(server.url, v.token);
    const resumed = await request(back.socket, 'session:resume', { conversationId, afterSeq: 2 });
    expect(resumed.visitorId).toBe(v.visitorId);
    expect(resumed.messages.map((m: any) => m.seq)).toEqual([3, 4]);
    expect(resumed.messages[0].body).toBe('How do I reset my password?');

    await request(back.socket, 'message:send', { clientId: 'r3', body: 'thanks' });
    await waitFor(tab, 'message:new', (m) => m.body === 'thanks');
  });

  it('a bot that fails or hangs hands the conversation to a person as workflow_failure', async () => {
    await server.close();
    server = await startServer(factory, {
      bot: { name: 'hangs', turn: () => new Promise(() => {}) },
      botTimeoutMs: 200,
    });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'h1', body: 'hello?' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const a = await agent(server.url);
    const queue = await request(a.socket, 'queue:list', {});
    expect(queue.conversations[0].handoff).toMatchObject({ trigger: 'workflow_failure', status: 'blocked' });
  });
});

describe.each(storeFactories)('honest wait estimates on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('no agent online, then an agent without history, then a range once handle times exist', async () => {
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'w1', body: 'I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued' && c.wait?.kind === 'no_agents');

    // Ten resolved conversations with a 6-minute handle time become the history.
    const now = Date.now();
    for (let i = 0; i < 10; i++) {
      await server.store.touchVisitor({ id: `hist_v${i}`, siteId: 'site_demo', now: new Date(now).toISOString() });
      const c = await server.store.openConversation({ id: `hist_c${i}`, siteId: 'site_demo', visitorId: `hist_v${i}`, now: new Date(now).toISOString() });
      await server.store.updateConversation(c.id, { control: 'bot' }, {
        control: 'closed',
        claimedAt: new Date(now - 3_600_000).toISOString(),
        closedAt: new Date(now - 3_600_000 + 360_000).toISOString(),
        updatedAt: new Date(now).toISOString(),
      });
    }
    const a = await agent(server.url);
    // Three more visitors queue behind the first; the agent holds... nothing yet: a free slot means soon.
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued' && c.wait?.kind === 'soon');
    const others = [];
    for (let i = 0; i < 4; i++) {
      const o = await visitor(server.url);
      await request(o.socket, 'message:send', { clientId: `o${i}`, body: 'talk to someone please' });
      await waitFor(o, 'conversation:updated', (c) => c.control === 'queued');
      const id = (await server.store.latestConversation(o.visitorId))!.id;
      others.push({ o, id });
    }
    // The agent takes three (capacity 3): every slot busy, the rest wait a range that moves live.
    for (const { id } of others.slice(0, 3)) expect(await request(a.socket, 'conversation:claim', { conversationId: id })).toMatchObject({ ok: true });
    const last = others[3]!.o;
    const range = await waitFor(last, 'conversation:updated', (c) => c.control === 'queued' && c.wait?.kind === 'range' && c.queuePosition === 2);
    expect(range.wait.lowMinutes).toBeGreaterThanOrEqual(2);
    expect(range.wait.highMinutes).toBeGreaterThan(range.wait.lowMinutes);
    // The agent leaves: the waiting visitors are told nobody is online.
    a.socket.disconnect();
    await waitFor(last, 'conversation:updated', (c) => c.wait?.kind === 'no_agents');
  });
});
