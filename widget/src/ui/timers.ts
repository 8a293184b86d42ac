// The clock the widget's own waits run on (typing throttle and idle, an agent's typing expiry,
// outbox retries, the reorder hold). Passed in, the browser's by default, so tests move time by
// hand instead of sleeping (issue 20). Socket.IO's own timers (acks, reconnects) stay real.
export type TimerId = unknown;

export interface Timers {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  setTimeout(run: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | null | undefined): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout> | undefined),
};
