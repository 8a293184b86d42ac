// Console presence across nodes lives in the database: a tab counts on every node at once, a
// closed tab stops counting, and the tabs of a node that died stop counting after the stale
// period and are handed to the grace-period path by whichever node sweeps them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionPresence } from '../../src/service/presence.js';
import type { Store } from '../../src/store/types.js';
import { storeFactories } from '../helpers/db.js';

const timing = { heartbeatMs: 50, staleMs: 300 };
const noVisitors = async () => false;

describe.each(storeFactories)('console presence on $name', (factory) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await factory.create());
  });
  afterEach(async () => cleanup());

  it('a tab on one node counts on another; closing the last tab stops it counting', async () => {
    const a = new ConnectionPresence(store, 'node_a', noVisitors, timing);
    const b = new ConnectionPresence(store, 'node_b', noVisitors, timing);
    await a.joined('sock1', { id: 'ag_1', siteId: 's1' });
    await b.joined('sock2', { id: 'ag_1', siteId: 's1' });
    await a.joined('sock3', { id: 'ag_2', siteId: 's2' });
    expect([...(await b.connectedAgents('s1'))]).toEqual(['ag_1']);
    expect([...(await b.connectedAgents('s2'))]).toEqual(['ag_2']);
    await a.left('sock1');
    expect((await a.connectedAgents('s1')).has('ag_1')).toBe(true); // still open on node b
    await b.left('sock2');
    expect((await a.connectedAgents('s1')).size).toBe(0);
  });

  it("a dead node's tabs stop counting after the stale period and are swept once, by a live node", async () => {
    // Both nodes' wall clock, stepped by the test: the live node beats once per heartbeat of it.
    let now = Date.parse('2026-03-02T09:00:00Z');
    const wallClock = () => now;
    const dead = new ConnectionPresence(store, 'node_dead', noVisitors, timing, wallClock);
    const live = new ConnectionPresence(store, 'node_live', noVisitors, timing, wallClock);
    await dead.joined('sock_d', { id: 'ag_gone', siteId: 's1' });
    await live.joined('sock_l', { id: 'ag_here', siteId: 's1' });
    const orphaned: string[] = [];
    const heartbeats = async (n: number) => {
      for (let i = 0; i < n; i++) {
        now += timing.heartbeatMs;
        await live.beat(async (agents) => void orphaned.push(...agents.map((a) => a.agentId)));
      }
    };
    // The dead node never beats again; the live one keeps its own row fresh.
    await heartbeats(5); // 250 ms: within the stale period, both still count
    expect([...(await live.connectedAgents('s1'))].sort()).toEqual(['ag_gone', 'ag_here']);
    expect(orphaned).toEqual([]);
    await heartbeats(5); // 500 ms: past it
    expect([...(await live.connectedAgents('s1'))]).toEqual(['ag_here']);
    await live.stop();
    expect([...(await live.connectedAgents('s1'))]).toEqual([]); // stop() removed the live node's rows too
    expect(orphaned).toEqual(['ag_gone']);
  });

  it('stopping a node removes its tabs at once (graceful shutdown)', async () => {
    const a = new ConnectionPresence(store, 'node_a', noVisitors, timing);
    await a.joined('sock1', { id: 'ag_1', siteId: 's1' });
    await a.stop();
    expect((await a.connectedAgents('s1')).size).toBe(0);
  });
});
