// Wait estimates: a range from position, free slots and handle times; words when we cannot know.
import { describe, expect, it } from 'vitest';
import { estimateWait, estimateWaitSeconds, MIN_HISTORY, trimmedMean } from '../../src/core/wait.js';

const fiveMinutes = Array.from({ length: 20 }, () => 300);

describe('wait estimate', () => {
  it('[WT1] nobody online is said as such, not as a number', () => {
    expect(estimateWait({ position: 1, agentsOnline: 0, capacity: 3, busySlots: 0, handleTimes: fiveMinutes })).toEqual({ kind: 'no_agents' });
  });

  it('[WT2] too little history: "unknown", never an invented number', () => {
    expect(estimateWait({ position: 3, agentsOnline: 2, capacity: 3, busySlots: 6, handleTimes: fiveMinutes.slice(0, MIN_HISTORY - 1) })).toEqual({ kind: 'unknown' });
  });

  it('[WT3] a free slot means soon', () => {
    expect(estimateWait({ position: 1, agentsOnline: 2, capacity: 3, busySlots: 2, handleTimes: fiveMinutes })).toEqual({ kind: 'soon' });
  });

  it('[WT4] with every slot busy, the wait grows with the position and shrinks with more agents', () => {
    // 1 agent × 2 slots, all busy, AHT 5 min, pick-up 30 s: position 2 waits 30 + 2 × (300 + 30) / 2 s.
    expect(estimateWaitSeconds({ position: 2, agentsOnline: 1, capacity: 2, busySlots: 2, handleTimes: fiveMinutes })).toBe(360);
    const second = estimateWait({ position: 2, agentsOnline: 1, capacity: 2, busySlots: 2, handleTimes: fiveMinutes });
    const fifth = estimateWait({ position: 5, agentsOnline: 1, capacity: 2, busySlots: 2, handleTimes: fiveMinutes });
    const moreAgents = estimateWait({ position: 5, agentsOnline: 3, capacity: 2, busySlots: 6, handleTimes: fiveMinutes });
    expect(second).toEqual({ kind: 'range', lowMinutes: 4, highMinutes: 8 });
    expect(fifth.kind === 'range' && second.kind === 'range' && fifth.lowMinutes > second.lowMinutes).toBe(true);
    expect(moreAgents.kind === 'range' && fifth.kind === 'range' && moreAgents.highMinutes < fifth.highMinutes).toBe(true);
  });

  it('[WT5] outliers do not swing the average handle time', () => {
    expect(trimmedMean([300, 300, 300, 300, 300, 300, 300, 300, 300, 36_000])).toBe(300);
  });
});
