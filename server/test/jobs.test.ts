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

  it('a job that hangs holds up only its own lane: the other lanes run, and new jobs are polled and run meanwhile', async () => {
    const { store, cleanup } = await factory.create();
    const now = Date.parse('2026-11-25T10:00:00Z');
    const at = new Date(now).toISOString();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const ran: string[] = [];
    const runner = new JobRunner(
      store,
      {
        deliver: async (d) => {
          ran.push(`start ${d.name}`);
          if (d.name === 'a1') await gate; // a receiver that does not answer
          ran.push(`done ${d.name}`);
        },
      },
      () => new Date(now),
      createLogger('silent'),
      { pollMs: 10, lane: (job) => String(job.data.lane) },
    );
    const until = async (what: string) => {
      for (let i = 0; i < 500 && !ran.includes(what); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ran).toContain(what);
    };
    try {
      await store.scheduleJob({ id: 'a1', kind: 'deliver', runAt: at, data: { name: 'a1', lane: 'A' } });
      await store.scheduleJob({ id: 'a2', kind: 'deliver', runAt: at, data: { name: 'a2', lane: 'A' } });
      await store.scheduleJob({ id: 'b1', kind: 'deliver', runAt: at, data: { name: 'b1', lane: 'B' } });
      runner.start();
      await until('done b1');
      // Scheduled while a1 still hangs: picked up by the next poll and run.
      await store.scheduleJob({ id: 'c1', kind: 'deliver', runAt: at, data: { name: 'c1', lane: 'C' } });
      await until('done c1');
      expect(ran).not.toContain('start a2'); // one at a time within a lane
      open();
      await until('done a2');
      expect(ran.indexOf('done a1')).toBeLessThan(ran.indexOf('start a2'));
      await runner.stop();
      expect(await store.claimDueJobs(at, 10, 60_000)).toEqual([]);
    } finally {
      open();
      await runner.stop();
      await cleanup();
    }
  });

  it('a runner takes only the kinds it is given', async () => {
    const { store, cleanup } = await factory.create();
    try {
      const at = '2026-11-25T10:00:00.000Z';
      await store.scheduleJob({ id: 'w1', kind: 'webhook', runAt: at, data: {} });
      await store.scheduleJob({ id: 'r1', kind: 'requeue', runAt: at, data: {} });
      const ran: string[] = [];
      const handlers = { webhook: async () => void ran.push('webhook'), requeue: async () => void ran.push('requeue') };
      const core = new JobRunner(store, handlers, () => new Date(at), createLogger('silent'), { kinds: { except: ['webhook'] } });
      expect(await core.runDue()).toBe(1);
      expect(ran).toEqual(['requeue']);
      const hooks = new JobRunner(store, handlers, () => new Date(at), createLogger('silent'), { kinds: { only: ['webhook'] } });
      expect(await hooks.runDue()).toBe(1);
      expect(ran).toEqual(['requeue', 'webhook']);
    } finally {
      await cleanup();
    }
  });
});
