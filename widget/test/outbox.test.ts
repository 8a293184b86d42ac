// The visitor's outbox against a real Baton server (SQLite, built-in bot) over real sockets:
// everything queued goes out, exactly once, whatever happens while a send is in flight. Retries
// wait on the widget's clock, moved by hand: nothing here sleeps (issue 20).
import type { Message } from '@baton/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory, type StoreFactory } from '../../server/test/helpers/db.js';
import { request, startServer, type TestServer, visitor } from '../../server/test/helpers/server.js';
import { userHash } from '../../server/src/auth/identity.js';
import { connect, type Connection } from '../src/visitor/connection.js';
import { createVisitorStore, type VisitorStore } from '../src/visitor/store.js';
import { type ManualTimers, manualTimers } from './helpers/manual-timers.js';

/** The real SQLite store, made to fail its next few reads of a visitor's conversation on demand. */
function faultyFactory(faults: { latestConversation: number }): StoreFactory {
  return {
    name: 'sqlite',
    async create() {
      const made = await sqliteFactory.create();
      const real = made.store;
      const store = new Proxy(real, {
        get(target, key, receiver) {
          if (key === 'latestConversation' && faults.latestConversation > 0) {
            return async () => {
              faults.latestConversation -= 1;
              throw new Error('injected store fault');
            };
          }
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return { ...made, store };
    },
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the server stored for this visitor, read by a second client with the same token. */
async function storedBodies(server: TestServer, token: string): Promise<string[]> {
  const other = await visitor(server.url, token);
  const resumed = await request(other.socket, 'session:resume', {});
  other.socket.disconnect();
  return (resumed.messages as Message[]).filter((m) => m.author.kind === 'visitor').map((m) => m.body);
}

describe('visitor outbox on a real server', () => {
  const faults = { latestConversation: 0 };
  let server: TestServer;
  let store: VisitorStore;
  let connection: Connection;
  let clock: ManualTimers;
  beforeEach(async () => {
    localStorage.clear();
    faults.latestConversation = 0;
    server = await startServer(faultyFactory(faults));
    store = createVisitorStore('demo');
    clock = manualTimers();
    connection = connect(store, server.url, () => {}, { timers: clock });
    await until(() => store.getState().connection === 'online', 10_000, 'online');
  });
  afterEach(async () => {
    connection.close();
    await server.close();
  });

  it('a message queued while the previous one awaits its ack is sent too', async () => {
    connection.send('first question');
    connection.send('second question'); // the first send's ack has not come back yet
    await until(() => store.getState().outbox.length === 0, 5000, 'outbox empty');
    expect(await storedBodies(server, store.getState().token!)).toEqual(['first question', 'second question']);
  });

  it('a server fault is retried with backoff, and the message is stored once', async () => {
    faults.latestConversation = 2; // the first two sends are refused with `internal`
    connection.send('will you get this?');
    // Refused: kept, not marked failed, and tried again after about 1 s (±25 % jitter)…
    await until(() => clock.pending().length === 1, 5000, 'a retry waiting after the first fault');
    expect(faults.latestConversation).toBe(1);
    expect(store.getState().outbox).toHaveLength(1);
    expect(store.getState().outbox[0]!.failed).toBeUndefined();
    const first = clock.pending()[0]!;
    expect(first).toBeGreaterThanOrEqual(750);
    expect(first).toBeLessThanOrEqual(1250);
    // …then, refused again, after about 2 s.
    clock.advance(first);
    await until(() => faults.latestConversation === 0 && clock.pending().length === 1, 5000, 'a retry waiting after the second fault');
    expect(store.getState().outbox).toHaveLength(1);
    const second = clock.pending()[0]!;
    expect(second).toBeGreaterThanOrEqual(1500);
    expect(second).toBeLessThanOrEqual(2500);
    clock.advance(second);
    await until(() => store.getState().outbox.length === 0, 8000, 'outbox empty after retries');
    expect(await storedBodies(server, store.getState().token!)).toEqual(['will you get this?']);
  }, 15_000); // a fresh server's first stored message takes a few seconds under load

  it('another user signing in on this browser never sends what the previous one left unsent', async () => {
    const as = (userId: string) => ({ userId, userHash: userHash('demo-identity-secret', userId) });
    connection.identify(as('alice'));
    connection.send('hello, this is Alice');
    await until(() => store.getState().outbox.length === 0, 5000, "Alice's first message stored");
    const alice = store.getState().token!;
    // Her next message meets a server fault and waits in the outbox for its retry (about 1 s)…
    faults.latestConversation = 1;
    connection.send('my card number is 4242 4242 4242 4242');
    await until(() => clock.pending().length > 0, 5000, 'the send refused once, its retry waiting');
    expect(store.getState().outbox).toHaveLength(1);
    // …when Bob signs in on the same browser (the page never said Alice left).
    connection.identify(as('bob'));
    await until(() => store.getState().token !== alice, 5000, 'switched to a visitor for Bob');
    expect(store.getState().outbox).toEqual([]);
    await until(() => store.getState().connection === 'online', 5000, 'connected again as Bob');
    clock.advance(60_000); // past the retry Alice's message was waiting for
    // Bob's own first message goes out after anything still on its way: it is all that is his.
    connection.send('hello, this is Bob');
    await until(() => store.getState().outbox.length === 0, 8000, "Bob's message stored");
    expect(await storedBodies(server, store.getState().token!)).toEqual(['hello, this is Bob']);
    expect(await storedBodies(server, alice)).toEqual(['hello, this is Alice']);
  }, 15_000);

  // Socket.IO fails pending acks on a drop, so this guards the epoch handover rather than a bug seen.
  it('a connection dropped mid-send is resent on reconnect, same client id, stored once', async () => {
    connection.send('sent as the network drops');
    const clientId = store.getState().outbox[0]!.clientId;
    window.dispatchEvent(new Event('offline'));
    connection.send('written while offline');
    expect(store.getState().outbox.map((o) => o.clientId)[0]).toBe(clientId);
    window.dispatchEvent(new Event('online'));
    await until(() => store.getState().outbox.length === 0, 5000, 'outbox empty after reconnect');
    expect(await storedBodies(server, store.getState().token!)).toEqual(['sent as the network drops', 'written while offline']);
    expect(store.getState().messages.filter((m) => m.clientId === clientId)).toHaveLength(1);
  });
});
