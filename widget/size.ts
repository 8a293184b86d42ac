// `pnpm --filter @baton/widget size`: what a visitor downloads, as the server sends it — the
// brotli copies widget/build.ts wrote (gzip and raw beside them, for older clients and reference).
// Budgets, in brotli bytes (#17): the loader, which is all a page gets before anyone reaches for
// the chat, ≤ 2.4 KB (with its headers and the site's appearance, under 4 KB on the wire); the
// chat, with its Markdown, ≤ 38 KB (with the loader, the socket and headers, under 45 KB on the wire
// once open); voice, fetched only when a visitor presses the mic or an agent calls, ≤ 8 KB (#18).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const size = (file: string) => ({
  raw: statSync(join(dist, file)).size,
  gz: existsSync(join(dist, `${file}.gz`)) ? statSync(join(dist, `${file}.gz`)).size : statSync(join(dist, file)).size,
  br: existsSync(join(dist, `${file}.br`)) ? statSync(join(dist, `${file}.br`)).size : statSync(join(dist, file)).size,
});
type Size = ReturnType<typeof size>;
const sum = (sizes: Size[]): Size => sizes.reduce((a, b) => ({ raw: a.raw + b.raw, gz: a.gz + b.gz, br: a.br + b.br }), { raw: 0, gz: 0, br: 0 });
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const top = readdirSync(dist).filter((f) => f.endsWith('.js'));
const chatFile = top.find((f) => /^chat-[\w-]{8}\.js$/.test(f));
if (!chatFile) throw new Error(`no chat file in ${dist}: run the build`);
// The loader must name this build's files (a stale loader would load another build's chat).
if (!readFileSync(join(dist, 'widget.js'), 'utf8').includes(chatFile)) throw new Error(`widget.js does not load ${chatFile}`);
const loader = size('widget.js');
const chat = size(chatFile);
// Voice (issue 18): capture, VAD, playback and the call, fetched on the first press of the mic.
const voiceFile = top.find((f) => /^chat-voice-[\w-]{8}\.js$/.test(f));
if (!voiceFile) throw new Error(`no voice chunk in ${dist}`);
const voice = size(voiceFile);
const consoleFiles = readdirSync(join(dist, 'console/assets')).filter((f) => f.endsWith('.js'));
const consoleJs = sum(consoleFiles.filter((f) => !f.startsWith('uPlot')).map((f) => size(join('console/assets', f))));
// uPlot loads only when the analytics page draws its trend.
const chartJs = sum(consoleFiles.filter((f) => f.startsWith('uPlot')).map((f) => size(join('console/assets', f))));

const rows: [string, Size, number | null][] = [
  ['loader (widget.js), before any click', loader, 2.4 * 1024],
  [`chat + Markdown (${chatFile}), on open`, chat, 38 * 1024],
  ['loader + chat', sum([loader, chat]), null],
  [`voice (${voiceFile}), on the first mic press`, voice, 8 * 1024],
  ['agent console', consoleJs, null],
  ['analytics chart chunk (uPlot, on demand)', chartJs, null],
];
console.log(`${''.padEnd(62)}${'brotli'.padStart(9)}${'gzip'.padStart(10)}${'raw'.padStart(10)}`);
for (const [name, s, budget] of rows) {
  const over = budget !== null && s.br > budget;
  console.log(`${name.padEnd(62)}${kb(s.br).padStart(9)}${kb(s.gz).padStart(10)}${kb(s.raw).padStart(10)}${budget ? `  (budget ${kb(budget)} brotli${over ? ', OVER' : ''})` : ''}`);
}
console.log(
  JSON.stringify({
    loader_br: loader.br,
    loader_gz: loader.gz,
    chat_br: chat.br,
    chat_gz: chat.gz,
    voice_br: voice.br,
    console_br: consoleJs.br,
    console_gz: consoleJs.gz,
    console_chart_br: chartJs.br,
  }),
);
process.exit(rows.some(([, s, budget]) => budget !== null && s.br > budget) ? 1 : 0);
