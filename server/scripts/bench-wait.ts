// Accuracy of the wait estimate, measured by simulation: Poisson arrivals, log-normal handle
// times, agents with capacity. For each arrival the estimate shown (the middle of its range) is
// compared with the wait that actually happened. Prints the mean absolute error per load level.
import { estimateWait } from '../src/core/wait.js';

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const exp = (mean: number) => -Math.log(1 - rand()) * mean;
const logNormal = (median: number, sigma: number) => {
  const u = rand() || 1e-9;
  const v = rand();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
};

/** Multi-slot first-come-first-served queue; agents pick up 30 s after a slot frees. */
function simulate(load: number, agents = 3, capacity = 2, medianHandle = 360, arrivals = 5000) {
  const slots = agents * capacity;
  const meanHandle = medianHandle * Math.exp(0.5 * 0.5 ** 2); // log-normal mean
  const interArrival = meanHandle / (slots * load);
  const pickup = 30;
  const slotFreeAt = Array.from({ length: slots }, () => 0);
  const done: { end: number; handle: number }[] = [];
  const starts: number[] = [];
  const errors: number[] = [];
  const waits: number[] = [];
  let t = 0;
  for (let i = 0; i < arrivals; i++) {
    t += exp(interArrival);
    const handle = logNormal(medianHandle, 0.5);
    const waitingAhead = starts.filter((s) => s > t).length; // earlier arrivals not yet picked up
    const busy = slotFreeAt.filter((f) => f > t).length;
    const history = done.filter((d) => d.end <= t).slice(-50).map((d) => d.handle);
    const e = estimateWait({ position: waitingAhead + 1, agentsOnline: agents, capacity, busySlots: waitingAhead > 0 ? slots : busy, handleTimes: history, pickupTimes: [pickup] });
    const earliest = slotFreeAt.indexOf(Math.min(...slotFreeAt));
    const start = Math.max(t, slotFreeAt[earliest]!) + pickup;
    slotFreeAt[earliest] = start + handle;
    starts.push(start);
    done.push({ end: start + handle, handle });
    if (i < 200) continue; // warm-up: the queue and the history fill
    const shown = e.kind === 'range' ? ((e.lowMinutes + e.highMinutes) / 2) * 60 : e.kind === 'soon' ? pickup : null;
    waits.push(start - t);
    if (shown !== null) errors.push(Math.abs(shown - (start - t)));
  }
  errors.sort((a, b) => a - b);
  const mae = errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length);
  const meanWait = waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length);
  return { load, agents, capacity, estimates: errors.length, mean_wait_minutes: +(meanWait / 60).toFixed(2), mae_minutes: +(mae / 60).toFixed(2), p90_error_minutes: +(errors[Math.floor(errors.length * 0.9)]! / 60).toFixed(2) };
}

const results = [0.5, 0.7, 0.85, 0.95].map((load) => simulate(load));
for (const r of results) console.log(`load ${r.load.toFixed(2)} (${r.agents} agents × ${r.capacity}): mean wait ${r.mean_wait_minutes} min, mean absolute error ${r.mae_minutes} min, p90 error ${r.p90_error_minutes} min, over ${r.estimates} estimates`);
console.log(JSON.stringify({ bench: 'wait_estimate_mae', results }));
