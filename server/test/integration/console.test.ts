// What agents do in the console, over real sockets on SQLite and Postgres: internal notes that
// never reach the visitor, escalation verdicts, outcomes, transfers, early takeovers, the visitor
// panel, and presence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFactories } from '../helpers/db.js';
import { addAgent, agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

async function escalated(server: TestServer, marker: string, resume: Record<string, unknown> = {}) {
  const v = await visitor(server.url, undefined, resume);
  const sent = await request(v.socket, 'message:send', { clientId: `${marker}-1`, body: `I need a human (${marker})` });
  await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
  return { v, conversationId: sent.message.conversationId as string };
}

describe.each(storeFactories)('the agent console on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('"customer had to repeat" stays marked on the conversation as the talk goes on, and can be taken back', async () => {
    const { v, conversationId } = await escalated(server, 'repeat');
    const maria = await agent(server.url);
    await request(maria.socket, 'conversation:claim', { conversationId });
    expect(await request(maria.socket, 'conversation:repeated', { conversationId, repeated: true })).toMatchObject({ ok: true, conversation: { repeated: true } });
    // Each message updates the conversation in every console; the mark must survive that.
    await request(v.socket, 'message:send', { clientId: 'repeat-2', body: 'As I said, order A-10422' });
    expect(await waitFor(maria, 'conversation:updated', (c) => c.id === conversationId && c.lastMessage === 'As I said, order A-10422')).toMatchObject({ repeated: true });
    expect((await request(maria.socket, 'conversation:open', { conversationId })).conversation.repeated).toBe(true);
    expect(await request(maria.socket, 'conversation:repeated', { conversationId, repeated: false })).toMatchObject({ ok: true, conversation: { repeated: false } });
    await request(maria.socket, 'message:send', { conversationId, clientId: 'repeat-a1', body: 'Thanks, found it.' });
    expect(await waitFor(maria, 'conversation:updated', (c) => c.id === conversationId && c.lastMessage === 'Thanks, found it.')).toMatchObject({ repeated: false });
  });

  it('a message stored while an agent opens the conversation reaches them: the room is joined before the read', async () => {
    const { v, conversationId } = await escalated(server, 'race');
    const maria = await agent(server.url);
    // The visitor writes right after the console's read of the transcript, before the answer.
    const store = server.store;
    const read = store.listMessages.bind(store);
    let raced = false;
    store.listMessages = async (...args) => {
      const rows = await read(...args);
      if (!raced && args[0] === conversationId) {
        raced = true;
        await request(v.socket, 'message:send', { clientId: 'race-2', body: 'written while you opened it' });
      }
      return rows;
    };
    try {
      const opened = await request(maria.socket, 'conversation:open', { conversationId });
      expect(raced).toBe(true);
      expect(opened.messages.map((m: any) => m.body)).not.toContain('written while you opened it');
      await waitFor(maria, 'message:new', (m) => m.body === 'written while you opened it');
    } finally {
      store.listMessages = read;
    }
    // Another site's conversation is never watched: a refused open leaves no subscription.
    expect(await request(maria.socket, 'conversation:open', { conversationId: 'c_not_here' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('internal notes reach every agent watching and never the visitor, live or on resume', async () => {
    const { v, conversationId } = await escalated(server, 'notes');
    const maria = await agent(server.url);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const tom = await agent(server.url, 'tom@demo.test', 'tom-password');
    await request(maria.socket, 'conversation:claim', { conversationId });
    await request(tom.socket, 'conversation:open', { conversationId });

    const secret = 'Customer is on the legacy plan — do not offer the discount';
    const added = await request(maria.socket, 'note:add', { conversationId, clientId: 'n1', body: secret });
    expect(added).toMatchObject({ ok: true, note: { body: secret, author: { name: 'Maria' } } });
    // Idempotent like messages: a retry with the same clientId is stored once.
    const retry = await request(maria.socket, 'note:add', { conversationId, clientId: 'n1', body: secret });
    expect(retry.note.id).toBe(added.note.id);
    await waitFor(tom, 'note:new', (n) => n.body === secret);

    // The visitor is told something afterwards, so any note would have arrived by then.
    await request(maria.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Checking your plan now.' });
    await waitFor(v, 'message:new', (m) => m.body === 'Checking your plan now.');
    expect(JSON.stringify(v.received)).not.toContain('legacy plan');
    const again = await visitor(server.url, v.token, { conversationId, afterSeq: 0 });
    expect(JSON.stringify(again.resumed)).not.toContain('legacy plan');
    // Seqs the visitor sees stay gapless: notes are not messages.
    const seqs = again.resumed.messages.map((m: any) => m.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));

    const opened = await request(tom.socket, 'conversation:open', { conversationId });
    expect(opened.notes).toHaveLength(1);
    expect(opened.notes[0]).toMatchObject({ body: secret, author: { name: 'Maria' } });
    // A visitor socket cannot add notes: the event does not exist in its namespace.
    expect(await request(v.socket, 'note:add', { conversationId, clientId: 'x', body: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'Unknown event "note:add".' },
    });
  });

  it('verdicts on escalations, outcomes on resolve, and clear errors for bad ones', async () => {
    const { conversationId } = await escalated(server, 'verdict');
    const a = await agent(server.url);
    expect(await request(a.socket, 'conversation:verdict', { conversationId, verdict: 'too_soon' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const judged = await request(a.socket, 'conversation:verdict', { conversationId, verdict: 'too_late', comment: 'should have escalated at the first refund mention' });
    expect(judged).toMatchObject({ ok: true, conversation: { verdict: 'too_late' } });
    await waitFor(a, 'conversation:updated', (c) => c.id === conversationId && c.verdict === 'too_late');
    const events = await server.store.listEvents(conversationId, 'verdict');
    expect(events[0]!.data).toMatchObject({ verdict: 'too_late', trigger: 'visitor_request', rule: 'ESC1.visitor_request' });

    await request(a.socket, 'conversation:claim', { conversationId });
    expect(await request(a.socket, 'conversation:resolve', { conversationId, outcome: 'maybe' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await server.store.getConversation(conversationId))!.control).toBe('agent');
    const done = await request(a.socket, 'conversation:resolve', { conversationId, outcome: 'quote_sent' });
    expect(done).toMatchObject({ ok: true, conversation: { control: 'closed', outcome: 'quote_sent' } });

    // A conversation the bot handled alone has no escalation to judge.
    const w = await visitor(server.url);
    const plain = await request(w.socket, 'message:send', { clientId: 'p1', body: 'How long does shipping take?' });
    await server.app.service.idle();
    expect(await request(a.socket, 'conversation:verdict', { conversationId: plain.message.conversationId, verdict: 'right' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'This conversation was never escalated.' },
    });
  });

  it('taking over from the bot is recorded as an agent-initiated escalation', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'e1', body: 'How long does shipping take to Austria?' });
    await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    const conversationId = sent.message.conversationId;
    const a = await agent(server.url);
    expect(await request(a.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: true, conversation: { control: 'agent' } });
    const transitions = await server.store.listEvents(conversationId, 'transition');
    expect(transitions.at(-1)!.data).toMatchObject({ from: 'bot', to: 'agent', by: { agentInitiated: true } });
    expect(await request(a.socket, 'conversation:verdict', { conversationId, verdict: 'right' })).toMatchObject({ ok: true });
  });

  it('transfer to a colleague who is online: the visitor is told, control moves, the note stays internal', async () => {
    const { v, conversationId } = await escalated(server, 'transfer');
    const maria = await agent(server.url);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password', teams: ['billing'] });
    await addAgent(server.store, { id: 'agent_ann', name: 'Ann', email: 'ann@demo.test', password: 'ann-password' });
    await request(maria.socket, 'conversation:claim', { conversationId });

    // Ann has no console open: she cannot receive it.
    const offline = await request(maria.socket, 'conversation:transfer', { conversationId, toAgentId: 'agent_ann' });
    expect(offline).toMatchObject({ ok: false, error: { code: 'bad_request', details: { agentName: 'Ann' } } });
    expect(await request(maria.socket, 'conversation:transfer', { conversationId, toAgentId: 'agent_nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const tom = await agent(server.url, 'tom@demo.test', 'tom-password');
    // Presence is recorded as the console connects; colleagues hear of it a moment later.
    await waitFor(maria, 'agent:updated', (a) => a.name === 'Tom' && a.presence === 'online');
    const listed = await request(maria.socket, 'agents:list', {});
    expect(listed.agents.find((x: any) => x.name === 'Tom')).toMatchObject({ presence: 'online', teams: ['billing'], load: 0 });
    expect(listed.agents.find((x: any) => x.name === 'Ann')).toMatchObject({ presence: 'offline' });

    const moved = await request(maria.socket, 'conversation:transfer', { conversationId, toAgentId: 'agent_tom', note: 'Refund over 100 EUR, needs billing' });
    expect(moved).toMatchObject({ ok: true, conversation: { control: 'agent', agent: { name: 'Tom' } } });
    await waitFor(v, 'message:new', (m) => m.notice === 'transferred' && m.body.includes('Tom'));
    await waitFor(v, 'conversation:updated', (c) => c.agent?.name === 'Tom');
    expect(JSON.stringify(v.received)).not.toContain('needs billing');
    expect(await request(maria.socket, 'message:send', { conversationId, clientId: 'm1', body: 'still me?' })).toMatchObject({ ok: false, error: { code: 'not_in_control' } });
    expect(await request(tom.socket, 'message:send', { conversationId, clientId: 't1', body: 'Tom here, I have the details.' })).toMatchObject({ ok: true });
    const opened = await request(tom.socket, 'conversation:open', { conversationId });
    expect(opened.notes.at(-1).body).toBe('Transferred to Tom: Refund over 100 EUR, needs billing');
  });

  it('transfer to a team: back in line ahead of ordinary cases, routed to that team', async () => {
    const { v, conversationId } = await escalated(server, 'team');
    const ordinary = await escalated(server, 'team-other');
    const maria = await agent(server.url);
    await request(maria.socket, 'conversation:claim', { conversationId });
    expect(await request(maria.socket, 'conversation:transfer', { conversationId })).toMatchObject({ ok: false, error: { code: 'bad_request', message: 'give either toAgentId or toTeam' } });
    const moved = await request(maria.socket, 'conversation:transfer', { conversationId, toTeam: 'billing', note: 'double charge' });
    expect(moved).toMatchObject({ ok: true, conversation: { control: 'queued', team: 'billing', agent: null } });
    await waitFor(v, 'message:new', (m) => m.notice === 'transferred' && m.body.includes('billing'));
    expect(await server.store.queuePosition(conversationId)).toBe(1);
    expect(await server.store.queuePosition(ordinary.conversationId)).toBe(2);
    const opened = await request(maria.socket, 'conversation:open', { conversationId });
    expect(opened.notes.at(-1).body).toBe('Transferred to the billing team: double charge');
  });

  it('the visitor panel: page, browser, locale and earlier conversations', async () => {
    const context = { pageUrl: 'https://shop.example/checkout', pageTitle: 'Checkout', referrer: 'https://search.example/', locale: 'de-AT', timeZone: 'Europe/Vienna' };
    const first = await escalated(server, 'panel-1', { context });
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId: first.conversationId });
    await request(a.socket, 'conversation:resolve', { conversationId: first.conversationId, outcome: 'solved' });
    await request(first.v.socket, 'message:send', { clientId: 'again', body: 'I need a human again' });
    const second = (await server.store.latestConversation(first.v.visitorId))!;
    const opened = await request(a.socket, 'conversation:open', { conversationId: second.id });
    expect(opened.visitor.context).toMatchObject(context);
    expect(opened.visitor.earlier).toEqual([expect.objectContaining({ id: first.conversationId, outcome: 'solved', control: 'closed' })]);
    // Bad context is refused whole, not half-stored.
    const bad = await request(first.v.socket, 'session:resume', { context: { pageUrl: 'x'.repeat(3000) } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await server.store.getVisitor(first.v.visitorId))!.context?.pageUrl).toBe(context.pageUrl);
  });

  it('presence: away agents take no new visitors and waiting visitors are told nobody is online', async () => {
    const { v } = await escalated(server, 'presence');
    const a = await agent(server.url);
    await waitFor(v, 'conversation:updated', (c) => c.wait?.kind === 'soon' || c.wait?.kind === 'unknown');
    const away = await request(a.socket, 'presence:set', { presence: 'away' });
    expect(away).toMatchObject({ ok: true, agent: { presence: 'away' } });
    await waitFor(v, 'conversation:updated', (c) => c.wait?.kind === 'no_agents' && c.unavailable?.kind === 'no_agents');
    expect(await request(a.socket, 'presence:set', { presence: 'offline' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await request(a.socket, 'presence:set', { presence: 'online' });
    await waitFor(v, 'conversation:updated', (c) => c.wait?.kind !== 'no_agents' && c.unavailable === null);
  });
});
