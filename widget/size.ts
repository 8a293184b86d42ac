// `pnpm --filter @baton/widget size`: gzipped sizes of what a visitor downloads.
// Budgets (issue 3): loader ≤ 4 KB; chat bundle ≤ 45 KB for what loads when the chat opens.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const loader = gz('widget.js');
const chat = gz('chat.js');
const lazy = readdirSync(dist).filter((f) => f.startsWith('chat-') && f.endsWith('.js'));
const lazyTotal = lazy.reduce((sum, f) => sum + gz(f), 0);
const consoleFiles = readdirSync(join(dist, 'console/assets')).filter((f) => f.endsWith('.js'));
const consoleJs = consoleFiles.filter((f) => !f.startsWith('uPlot')).reduce((s, f) => s + gz(join('console/assets', f)), 0);
// uPlot loads only when the analytics page draws its trend.
const chartJs = consoleFiles.filter((f) => f.startsWith('uPlot')).reduce((s, f) => s + gz(join('console/assets', f)), 0);

const rows: [string, number, number | null][] = [
  ['loader (widget.js)', loader, 4 * 1024],
  ['chat on open (chat.js)', chat, 45 * 1024],
  ['markdown chunk (marked + DOMPurify; loaded with the first formatted message)', lazyTotal, null],
  ['chat incl. markdown', chat + lazyTotal, null],
  ['agent console', consoleJs, null],
  ['analytics chart chunk (uPlot, on demand)', chartJs, null],
];
for (const [name, size, budget] of rows) {
  console.log(`${name.padEnd(48)} ${kb(size).padStart(9)}${budget ? `  (budget ${kb(budget)}${size > budget ? ', OVER' : ''})` : ''}`);
}
console.log(JSON.stringify({ loader_gz: loader, chat_gz: chat, markdown_gz: lazyTotal, chat_with_markdown_gz: chat + lazyTotal, console_gz: consoleJs, console_chart_gz: chartJs }));
const over = rows.some(([, size, budget]) => budget !== null && size > budget);
process.exit(over ? 1 : 0);
