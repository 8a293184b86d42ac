// The LLM provider inside the real server: a model slower than the service's 10 s bot-turn cut-off
// must end in the provider's own workflow_failure handoff (intent, details, attempts), not in the
// service's generic bot.failure that knows none of them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import { LlmBot } from '../../src/bot/llm/provider.js';
import { sqliteFactory } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

let model: Server;
let baseUrl: string;
let calls = 0;
let server: TestServer;

beforeAll(async () => {
  // Answers after 15 s: slower than any bot turn may take.
  model = createServer((req, res) => {
    calls++;
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"message":{"content":"{\\"mode\\":\\"resolve\\",\\"reply\\":\\"late\\"}"}}]}'), 15_000);
  });
  await new Promise<void>((r) => model.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
  const engine = loadEngine(resolve(import.meta.dirname, '../../sites/demo'));
  server = await startServer(sqliteFactory, { bot: new LlmBot({ baseUrl, model: 'slow-model' }, engine) });
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => {
    model.close(() => r());
    model.closeAllConnections();
  });
});

describe('a slow language model in the real server', () => {
  it('[LLM2] with the default deadline, the visitor is handed over by the provider, with intent and details, before the 10 s cut-off', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'v1', body: 'How long does shipping to Austria take? My email is jane@example.com' });
    const started = Date.now();
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued', 12_000);
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(calls).toBe(1); // the failed model is not asked for a summary

    const a = await agent(server.url);
    const opened = await request(a.socket, 'conversation:open', { conversationId: sent.message.conversationId });
    expect(opened.decisions.map((d: any) => [d.mode, d.rule, d.trigger])).toEqual([['escalate', 'LLM.failure', 'workflow_failure']]);
    const queue = await request(a.socket, 'queue:list', {});
    const card = queue.conversations.find((c: any) => c.id === sent.message.conversationId);
    expect(card.handoff).toMatchObject({ trigger: 'workflow_failure', intent: 'shipping_info', customerDetails: { email: 'j***@example.com' } });
    expect(card.handoff.attempted).toContainEqual({ action: 'language model answer', outcome: expect.stringMatching(/timed out/) });
  }, 20_000);
});
