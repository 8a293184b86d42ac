// Scans the server log of an e2e run for secrets and personal data. Playwright keeps the web
// server's stdout to itself, so the run writes a copy of the log to a file:
//   BATON_LOG_FILE=/tmp/e2e-log.jsonl BATON_LOG_FILE_LEVEL=trace pnpm exec playwright test
//   BATON_E2E_LOG=/tmp/e2e-log.jsonl pnpm exec vitest run server/test/integration/edge-e2e-log.test.ts
// (Playwright passes its environment on to the web server.) Without BATON_E2E_LOG this suite only
// checks that the file copy works.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

/** What the e2e specs type or are given: passwords, emails, identity secrets; and shapes of tokens and links. */
const LITERALS = ['baton-demo', 'demo-identity-secret', 'lea-password-123', 'ada@example.com', 'jane@example.com', 'agent@demo.test'];
const SHAPES: Array<[string, RegExp]> = [
  ['an email address', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['a signed link', /[?&]sig=(?!\[redacted\])[^&"\s]+/],
  ['a set-password link', /set-password#(?!\[redacted\])[^"\s]+/],
  ['a bearer token', /Bearer (?!\[redacted\])[^"\s]+/],
  ['a visitor token', /\bv1\.site_[\w-]+\.[\w-]+\.[\w-]{16,}/],
  ['an API key', /\bbk_[\w-]{8,}/],
  ['a session cookie', /baton_session=(?!\[redacted\])[^;"\s]+/],
];

function findSecrets(text: string): string[] {
  const found: string[] = [];
  for (const literal of LITERALS) if (text.includes(literal)) found.push(literal);
  for (const [name, shape] of SHAPES) {
    const m = shape.exec(text);
    if (m) found.push(`${name}: ${m[0].slice(0, 40)}`);
  }
  return found;
}

describe('the e2e server log', () => {
  it('BATON_LOG_FILE: a copy of the log, at its own level, that the scanner reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-log-'));
    const file = join(dir, 'log.jsonl');
    process.env.BATON_LOG_FILE = file;
    process.env.BATON_LOG_FILE_LEVEL = 'trace';
    try {
      const logger = createLogger('fatal');
      logger.trace({ email: 'ada@example.com', note: 'signed /api/attachments/att_1?sig=AAAABBBBCCCC' }, 'trace line');
      logger.info('mail to jane@example.com');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      delete process.env.BATON_LOG_FILE;
      delete process.env.BATON_LOG_FILE_LEVEL;
    }
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n').map((l) => JSON.parse(l).msg)).toEqual(['trace line', 'mail to [redacted]']);
    expect(findSecrets(text)).toEqual([]);
    expect(findSecrets('{"msg":"x","url":"/a?sig=live"}')).toEqual(['a signed link: ?sig=live']);
  });

  const log = process.env.BATON_E2E_LOG;
  it.skipIf(!log)('holds no password, email, token, cookie, signed or set-password link', () => {
    expect(existsSync(log!), `${log} (run Playwright with BATON_LOG_FILE first)`).toBe(true);
    const text = readFileSync(log!, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) JSON.parse(line);
    expect(findSecrets(text)).toEqual([]);
  });
});
