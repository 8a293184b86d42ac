// The durable job runner on real stores: failures retry with backoff, a job that keeps failing
// is dropped after its attempts, and two runners on one database never run a job twice.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { JobRunner } from '../src/service/jobs.js';
import { storeFactories } from './helpers/db.js';

describe.each(storeFactories)('job runner on $name', (factory) => {
  it('retries a failing job with backoff, then drops it after the last attempt', async () => {
    const { store, cleanup } = await factory.create();
    try {
      let now = Date.parse('2026-11-25T10:00:00Z');
      const calls: number[] = [];
      await store.scheduleJob({ id: 'mail:1', kind: 'flaky', runAt: new Date(now).toISOString(), data: {} });
      const failing = new JobRunner(store, {
        flaky: async () => {
          calls.push(now);
          throw new Error('smtp down');
        },
      }, () => new Date(now), createLogger('silent'), { maxAttempts: 3 });
      expect(await failing.runDue()).toBe(1);
      expect(await failing.runDue()).toBe(0); // backed off: 10 s after the first attempt
      now += 10_000;
      expect(await failing.runDue()).toBe(1);
      now += 20_000;
      expect(await failing.runDue()).toBe(1);
      now += 3_600_000;
      expect(await failing.runDue()).toBe(0); // dropped after 3 attempts
      expect(calls).toHaveLength(3);
    } finally {
      await cleanup();
    }
  });

  it('a runner whose batch outlasts half its lock hands the rest back; a runner whose lock ran out cannot complete', async () => {
    const { store, cleanup } = await factory.create();
    try {
      let now = Date.parse('2026-11-25T10:00:00Z');
      for (let i = 0; i < 3; i++) await store.scheduleJob({ id: `slow${i}`, kind: 'slow', runAt: new Date(now).toISOString(), data: { i } });
      const ran: string[] = [];
      // Each job takes 40 s of a 60 s lock: the second would start with too little of it left.
      const handlers = { slow: async (d: Record<string, unknown>) => void (ran.push(`a${d.i}`), (now += 40_000)) };
      const a = new JobRunner(store, handlers, () => new Date(now), createLogger('silent'), { batch: 3, lockMs: 60_000 });
      expect(await a.runDue()).toBe(3); // one per fresh claim
      expect(ran).toEqual(['a0', 'a1', 'a2']);
      const left = await store.claimDueJobs(new Date(now).toISOString(), 10, 60_000);
      expect(left).toHaveLength(0);

      // Fencing: a stale claim's token no longer completes a job another runner has claimed since.
      await store.scheduleJob({ id: 'fenced', kind: 'slow', runAt: new Date(now).toISOString(), data: {} });
      const [stale] = await store.claimDueJobs(new Date(now).toISOString(), 1, 1_000);
      now += 2_000;
      const [fresh] = await store.claimDueJobs(new Date(now).toISOString(), 1, 60_000);
      expect(fresh!.token).not.toBe(stale!.token);
      await store.completeJob(stale!.id, stale!.token);
      await store.releaseJob(fresh!.id, fresh!.token);
      const again = await store.claimDueJobs(new Date(now).toISOString(), 1, 60_000);
      expect(again.map((j) => [j.id, j.attempts])).toEqual([['fenced', 2]]);
    } finally {
      await cleanup();
    }
  });

  it('two runners on one database run each job exactly once', async () => {
    const { store, cleanup } = await factory.create();
    try {
      const now = Date.parse('2026-11-25T10:00:00Z');
      for (let i = 0; i < 30; i++) await store.scheduleJob({ id: `j${i}`, kind: 'count', runAt: new Date(now).toISOString(), data: { i } });
      const ran: number[] = [];
      const handlers = { count: async (d: Record<string, unknown>) => void ran.push(Number(d.i)) };
      const a = new JobRunner(store, handlers, () => new Date(now), createLogger('silent'), { batch: 4 });
      const b = new JobRunner(store, handlers, () => new Date(now), createLogger('silent'), { batch: 4 });
      const [x, y] = await Promise.all([a.runDue(), b.runDue()]);
      expect(x + y).toBe(30);
      expect(ran.sort((p, q) => p - q)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      await cleanup();
    }
  });
});
