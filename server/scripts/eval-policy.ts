// pnpm eval:policy --site DIR FILE.jsonl [--strict]
// Replays labelled conversations through the engine the server runs. Prints one JSON line per
// conversation, then a summary line. --strict exits 1 when any labelled expectation fails.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../src/bot/engine.js';
import { parseCases, replay, summarize } from '../src/bot/eval.js';

const { values, positionals } = parseArgs({
  options: { site: { type: 'string' }, strict: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (!values.site || positionals.length !== 1) {
  console.error('usage: pnpm eval:policy --site DIR FILE.jsonl [--strict]');
  process.exit(2);
}
const cwd = process.env.INIT_CWD ?? process.cwd();
try {
  const bot = loadEngine(resolve(cwd, values.site));
  const cases = parseCases(readFileSync(resolve(cwd, positionals[0]!), 'utf8'));
  const results = [];
  for (const c of cases) {
    const r = await replay(bot, c);
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const summary = summarize(results);
  console.log(JSON.stringify({ summary }));
  if (values.strict && summary.passed < summary.conversations) process.exit(1);
} catch (error) {
  console.error(`eval:policy: ${(error as Error).message}`);
  process.exit(2);
}
