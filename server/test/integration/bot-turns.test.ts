// A visitor who writes again while the bot is still answering gets an answer to that message too
// (it was silently skipped when the bot's answer to the first landed after it), and the bot sees
// the transcript ending with the message it answers.
import { afterEach, describe, expect, it } from 'vitest';
import type { BotProvider, BotTurnInput } from '../../src/bot/provider.js';
import { storeFactories } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

/** Answers each message by quoting it; the first answer waits until the test lets it go. */
function heldEcho(seen: string[][]) {
  let turns = 0;
  let started!: () => void;
  let release!: () => void;
  const firstStarted = new Promise<void>((r) => (started = r));
  const firstReleased = new Promise<void>((r) => (release = r));
  const bot: BotProvider = {
    name: 'slow-echo',
    async turn(input: BotTurnInput) {
      if (turns++ === 0) {
        started();
        await firstReleased;
      }
      seen.push(input.history.map((m) => `${m.author.kind}:${m.body}`));
      const last = input.history.at(-1)!;
      return { mode: 'resolve', reply: `you said: ${last.body}`, rule: 'test.echo', evidence: [] };
    },
  };
  return { bot, firstStarted, release };
}

/** Answers each message by quoting it, at once. */
function echo(seen: string[][]): BotProvider {
  const held = heldEcho(seen);
  held.release();
  return held.bot;
}

describe.each(storeFactories)('bot turns on $name', (factory) => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('a second message sent while the bot answers the first is answered too, in order', async () => {
    const seen: string[][] = [];
    const slow = heldEcho(seen);
    server = await startServer(factory, { bot: slow.bot });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'q1', body: 'where is my order?' });
    await slow.firstStarted;
    await request(v.socket, 'message:send', { clientId: 'q2', body: 'also, can I pay by invoice?' });
    slow.release(); // the first answer lands after the second message was stored
    await waitFor(v, 'message:new', (m) => m.body === 'you said: also, can I pay by invoice?');
    const bodies = v.received.filter((r) => r.event === 'message:new' && r.payload.author.kind === 'bot').map((r) => r.payload.body);
    expect(bodies).toEqual(['you said: where is my order?', 'you said: also, can I pay by invoice?']);
    expect(seen[0]!.at(-1)).toBe('visitor:where is my order?'); // the first turn began before the second message
    // The second turn saw the first answer, and ended with the message it answered.
    expect(seen[1]!.at(-1)).toBe('visitor:also, can I pay by invoice?');
    expect(seen[1]).toContain('bot:you said: where is my order?');
  });

  it('a message the bot never answered (its node died) is answered when the visitor comes back', async () => {
    let offset = 0;
    server = await startServer(factory, { bot: echo([]), clock: () => new Date(Date.now() + offset) });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'd1', body: 'hello' });
    await waitFor(v, 'message:new', (m) => m.body === 'you said: hello');
    const conversationId = (await server.store.latestConversation(v.visitorId))!.id;
    // What a node killed between storing the message and answering it leaves behind.
    await server.store.appendMessage({ id: 'm_orphan', conversationId, clientId: 'd2', author: { kind: 'visitor' }, body: 'is anyone there?', now: new Date(Date.now() + offset).toISOString() });
    v.socket.disconnect();
    // Back within a bot turn's time: the turn may still be running elsewhere; nothing is started.
    offset += 2_000;
    const soon = await visitor(server.url, v.token);
    await server.app.service.idle();
    expect((await server.store.listMessages(conversationId, 0, 50)).map((m) => m.body)).not.toContain('you said: is anyone there?');
    soon.socket.disconnect();
    offset += 30_000;
    const back = await visitor(server.url, v.token);
    await waitFor(back, 'message:new', (m) => m.body === 'you said: is anyone there?');
    await server.app.service.idle();
    const answers = (await server.store.listMessages(conversationId, 0, 50)).filter((m) => m.body === 'you said: is anyone there?');
    expect(answers).toHaveLength(1);
  });

  it('in a conversation longer than one page, the bot answers the latest message and agents open the latest page', async () => {
    const seen: string[][] = [];
    server = await startServer(factory, { bot: echo(seen) });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'long-0', body: 'start' });
    await waitFor(v, 'message:new', (m) => m.body === 'you said: start');
    const conversationId = (await server.store.latestConversation(v.visitorId))!.id;
    for (let i = 1; i <= 520; i++) {
      await server.store.appendMessage({ id: `m_long_${i}`, conversationId, clientId: `long-${i}`, author: { kind: i % 2 ? 'visitor' : 'bot' }, body: `line ${i}`, now: new Date().toISOString() });
    }
    await request(v.socket, 'message:send', { clientId: 'long-last', body: 'the newest question' });
    await waitFor(v, 'message:new', (m) => m.body === 'you said: the newest question', 15_000); // a 500-message read, on a busy machine
    expect(seen.at(-1)!.at(-1)).toBe('visitor:the newest question');
    const back = await visitor(server.url, v.token);
    expect(back.resumed.messages.at(-1).body).toBe('you said: the newest question');
  });

  it('a bot that fails hands over with the visitor\'s words in the package masked, like every escalation (issue 19, item 11)', async () => {
    const broken: BotProvider = { name: 'broken', turn: async () => { throw new Error('model crashed'); } };
    server = await startServer(factory, { bot: broken });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'f1', body: 'My card was charged twice, write to jane.doe@example.com or call +49 170 1234567' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const a = await agent(server.url);
    const [card] = (await request(a.socket, 'queue:list', {})).conversations;
    expect(card.handoff).toMatchObject({ trigger: 'workflow_failure', status: 'blocked' });
    expect(card.handoff.summary).toContain('charged twice');
    expect(JSON.stringify(card.handoff)).not.toMatch(/jane\.doe@|1234567/);
    a.socket.disconnect();
  });
});
