// Typing indicators between the visitor widget and an agent, on a real server over real sockets:
// throttled, turned off after a pause, and an agent's indicator never sticks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../../server/test/helpers/db.js';
import { agent, request, startServer, type TestServer, waitFor } from '../../server/test/helpers/server.js';
import { connect, type Connection } from '../src/visitor/connection.js';
import { createVisitorStore, type VisitorStore } from '../src/visitor/store.js';

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('typing indicators', () => {
  let server: TestServer;
  let store: VisitorStore;
  let connection: Connection;
  let a: Awaited<ReturnType<typeof agent>>;
  let conversationId: string;
  beforeEach(async () => {
    localStorage.clear();
    server = await startServer(sqliteFactory);
    store = createVisitorStore('demo');
    connection = connect(store, server.url, () => {}, { typingThrottleMs: 200, typingIdleMs: 400, agentTypingExpiryMs: 400 });
    await until(() => store.getState().connection === 'online', 10_000, 'online');
    connection.send('Can I talk to a real person please?');
    await until(() => store.getState().conversation?.control === 'queued', 5000, 'queued');
    conversationId = store.getState().conversation!.id;
    a = await agent(server.url);
    expect(await request(a.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: true });
    await until(() => store.getState().conversation?.control === 'agent', 5000, 'agent joined');
  });
  afterEach(async () => {
    connection.close();
    await server.close();
  });

  it("an agent's typing indicator goes away by itself when it is not refreshed", async () => {
    await request(a.socket, 'typing:set', { conversationId, typing: true });
    await until(() => store.getState().agentTyping !== null, 2000, 'agent typing shown');
    expect(store.getState().agentTyping).toMatch(/\S/);
    // Refreshed in time: still shown.
    await sleep(250);
    await request(a.socket, 'typing:set', { conversationId, typing: true });
    await sleep(250);
    expect(store.getState().agentTyping).not.toBeNull();
    // The agent's "stopped" never arrives (their tab closed): gone after the expiry anyway.
    await until(() => store.getState().agentTyping === null, 1500, 'agent typing expired');
  });

  it("the visitor's typing is throttled and stops after a pause, and on send", async () => {
    const typingSeen = () => a.received.filter((r) => r.event === 'typing').map((r) => r.payload.typing as boolean);
    // Keystrokes for ~300 ms: one "typing" per 200 ms window, not one per key.
    for (let i = 0; i < 10; i++) {
      connection.typing(true);
      await sleep(30);
    }
    await waitFor(a, 'typing', (p) => p.typing === true);
    await sleep(50);
    expect(typingSeen().filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(typingSeen()).not.toContain(false);
    // No keystroke for the idle time: "stopped" goes out by itself.
    await waitFor(a, 'typing', (p) => p.typing === false, 2000);
    const afterPause = typingSeen().length;

    // Typing again, then sending: "stopped" at once, and no stray "typing" afterwards.
    connection.typing(true);
    await until(() => typingSeen().length === afterPause + 1, 2000, 'typing again');
    connection.send('Thanks, my order is A-10422');
    connection.typing(false);
    await until(() => typingSeen().length === afterPause + 2, 2000, 'stopped on send');
    expect(typingSeen().at(-1)).toBe(false);
    await sleep(600);
    expect(typingSeen()).toHaveLength(afterPause + 2);
  });
});
