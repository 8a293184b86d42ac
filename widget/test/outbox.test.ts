// The visitor's outbox against a real Baton server (SQLite, built-in bot) over real sockets:
// everything queued goes out, exactly once, whatever happens while a send is in flight.
import type { Message } from '@baton/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory, type StoreFactory } from '../../server/test/helpers/db.js';
import { request, startServer, type TestServer, visitor } from '../../server/test/helpers/server.js';
import { userHash } from '../../server/src/auth/identity.js';
import { connect, type Connection } from '../src/visitor/connection.js';
import { createVisitorStore, type VisitorStore } from '../src/visitor/store.js';

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
  beforeEach(async () => {
    localStorage.clear();
    faults.latestConversation = 0;
    server = await startServer(faultyFactory(faults));
    store = createVisitorStore('demo');
    connection = connect(store, server.url, () => {});
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
    await until(() => faults.latestConversation === 0, 5000, 'both faults hit');
    expect(store.getState().outbox).toHaveLength(1); // kept, not marked failed
    expect(store.getState().outbox[0]!.failed).toBeUndefined();
    await until(() => store.getState().outbox.length === 0, 8000, 'outbox empty after retries');
    expect(await storedBodies(server, store.getState().token!)).toEqual(['will you get this?']);
  }, 15_000);

  it('another user signing in on this browser never sends what the previous one left unsent', async () => {
    const as = (userId: string) => ({ userId, userHash: userHash('demo-identity-secret', userId) });
    connection.identify(as('alice'));
    connection.send('hello, this is Alice');
    await until(() => store.getState().outbox.length === 0, 5000, "Alice's first message stored");
    const alice = store.getState().token!;
    // Her next message meets a server fault and waits in the outbox for its retry (about 1 s)…
    faults.latestConversation = 1;
    connection.send('my card number is 4242 4242 4242 4242');
    await until(() => faults.latestConversation === 0, 5000, 'the send refused once');
    expect(store.getState().outbox).toHaveLength(1);
    // …when Bob signs in on the same browser (the page never said Alice left).
    connection.identify(as('bob'));
    await until(() => store.getState().token !== alice, 5000, 'switched to a visitor for Bob');
    expect(store.getState().outbox).toEqual([]);
    await new Promise((r) => setTimeout(r, 2500)); // past the retry Alice's message was waiting for
    expect(await storedBodies(server, store.getState().token!)).toEqual([]);
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
