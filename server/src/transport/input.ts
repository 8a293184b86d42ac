// Request input of the REST routes: zod parsing (the schemas are shared) with a message naming the field.
import { BatonError } from '@baton/shared';
import type { z } from 'zod';

/** Parses a body or query; a failure is `bad_request` naming the first bad field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new BatonError('bad_request', `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid input'}`);
}
