// Playbook actions: look something up with the details the visitor gave. `builtin:orders` reads
// the site's orders.json (the demo needs no external service); http(s) URLs are called with a
// timeout. Every failure becomes an outcome the policy can explain, never an exception.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionOutcome } from '../core/policy/evaluate.js';
import type { PlaybookAction } from './playbook.js';

type Row = Record<string, unknown>;

const fill = (template: string, values: Record<string, unknown>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => (values[k] === undefined ? `{${k}}` : String(values[k])));

async function lookup(action: PlaybookAction, details: Record<string, string>, siteDir: string): Promise<{ found: Row | null }> {
  if (action.url === 'builtin:orders') {
    const file = join(siteDir, 'orders.json');
    const orders = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Row>) : {};
    const row = orders[details.orderNumber ?? ''];
    if (row && typeof row.error === 'string') throw new Error(row.error);
    return { found: row ?? null };
  }
  const url = fill(action.url, Object.fromEntries(Object.entries(details).map(([k, v]) => [k, encodeURIComponent(v)])));
  if (!/^https?:\/\//.test(url)) throw new Error(`unsupported action URL ${action.url}`);
  const res = await fetch(url, {
    method: action.method,
    signal: AbortSignal.timeout(action.timeoutMs),
    headers: { accept: 'application/json', ...(action.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(action.method === 'POST' ? { body: JSON.stringify(details) } : {}),
  });
  if (res.status === 404) return { found: null };
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('the answer was not a JSON object');
  return { found: body as Row };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Runs the action; `verify` names the details the record must match (the action's own by default).
 * Verification fails closed: a detail the visitor did not give, or a record without the field,
 * never shows the record — otherwise anyone could read orders by guessing their numbers. It comes
 * first, and a record that does not exist fails it like one that does not match: "not found"
 * would tell which numbers exist.
 */
export async function runAction(name: string, action: PlaybookAction, details: Record<string, string>, siteDir: string, verify: string[] = action.verify): Promise<ActionOutcome> {
  const missing = verify.find((field) => details[field] === undefined);
  if (missing) return { name, status: 'verification_failed', field: missing, why: 'not_given' };
  try {
    const { found } = await lookup(action, details, siteDir);
    if (!found) return verify.length ? { name, status: 'verification_failed', field: verify[0]!, why: 'no_record' } : { name, status: 'not_found', reply: fill(action.notFound, details) };
    for (const field of verify) {
      const given = details[field]!;
      const actual = found[field];
      if (typeof actual !== 'string' && typeof actual !== 'number') return { name, status: 'verification_failed', field, why: 'not_on_record' };
      if (!same(String(actual), given)) return { name, status: 'verification_failed', field, why: 'mismatch' };
    }
    return { name, status: 'ok', reply: fill(action.reply, { ...details, ...found }) };
  } catch (error) {
    const e = error as Error;
    return { name, status: 'error', error: e.name === 'TimeoutError' ? `timed out after ${action.timeoutMs} ms` : e.message };
  }
}
