// Request input shared by the REST routes: zod parsing with a message naming the field, and
// date ranges given as UTC days.
import { BatonError } from '@baton/shared';
import { z } from 'zod';

export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-01');

/** Parses a body or query; a failure is `bad_request` naming the first bad field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new BatonError('bad_request', `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid input'}`);
}

/** [from, to) in UTC days, `to` inclusive as a day; default: the last 30 days. */
export function dayRange(now: Date, from?: string, to?: string): { from: string; to: string } {
  const end = to ? Date.parse(`${to}T00:00:00Z`) + 86_400_000 : now.getTime() + 1;
  const start = from ? Date.parse(`${from}T00:00:00Z`) : end - 30 * 86_400_000;
  if (start >= end) throw new BatonError('bad_request', 'from must be before to.');
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}
