// Durable timers on the store we already run. What must happen later (a silent agent's
// conversation going back to the queue, an agent's presence grace period, abandonment, a
// reply-later email) is a row in `jobs`, so it fires after a restart and on whichever node polls
// first; a compare-and-set claim makes sure exactly one node runs each due job.
import type { Logger } from '../log.js';
import type { JobRecord, Store } from '../store/types.js';
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
  batch?: number;
  /** Attempts before a failing job is dropped (and logged). */
  maxAttempts?: number;
}

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly opts: Required<JobRunnerOptions>;

  constructor(
    private readonly store: Store,
    private readonly handlers: Record<string, JobHandler>,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    opts: JobRunnerOptions = {},
  ) {
    this.opts = { pollMs: 1000, lockMs: 60_000, batch: 20, maxAttempts: 8, ...opts };
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runDue().catch((err) => this.logger.error({ err }, 'job poll failed')), this.opts.pollMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every job due now; returns how many ran. One pass at a time per runner. */
  runDue(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock();
      const jobs = await this.store.claimDueJobs(now.toISOString(), this.opts.batch, this.opts.lockMs);
      if (jobs.length === 0) return ran;
      for (const [i, job] of jobs.entries()) {
        // A job is started only while most of its lock is left, so it never runs on after the
        // lock expired and another node took it (slow webhook targets can fill a batch's time).
        if (this.clock().getTime() - now.getTime() >= this.opts.lockMs / 2) {
          for (const rest of jobs.slice(i)) await this.store.releaseJob(rest.id, rest.token);
          break;
        }
        ran += 1;
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
      }
      // Keep going until nothing is claimable: another runner may have won some of this batch.
    }
  }
}
