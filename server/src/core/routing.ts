// Routing (pure): who gets a waiting conversation, in what order conversations wait, and
// whether anyone can answer at all. Rules: server/src/core/SPEC.md [RT1]–[RT7].
import type { HandoffPackage } from '@baton/shared';

export interface Candidate {
  id: string;
  name: string;
  /** Online and connected with at least one console tab. */
  available: boolean;
  teams: string[];
  load: number;
  capacity: number;
  lastAssignedAt: string | null;
}

export type Choice = { agent: Candidate; reason: string } | { agent: null; reason: string };

/**
 * [RT1] least busy available agent with free capacity; [RT2] ties go to whoever was assigned
 * longest ago (round-robin); [RT3] a team's own agents first, agents without teams as fallback;
 * a conversation without a team goes to generalists first.
 */
export function chooseAgent(candidates: Candidate[], team: string | null): Choice {
  const free = candidates.filter((c) => c.available && c.load < c.capacity);
  if (free.length === 0) {
    const online = candidates.filter((c) => c.available).length;
    return { agent: null, reason: online === 0 ? 'no agent online' : `all ${online} online agents at capacity` };
  }
  const specialists = team ? free.filter((c) => c.teams.includes(team)) : [];
  const generalists = free.filter((c) => c.teams.length === 0);
  // Without a team, generalists first; specialists only when no generalist is free.
  const pool = team ? (specialists.length > 0 ? specialists : generalists) : generalists.length > 0 ? generalists : free;
  if (pool.length === 0) return { agent: null, reason: `no free agent in team ${team}` };
  const ranked = [...pool].sort(
    (a, b) =>
      a.load - b.load ||
      (a.lastAssignedAt ?? '').localeCompare(b.lastAssignedAt ?? '') ||
      a.id.localeCompare(b.id),
  );
  const agent = ranked[0]!;
  const why = [
    team ? (agent.teams.includes(team) ? `team ${team}` : `no free ${team} agent, generalist`) : agent.teams.length ? 'no team needed, no generalist free' : 'no team needed',
    `load ${agent.load}/${agent.capacity}`,
    ranked.length > 1 && ranked[1]!.load === agent.load ? 'round-robin among equally busy' : 'least busy',
  ];
  return { agent, reason: why.join(', ') };
}

/**
 * [RT8] who could take a conversation of this team under auto-assign ([RT3]): the team's own
 * agents and the generalists; without a team, anyone. Its estimate counts only their slots, and
 * only the conversations ahead of it that compete for them (the same team, or none).
 */
export function servingPool<T extends { teams: string[] }>(candidates: T[], team: string | null): T[] {
  return team ? candidates.filter((c) => c.teams.includes(team) || c.teams.length === 0) : candidates;
}

export function placeAmong<T extends { id: string; team: string | null }>(waitingInOrder: T[], conversation: { id: string; team: string | null }): number | null {
  const competing = conversation.team ? waitingInOrder.filter((c) => c.team === conversation.team || c.team === null) : waitingInOrder;
  const i = competing.findIndex((c) => c.id === conversation.id);
  return i < 0 ? null : i + 1;
}

/** [RT4] urgent status first, then any risk flag, then everything else. */
export function priorityOf(handoff: HandoffPackage | null): number {
  if (!handoff) return 0;
  if (handoff.status === 'urgent') return 2;
  return handoff.riskFlags.length > 0 ? 1 : 0;
}

export { queueOrder } from '@baton/shared/queue-order';

// ---------------- business hours ----------------

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

export interface BusinessHours {
  /** IANA time zone, e.g. Europe/Berlin. */
  timeZone: string;
  /** Opening intervals per weekday, "HH:MM"–"HH:MM" local time; a missing day is closed. */
  weekly: Partial<Record<Day, Array<[string, string]>>>;
}

/** Formatters are costly to build and asked for on every queue change: one per time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(at: Date, timeZone: string): { day: Day; minutes: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Day;
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** [RT6] open when the local time in the site's zone falls in one of the day's intervals (end exclusive). */
export function isOpen(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  const { day, minutes } = localParts(at, hours.timeZone);
  return (hours.weekly[day] ?? []).some(([from, to]) => minutes >= toMinutes(from) && minutes < toMinutes(to));
}

/**
 * The next moment the site opens, to the minute, within a week; null if it never does. The
 * candidates are the intervals' starts counted from the local time now; each is checked around
 * itself (a daylight-saving change moves local time by up to an hour), so it is exact without
 * trying every minute of the week.
 */
export function nextOpening(hours: BusinessHours, at: Date): Date | null {
  const start = Math.ceil(at.getTime() / 60_000) * 60_000;
  if (isOpen(hours, new Date(start))) return new Date(start);
  const { day, minutes } = localParts(new Date(start), hours.timeZone);
  const today = DAYS.indexOf(day);
  const candidates: number[] = [];
  for (let d = 0; d <= 7; d++) {
    for (const [from] of hours.weekly[DAYS[(today + d) % 7]!] ?? []) {
      const offset = d * 1440 + toMinutes(from) - minutes;
      if (offset > 0) candidates.push(start + offset * 60_000);
    }
  }
  candidates.sort((a, b) => a - b);
  const limit = start + 8 * 24 * 60 * 60_000;
  for (const candidate of candidates) {
    for (let t = Math.max(start, candidate - 90 * 60_000); t <= candidate + 90 * 60_000 && t < limit; t += 60_000) {
      if (isOpen(hours, new Date(t))) return new Date(t);
    }
  }
  return null;
}

export type Availability =
  | { kind: 'live' }
  | { kind: 'busy'; reason: string }
  | { kind: 'no_agents' }
  | { kind: 'closed'; opensAt: Date | null };

/**
 * [RT7] before queueing, tell the visitor the truth: outside business hours, nobody online, or
 * every agent busy with more than `maxWaiting` already waiting — otherwise a live transfer.
 */
export function availability(input: {
  hours: BusinessHours | null;
  at: Date;
  agentsOnline: number;
  freeSlots: number;
  waiting: number;
  maxWaiting: number;
}): Availability {
  if (!isOpen(input.hours, input.at)) return { kind: 'closed', opensAt: input.hours ? nextOpening(input.hours, input.at) : null };
  if (input.agentsOnline === 0) return { kind: 'no_agents' };
  if (input.freeSlots <= 0 && input.waiting >= input.maxWaiting) return { kind: 'busy', reason: `${input.waiting} already waiting, every agent at capacity` };
  return { kind: 'live' };
}
