import { describe, expect, it } from 'vitest';
import { availability, type Candidate, chooseAgent, isOpen, nextOpening, placeAmong, priorityOf, queueOrder, servingPool } from '../../src/core/routing.js';
import { estimateWait } from '../../src/core/wait.js';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  name: id,
  available: true,
  teams: [],
  load: 0,
  capacity: 3,
  lastAssignedAt: null,
  ...over,
});
const handoff = (over: Record<string, unknown> = {}) =>
  ({ intent: 'payment', status: 'blocked', trigger: 'accuracy_risk', reason: 'r', evidence: [], riskFlags: [], customerDetails: {}, attempted: [], summary: '', ...over }) as never;

describe('routing', () => {
  it('[RT1] the least busy available agent with free capacity', () => {
    const choice = chooseAgent([agent('a', { load: 2 }), agent('b', { load: 1 }), agent('c', { load: 0, available: false }), agent('d', { load: 3, capacity: 3 })], null);
    expect(choice.agent?.id).toBe('b');
    expect(choice.reason).toContain('load 1/3');
    expect(chooseAgent([agent('a', { available: false })], null)).toEqual({ agent: null, reason: 'no agent online' });
    expect(chooseAgent([agent('a', { load: 3 }), agent('b', { load: 5, capacity: 5 })], null)).toEqual({ agent: null, reason: 'all 2 online agents at capacity' });
  });

  it('[RT8] a team conversation is estimated on the agents who could take it and those ahead competing for them', () => {
    const online = [agent('support-1', { teams: ['support'] }), agent('support-2', { teams: ['support'] }), agent('generalist', { load: 3 })];
    expect(servingPool(online, 'sales').map((a) => a.id)).toEqual(['generalist']);
    expect(servingPool(online, null)).toHaveLength(3);
    const waiting = [
      { id: 'q1', team: 'support' },
      { id: 'q2', team: null },
      { id: 'q3', team: 'sales' },
      { id: 'q4', team: 'support' },
    ];
    expect(placeAmong(waiting, { id: 'q3', team: 'sales' })).toBe(2); // behind q2 (no team), not behind support's q1
    expect(placeAmong(waiting, { id: 'q4', team: 'support' })).toBe(3);
    expect(placeAmong(waiting, { id: 'nope', team: null })).toBeNull();
    // Two free support agents say "soon"; for the sales lead only the busy generalist counts.
    const history = [600, 600, 600, 600, 600, 600];
    const inputs = (pool: Candidate[], position: number) => ({
      position,
      agentsOnline: pool.length,
      capacity: 3,
      busySlots: pool.reduce((n, a) => n + a.load, 0),
      handleTimes: history,
    });
    expect(estimateWait(inputs(online, 3))).toEqual({ kind: 'soon' });
    expect(estimateWait(inputs(servingPool(online, 'sales'), 2))).toMatchObject({ kind: 'range' });
  });

  it('[RT2] equally busy agents take turns: whoever was assigned longest ago, never-assigned first', () => {
    const pool = [agent('a', { lastAssignedAt: '2026-01-01T10:05:00Z' }), agent('b', { lastAssignedAt: '2026-01-01T10:01:00Z' }), agent('c', { lastAssignedAt: null })];
    expect(chooseAgent(pool, null).agent?.id).toBe('c');
    expect(chooseAgent(pool.slice(0, 2), null)).toMatchObject({ agent: { id: 'b' }, reason: expect.stringContaining('round-robin') });
  });

  it('[RT3] team specialists first, generalists as fallback, other teams never; no team prefers generalists', () => {
    const pool = [agent('sales', { teams: ['sales'] }), agent('gen', { load: 2 }), agent('billing', { teams: ['billing'] })];
    expect(chooseAgent(pool, 'billing').agent?.id).toBe('billing');
    expect(chooseAgent(pool, 'technical')).toMatchObject({ agent: { id: 'gen' }, reason: expect.stringContaining('generalist') });
    expect(chooseAgent([agent('sales', { teams: ['sales'] })], 'billing')).toEqual({ agent: null, reason: 'no free agent in team billing' });
    expect(chooseAgent(pool, null).agent?.id).toBe('gen');
    expect(chooseAgent([agent('sales', { teams: ['sales'] })], null).agent?.id).toBe('sales');
  });

  it('[RT4] urgent first, then risk flags, then arrival order', () => {
    expect(priorityOf(null)).toBe(0);
    expect(priorityOf(handoff())).toBe(0);
    expect(priorityOf(handoff({ riskFlags: ['refund'] }))).toBe(1);
    expect(priorityOf(handoff({ status: 'urgent' }))).toBe(2);
    const rows = [
      { id: 'x', priority: 0, queuedAt: '2026-01-01T10:00:00Z' },
      { id: 'y', priority: 1, queuedAt: '2026-01-01T10:05:00Z' },
      { id: 'z', priority: 0, queuedAt: '2026-01-01T09:00:00Z' },
    ];
    expect([...rows].sort(queueOrder).map((r) => r.id)).toEqual(['y', 'z', 'x']);
  });

  it('[RT6] business hours in the site zone, end exclusive, closed days closed', () => {
    const hours = { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] as Array<[string, string]> } };
    // Monday 2026-11-23: 08:00 UTC is 09:00 in Berlin (CET, UTC+1).
    expect(isOpen(hours, new Date('2026-11-23T07:59:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-11-23T08:00:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-11-23T15:59:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-11-23T16:00:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-11-24T10:00:00Z'))).toBe(false);
    expect(isOpen(null, new Date())).toBe(true);
    expect(nextOpening(hours, new Date('2026-11-24T10:00:00Z'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(nextOpening({ timeZone: 'UTC', weekly: {} }, new Date())).toBeNull();
  });

  it('[RT6] the next opening is exact to the minute, across midnight, a week and daylight saving', () => {
    // The answer a minute-by-minute scan gives, for comparison.
    const scan = (h: Parameters<typeof nextOpening>[0], at: Date) => {
      const start = Math.ceil(at.getTime() / 60_000) * 60_000;
      for (let t = start; t < start + 8 * 24 * 60 * 60_000; t += 60_000) if (isOpen(h, new Date(t))) return new Date(t).toISOString();
      return null;
    };
    const berlin = { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '12:00'], ['13:30', '17:00']], sun: [['02:30', '03:30']], sat: [['23:59', '24:00']] } } as const;
    const moments = ['2026-03-28T12:00:00Z', '2026-03-29T00:10:00Z', '2026-10-24T22:00:00Z', '2026-11-23T11:00:00Z', '2026-11-23T12:15:30Z', '2026-11-23T16:00:00Z', '2026-11-28T22:58:00Z'];
    for (const m of moments) {
      const at = new Date(m);
      expect({ m, next: nextOpening(berlin as any, at)?.toISOString() ?? null }).toEqual({ m, next: scan(berlin as any, at) });
    }
  });

  it('[RT7] the truth before waiting: closed, nobody online, too busy, or live', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const base = { hours: null, at, agentsOnline: 2, freeSlots: 1, waiting: 0, maxWaiting: 5 };
    expect(availability(base)).toEqual({ kind: 'live' });
    expect(availability({ ...base, agentsOnline: 0 })).toEqual({ kind: 'no_agents' });
    expect(availability({ ...base, freeSlots: 0, waiting: 4 })).toEqual({ kind: 'live' });
    expect(availability({ ...base, freeSlots: 0, waiting: 5 })).toMatchObject({ kind: 'busy' });
    const closed = availability({ ...base, hours: { timeZone: 'UTC', weekly: { mon: [['09:00', '10:00']] } } });
    expect(closed).toEqual({ kind: 'closed', opensAt: new Date('2026-11-30T09:00:00Z') });
  });
});
