// Typing indicators between the visitor widget and an agent, on a real server over real sockets:
// throttled, turned off after a pause, and an agent's indicator never sticks. The widget's clock
// is moved by hand; the tests wait only for what the other side receives (issue 20).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../../server/test/helpers/db.js';
import { agent, request, startServer, type TestServer, waitFor } from '../../server/test/helpers/server.js';
import { connect, type Connection } from '../src/visitor/connection.js';
import { createVisitorStore, type VisitorStore } from '../src/visitor/store.js';
import { type ManualTimers, manualTimers } from './helpers/manual-timers.js';

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('typing indicators', () => {
  let server: TestServer;
  let store: VisitorStore;
  let connection: Connection;
  let clock: ManualTimers;
  let a: Awaited<ReturnType<typeof agent>>;
  let conversationId: string;
  beforeEach(async () => {
    localStorage.clear();
    server = await startServer(sqliteFactory);
    store = createVisitorStore('demo');
    clock = manualTimers();
    connection = connect(store, server.url, () => {}, { typingThrottleMs: 200, typingIdleMs: 400, agentTypingExpiryMs: 500, timers: clock });
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
    // Refreshed in time: still shown past the first expiry.
    clock.advance(300);
    await request(a.socket, 'typing:set', { conversationId, typing: true });
    await until(() => clock.pending()[0] === 500, 2000, 'the refresh arrived and restarted the expiry');
    clock.advance(300);
    expect(store.getState().agentTyping).not.toBeNull();
    // The agent's "stopped" never arrives (their tab closed): gone once the refresh is as old as the expiry.
    clock.advance(199);
    expect(store.getState().agentTyping).not.toBeNull();
    clock.advance(1);
    expect(store.getState().agentTyping).toBeNull();
  });

  it("the visitor's typing is throttled and stops after a pause, and on send", async () => {
    const typingSeen = () => a.received.filter((r) => r.event === 'typing').map((r) => r.payload.typing as boolean);
    // A keystroke every 30 ms for 300 ms: one "typing" per 200 ms window (at 0 and 210 ms), not one per key.
    for (let i = 0; i < 10; i++) {
      connection.typing(true);
      clock.advance(30);
    }
    await until(() => typingSeen().length >= 2, 2000, 'typing shown to the agent');
    // No keystroke for the idle time (400 ms after the last, at 270 ms): "stopped" goes out by itself.
    clock.advance(399 - 30);
    expect(clock.pending()).toEqual([1]);
    clock.advance(1);
    await waitFor(a, 'typing', (p) => p.typing === false, 2000);
    // Everything the visitor sent arrived before its "stopped": two "typing", no earlier "stopped".
    expect(typingSeen()).toEqual([true, true, false]);
    const afterPause = typingSeen().length;

    // Typing again, then sending: "stopped" at once, and no stray "typing" afterwards.
    connection.typing(true);
    await until(() => typingSeen().length === afterPause + 1, 2000, 'typing again');
    connection.send('Thanks, my order is A-10422');
    connection.typing(false);
    await until(() => typingSeen().length === afterPause + 2, 2000, 'stopped on send');
    expect(typingSeen().at(-1)).toBe(false);
    // Long past any throttle or pause, nothing more goes out: what the agent sees next is the
    // visitor's next keystroke and its pause, not a stray "typing" or "stopped" from before the send.
    clock.advance(5000);
    connection.typing(true);
    await until(() => typingSeen().length > afterPause + 2, 2000, 'the next keystroke');
    clock.advance(400);
    await until(() => typingSeen().length > afterPause + 3, 2000, 'its pause');
    expect(typingSeen().slice(afterPause)).toEqual([true, false, true, false]);
  });
});
