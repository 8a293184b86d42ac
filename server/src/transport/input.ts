// Request input shared by the REST routes: zod parsing with a message naming the field, and
// date ranges given as UTC days.
import { BatonError } from '@baton/shared';
import { z } from 'zod';

/** A calendar day, YYYY-MM-DD, that exists: 2026-13-01 and 2026-02-31 are refused, not rolled over. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-01')
  .refine((v) => dayStart(v) !== null, 'no such day (a date such as 2026-11-01)');

/** Midnight UTC of a YYYY-MM-DD day in ms, or null when there is no such day. */
function dayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 31 February over into March; a real day comes back as itself.
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null;
}

function day(name: 'from' | 'to', value: string): number {
  const t = dayStart(value);
  if (t === null) throw new BatonError('bad_request', `${name}: no such day (a date such as 2026-11-01).`);
  return t;
}

/** Parses a body or query; a failure is `bad_request` naming the first bad field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new BatonError('bad_request', `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid input'}`);
}

/** [from, to) in UTC days, `to` inclusive as a day; default: the last 30 days. */
export function dayRange(now: Date, from?: string, to?: string): { from: string; to: string } {
  const end = to ? day('to', to) + 86_400_000 : now.getTime() + 1;
  const start = from ? day('from', from) : end - 30 * 86_400_000;
  if (start >= end) throw new BatonError('bad_request', 'from must be before to.');
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}
