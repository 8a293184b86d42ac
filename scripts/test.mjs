#!/usr/bin/env node
// `pnpm test`: the whole suite — typecheck, unit + integration (Vitest, SQLite and Postgres),
// widget size budget, end-to-end (Playwright, Chromium), then a scan of the e2e server's whole log
// for secrets and personal data. Prints one closing line
// "tests: N passed, N failed" summed over the runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(process.cwd(), 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
let broken = false;

function run(label, cmd, args, env = {}) {
  console.log(`\n--- ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`--- ${label} failed (exit ${r.status ?? r.signal})`);
    broken = true;
  }
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

run('typecheck', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.json', '--noEmit']);

const vitestJson = join(out, 'vitest.json');
run('unit and integration', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const v = readJson(vitestJson);
if (v) {
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
} else broken = true;

if (run('widget build', 'pnpm', ['--filter', '@baton/widget', 'build'])) {
  if (existsSync('widget/size.ts')) run('widget size budget', 'pnpm', ['--filter', '@baton/widget', 'size']);
  const pwJson = join(out, 'playwright.json');
  // The server keeps a copy of its whole log (every level), scanned afterwards for secrets.
  // Not under test-results/: Playwright empties that folder as it starts.
  const e2eLog = join(mkdtempSync(join(tmpdir(), 'baton-e2e-log-')), 'server-log.jsonl');
  run('end to end', 'pnpm', ['exec', 'playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
    BATON_LOG_FILE: e2eLog,
    BATON_LOG_FILE_LEVEL: 'trace',
  });
  const p = readJson(pwJson);
  if (p?.stats) {
    passed += p.stats.expected ?? 0;
    failed += (p.stats.unexpected ?? 0) + (p.stats.flaky ?? 0);
  } else broken = true;

  const scanJson = join(out, 'log-scan.json');
  if (!existsSync(e2eLog)) {
    console.error('--- the e2e run left no server log to scan');
    broken = true;
  } else {
    run(
      'secrets in the e2e server log',
      'pnpm',
      ['exec', 'vitest', 'run', 'server/test/integration/edge-e2e-log.test.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${scanJson}`],
      { BATON_E2E_LOG: e2eLog },
    );
    const scan = readJson(scanJson);
    if (scan) {
      passed += scan.numPassedTests ?? 0;
      failed += scan.numFailedTests ?? 0;
    } else broken = true;
  }
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
