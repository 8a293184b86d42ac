// pnpm eval:policy as a site owner runs it: output per conversation, a summary, exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const script = join(root, 'server/scripts/eval-policy.ts');
const site = join(root, 'server/sites/demo');

async function evalPolicy(lines: string[], ...flags: string[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'baton-eval-')), 'cases.jsonl');
  writeFileSync(file, lines.join('\n'));
  try {
    const { stdout } = await run('node', ['--import', 'tsx', script, '--site', site, file, ...flags], { cwd: root });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('pnpm eval:policy', () => {
  const good = '{"id":"a","turns":["I want to talk to a human"],"escalateAt":0,"trigger":"visitor_request"}';
  const wrongLabel = '{"id":"b","turns":["How long does shipping take?"],"escalateAt":0,"trigger":"accuracy_risk"}';

  it('prints one line per conversation with decisions and evidence, then the summary', async () => {
    const { code, stdout } = await evalPolicy([good, wrongLabel]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ id: 'a', pass: true, trigger: 'visitor_request', decisions: [{ rule: 'ESC1.visitor_request' }] });
    expect(lines[1]).toMatchObject({ id: 'b', pass: false, timing: 'too_late' });
    expect(lines[2].summary).toMatchObject({ conversations: 2, passed: 1, escalation_recall: 0.5, too_late: 1 });
  });

  it('--strict fails on a decision that does not match its label', async () => {
    expect((await evalPolicy([good], '--strict')).code).toBe(0);
    expect((await evalPolicy([good, wrongLabel], '--strict')).code).toBe(1);
  });

  it('bad input files get a clear error naming the line', async () => {
    const broken = await evalPolicy([good, '{"id":"c","turns":[]', good]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/cases.jsonl: line 2: not valid JSON/);
    const invalid = await evalPolicy(['{"id":"d","turns":[],"escalateAt":0}']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/cases.jsonl: line 1: turns/);
  });
});
