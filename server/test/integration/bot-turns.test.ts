// A visitor who writes again while the bot is still answering gets an answer to that message too
// (it was silently skipped when the bot's answer to the first landed after it), and the bot sees
// the transcript ending with the message it answers.
import { afterEach, describe, expect, it } from 'vitest';
import type { BotProvider, BotTurnInput } from '../../src/bot/provider.js';
import { storeFactories } from '../helpers/db.js';
import { request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

/** Answers each message by quoting it; the first answer takes a while. */
function slowEcho(seen: string[][]): BotProvider {
  let turns = 0;
  return {
    name: 'slow-echo',
    async turn(input: BotTurnInput) {
      if (turns++ === 0) await new Promise((r) => setTimeout(r, 400));
      seen.push(input.history.map((m) => `${m.author.kind}:${m.body}`));
      const last = input.history.at(-1)!;
      return { mode: 'resolve', reply: `you said: ${last.body}`, rule: 'test.echo', evidence: [] };
    },
  };
}

describe.each(storeFactories)('bot turns on $name', (factory) => {
  let server: TestServer;
  afterEach(async () => server.close());

  it('a second message sent while the bot answers the first is answered too, in order', async () => {
    const seen: string[][] = [];
    server = await startServer(factory, { bot: slowEcho(seen) });
    const v = await visitor(server.url);
    await request(v.socket, 'message:send', { clientId: 'q1', body: 'where is my order?' });
    await request(v.socket, 'message:send', { clientId: 'q2', body: 'also, can I pay by invoice?' });
    await waitFor(v, 'message:new', (m) => m.body === 'you said: also, can I pay by invoice?');
    const bodies = v.received.filter((r) => r.event === 'message:new' && r.payload.author.kind === 'bot').map((r) => r.payload.body);
    expect(bodies).toEqual(['you said: where is my order?', 'you said: also, can I pay by invoice?']);
    // The second turn saw the first answer, and ended with the message it answered.
    expect(seen[1]!.at(-1)).toBe('visitor:also, can I pay by invoice?');
    expect(seen[1]).toContain('bot:you said: where is my order?');
  });
});
