#!/usr/bin/env node
// `pnpm bench`: every benchmark in turn. Each prints a readable table and one JSON line.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  { name: 'bot turn latency (signals + retrieval + policy, 1,000 articles)', file: 'server/scripts/bench-bot.ts', cmd: ['node', '--import', 'tsx', 'server/scripts/bench-bot.ts'] },
  { name: 'wait-time estimate accuracy (simulated queue)', file: 'server/scripts/bench-wait.ts', cmd: ['node', '--import', 'tsx', 'server/scripts/bench-wait.ts'] },
  { name: 'analytics queries at 100,000 conversations / 2,000,000 messages (PostgreSQL)', file: 'server/scripts/bench-analytics.ts', cmd: ['node', '--import', 'tsx', 'server/scripts/bench-analytics.ts'] },
  { name: 'voice: speech-to-text word error rate (embedded engine, spoken held-out set)', file: 'server/scripts/bench-voice.ts', cmd: ['node', '--import', 'tsx', 'server/scripts/bench-voice.ts'] },
  { name: 'voice: end of speech to the spoken answer (embedded engines, real server)', file: 'server/scripts/bench-voice-latency.ts', cmd: ['node', '--import', 'tsx', 'server/scripts/bench-voice-latency.ts'] },
  { name: 'widget size (brotli, gzip, raw)', file: 'widget/size.ts', cmd: ['pnpm', '--filter', '@baton/widget', 'size'] },
  { name: 'what the widget costs a page, beside Rocket.Chat Livechat (headless Chromium)', file: 'scripts/bench-widget.ts', cmd: ['node', '--import', 'tsx', 'scripts/bench-widget.ts'] },
];

let failed = false;
for (const b of benches) {
  if (!existsSync(b.file)) continue;
  console.log(`\n=== ${b.name}`);
  const r = spawnSync(b.cmd[0], b.cmd.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
