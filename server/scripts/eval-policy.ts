// pnpm eval:policy --site DIR FILE.jsonl [FILE.jsonl …] [--strict] [--quiet]
// Replays labelled conversations through the engine the server runs. Prints one JSON line per
// conversation, then a summary line per file ({"file", "summary"}). --quiet prints the summaries
// only; --strict exits 1 when any labelled expectation fails.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../src/bot/engine.js';
import { parseCases, replay, summarize } from '../src/bot/eval.js';

const { values, positionals } = parseArgs({
  options: { site: { type: 'string' }, strict: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (!values.site || positionals.length === 0) {
  console.error('usage: pnpm eval:policy --site DIR FILE.jsonl [FILE.jsonl …] [--strict] [--quiet]');
  process.exit(2);
}
const cwd = process.env.INIT_CWD ?? process.cwd();
let failed = false;
try {
  const bot = loadEngine(resolve(cwd, values.site));
  for (const path of positionals) {
    const file = resolve(cwd, path);
    let cases;
    try {
      cases = parseCases(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
    const results = [];
    for (const c of cases) {
      const r = await replay(bot, c);
      results.push(r);
      if (!values.quiet) console.log(JSON.stringify(r));
    }
    const summary = summarize(results);
    console.log(JSON.stringify({ file: relative(cwd, file), summary }));
    if (summary.passed < summary.conversations) failed = true;
  }
} catch (error) {
  console.error(`eval:policy: ${(error as Error).message}`);
  process.exit(2);
}
if (values.strict && failed) process.exit(1);
