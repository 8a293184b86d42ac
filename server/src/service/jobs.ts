// Durable timers on the store we already run. What must happen later (a silent agent's
// conversation going back to the queue, an agent's presence grace period, abandonment, a
// reply-later email) is a row in `jobs`, so it fires after a restart and on whichever node polls
// first; a compare-and-set claim makes sure exactly one node runs each due job.
import type { Logger } from '../log.js';
import type { JobKinds, JobRecord, Store } from '../store/types.js';
import type { Timers } from './conversations.js';

export type JobHandler = (data: Record<string, unknown>, job: JobRecord) => Promise<void>;

export function storeTimers(store: Store): Timers {
  return {
    schedule: async (id, kind, runAt, data, options) => {
      const job = { id, kind, runAt: runAt.toISOString(), data };
      if (options?.keep) await store.scheduleJobOnce(job);
      else await store.scheduleJob(job);
    },
    cancel: (id) => store.cancelJob(id),
  };
}

export interface JobRunnerOptions {
  pollMs?: number;
  /** How long a claimed job is held before another node may take it over (a crashed runner). */
  lockMs?: number;
  /** Jobs held (claimed, running or waiting in a lane) at once. */
  batch?: number;
  /** Attempts before a failing job is dropped (and logged). */
  maxAttempts?: number;
  /** The kinds this runner takes (a runner of its own for webhooks, all the rest for another). */
  kinds?: JobKinds;
  /** Jobs of one lane run one after another, lanes side by side (default: one lane). */
  lane?: (job: JobRecord) => string;
}

/** Webhook deliveries, one lane per endpoint: a slow receiver holds up only its own deliveries. */
export const webhookLane = (job: JobRecord) => `endpoint:${String(job.data.endpointId ?? job.id)}`;

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Jobs run (not handed back) since start. */
  private ran = 0;
  private readonly opts: Required<Omit<JobRunnerOptions, 'kinds'>> & { kinds: JobKinds };

  constructor(
    private readonly store: Store,
    private readonly handlers: Record<string, JobHandler>,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    opts: JobRunnerOptions = {},
  ) {
    this.opts = { pollMs: 1000, lockMs: 60_000, batch: 20, maxAttempts: 8, kinds: {}, lane: () => 'all', ...opts };
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll().catch((err) => this.logger.error({ err }, 'job poll failed')), this.opts.pollMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await Promise.all(this.inFlight);
  }

  /** Runs every job due now and waits for them; returns how many ran (tests, and a runner's own loop). */
  async runDue(): Promise<number> {
    const before = this.ran;
    for (;;) {
      const claimed = await this.poll();
      await Promise.all(this.inFlight);
      // Keep going until nothing is claimable: a job handed back, or another runner's leftovers.
      if (claimed === 0 && this.inFlight.size === 0) return this.ran - before;
    }
  }

  /**
   * Claims what is due, up to the room left, and starts it in its lane without waiting: the next
   * poll comes on time however long a job takes. One poll at a time per runner.
   */
  private poll(): Promise<number> {
    if (this.polling) return this.polling.then(() => 0);
    let claimed = 0;
    this.polling = (async () => {
      for (;;) {
        const room = this.opts.batch - this.inFlight.size;
        if (room <= 0) return;
        const claimedAt = this.clock();
        const jobs = await this.store.claimDueJobs(claimedAt.toISOString(), room, this.opts.lockMs, this.opts.kinds);
        if (jobs.length === 0) return;
        claimed += jobs.length;
        for (const job of jobs) this.dispatch(job, claimedAt);
      }
    })().finally(() => {
      this.polling = null;
    });
    return this.polling.then(() => claimed);
  }

  private dispatch(job: JobRecord, claimedAt: Date) {
    const lane = this.opts.lane(job);
    const run = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.runOne(job, claimedAt));
    this.lanes.set(lane, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.lanes.get(lane) === run) this.lanes.delete(lane);
    });
  }

  /** Runs one claimed job, or hands it back. Never throws. */
  private async runOne(job: JobRecord, claimedAt: Date): Promise<void> {
    try {
      // A job is started only while most of its lock is left, so it never runs on after the lock
      // expired and another node took it (a slow lane can hold a job that long).
      if (this.clock().getTime() - claimedAt.getTime() >= this.opts.lockMs / 2) {
        await this.store.releaseJob(job.id, job.token);
        return;
      }
      this.ran += 1;
      const handler = this.handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(job.data, job);
        await this.store.completeJob(job.id, job.token);
      } catch (err) {
        if (job.attempts >= this.opts.maxAttempts) {
          this.logger.error({ err, job: job.id, attempts: job.attempts }, 'job failed for good; dropped');
          await this.store.completeJob(job.id, job.token);
        } else {
          const backoff = Math.min(2 ** job.attempts * 5_000, 10 * 60_000);
          this.logger.warn({ err, job: job.id, attempts: job.attempts, retryInMs: backoff }, 'job failed; will retry');
          await this.store.retryJob(job.id, job.token, new Date(this.clock().getTime() + backoff).toISOString());
        }
      }
    } catch (err) {
      this.logger.error({ err, job: job.id }, 'job bookkeeping failed');
    }
  }
}
