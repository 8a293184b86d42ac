// A clock for the widget's own waits (src/ui/timers.ts) that moves only when the test says so:
// `advance` runs what falls due, in order, each at its own time. Nothing here sleeps (issue 20).
import type { TimerId, Timers } from '../../src/ui/timers.js';

export interface ManualTimers extends Timers {
  /** Moves the clock forward, running every timer due on the way (and those they set in turn). */
  advance(ms: number): void;
  /** Milliseconds from now until each pending timer is due, soonest first. */
  pending(): number[];
}

export function manualTimers(start = Date.parse('2026-03-02T09:00:00Z')): ManualTimers {
  let now = start;
  let nextId = 1;
  const due = new Map<number, { at: number; run: () => void }>();
  const soonest = () => [...due.entries()].sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
  return {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++;
      due.set(id, { at: now + Math.max(0, ms), run });
      return id;
    },
    clearTimeout(id: TimerId | null | undefined) {
      if (typeof id === 'number') due.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (let next = soonest(); next && next[1].at <= end; next = soonest()) {
        due.delete(next[0]);
        now = next[1].at;
        next[1].run();
      }
      now = end;
    },
    pending: () => [...due.values()].map((t) => t.at - now).sort((a, b) => a - b),
  };
}
