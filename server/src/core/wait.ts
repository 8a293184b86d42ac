// Honest wait-time estimates (pure). The formula, documented in docs/queue.md:
//   S   = agent slots online (agents × capacity), F = free slots now,
//   AHT = average handle time over recent conversations (trimmed mean),
//   P   = pick-up delay (a slot frees → the next conversation is claimed),
//   a waiting conversation at position p needs max(0, p − F) slots to free up; with all S slots
//   busy, each slot turns over every AHT + P, so the expected wait is P + max(0, p − F) × (AHT + P) / S.
// Shown as a range, never a false precision; with too little history, said in words.
import type { WaitEstimate } from '@baton/shared';

export interface WaitInput {
  /** 1-based place in the queue. */
  position: number;
  /** Agents online for this site. */
  agentsOnline: number;
  /** Conversations each agent handles at once. */
  capacity: number;
  /** Conversations agents hold right now. */
  busySlots: number;
  /** Recent handle times in seconds (claim → resolve), any order. */
  handleTimes: number[];
  /** Recent pick-up delays in seconds (queued → claimed while a slot was free). */
  pickupTimes?: number[];
}

/** Below this many handle times we do not pretend to know. */
export const MIN_HISTORY = 5;

export function trimmedMean(values: number[], trim = 0.1): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * trim);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((a, b) => a + b, 0) / Math.max(1, kept.length);
}

export function estimateWaitSeconds(input: WaitInput): number | null {
  const slots = input.agentsOnline * input.capacity;
  if (slots <= 0 || input.handleTimes.length < MIN_HISTORY) return null;
  const free = Math.max(0, slots - input.busySlots);
  const aht = trimmedMean(input.handleTimes);
  const pickup = input.pickupTimes && input.pickupTimes.length > 0 ? trimmedMean(input.pickupTimes) : 30;
  const ahead = Math.max(0, input.position - free);
  return pickup + (ahead * (aht + pickup)) / slots;
}

export function estimateWait(input: WaitInput): WaitEstimate {
  if (input.agentsOnline <= 0) return { kind: 'no_agents' };
  const seconds = estimateWaitSeconds(input);
  if (seconds === null) return { kind: 'unknown' };
  const minutes = seconds / 60;
  if (minutes < 1.5) return { kind: 'soon' };
  // A range that widens with the wait: ±25 %, whole minutes, at least 2 minutes apart.
  const low = Math.max(1, Math.floor(minutes * 0.75));
  const high = Math.max(low + 2, Math.ceil(minutes * 1.25));
  return { kind: 'range', lowMinutes: low, highMinutes: high };
}
