// `pnpm bench:widget`: what the chat costs the page that embeds it, Baton beside Rocket.Chat
// Livechat (@rocket.chat/livechat from npm, its own loader on the same bare host page, its server
// calls answered by a stub), in headless Chromium. Three cold runs each (a fresh browser profile
// per run), median; before any click and after the chat opens. Prints a table, the ratios, the
// issue's targets and one JSON line. `--runs N` changes the number of runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { WebSocketServer } from 'ws';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const RC_BUILD = join(dirname(createRequire(import.meta.url).resolve('@rocket.chat/livechat/package.json')), 'build');
const RC_VERSION = (JSON.parse(readFileSync(join(RC_BUILD, '..', 'package.json'), 'utf8')) as { version: string }).version;
const SETTLE_MS = 3000;

interface Figures {
  requests: number;
  bytes: number;
  /** Main-thread tasks' CPU time (trace thread time): what a loaded machine does not inflate. */
  cpuMs: number;
  /** Main-thread tasks' wall time (CDP Performance TaskDuration). */
  taskMs: number;
  heapKB: number;
  sockets: number;
}
interface Run {
  launcherMs: number;
  before: Figures;
  open: Figures;
}

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });

async function startBaton(): Promise<{ url: string; proc: ChildProcess }> {
  if (!existsSync(join(ROOT, 'widget/dist/widget.js'))) throw new Error('widget/dist is missing: run pnpm build first');
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'baton-bench-widget-'));
  const proc = spawn('node', ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(data, 'baton.sqlite')}`, BATON_SECRET: 'bench-secret-bench-secret-bench-secret-0123', BATON_DEMO: '1', LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return { url, proc };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Baton did not start');
}

/** RC's configuration answer: online, no registration form, so opening shows the chat. */
const RC_CONFIG = {
  config: {
    enabled: true,
    online: true,
    settings: { registrationForm: false, nameFieldRegistrationForm: false, emailFieldRegistrationForm: false, displayOfflineForm: true, fileUpload: true, language: 'en', transcript: false, historyMonitorType: 'url', showConnecting: false, agentHiddenInfo: false, limitTextLength: false },
    theme: { title: 'Chat with us', color: '#1d4ed8', offlineTitle: 'Leave a message', offlineColor: '#666666', actionLinks: [] },
    messages: {},
    survey: {},
    triggers: [],
    departments: [],
    resources: {},
    guest: null,
    room: null,
    agent: null,
  },
  success: true,
};

/** The bare host page for both products, and RC's files and a stub of its server on that origin. */
async function startHost(batonUrl: string): Promise<{ url: string; close: () => void }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const page = (script: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><h1>Shop</h1><p>A customer's page.</p>${script}</body></html>`;
  const pages: Record<string, string> = {
    '/bare': page(''),
    '/baton': page(`<script src="${batonUrl}/widget.js" data-site="demo" async></script>`),
    // Rocket.Chat's documented embed snippet.
    '/rc': page(`<script>(function(w, d, s, u) {
  w.RocketChat = function(c) { w.RocketChat._.push(c) }; w.RocketChat._ = []; w.RocketChat.url = u;
  var h = d.getElementsByTagName(s)[0], j = d.createElement(s);
  j.async = true; j.src = '${url}/livechat/rocketchat-livechat.min.js?_=201903270000';
  h.parentNode.insertBefore(j, h);
})(window, document, 'script', '${url}/livechat');</script>`),
  };
  // RC's server (Meteor behind its usual proxy) compresses: gzip here too, so RC is not charged for that.
  const files = new Map<string, { body: Buffer; gz: Buffer; type: string }>();
  const types: Record<string, string> = { js: 'application/javascript', html: 'text/html', png: 'image/png', css: 'text/css', svg: 'image/svg+xml' };
  for (const name of readdirSync(RC_BUILD)) {
    if (name.endsWith('.map') || name.endsWith('.gz')) continue;
    const body = readFileSync(join(RC_BUILD, name));
    files.set(name, { body, gz: gzipSync(body, { level: 9 }), type: types[name.split('.').pop()!] ?? 'application/octet-stream' });
  }
  // RC's server writes its own address into the page it serves.
  const html = readFileSync(join(RC_BUILD, 'index.html'), 'utf8').replace('<head>', `<head><script>window.SERVER_URL = '${url}';</script>`);
  const index = { body: Buffer.from(html), gz: gzipSync(html, { level: 9 }), type: 'text/html' };
  const send = (req: IncomingMessage, res: ServerResponse, f: { body: Buffer; gz: Buffer; type: string }) => {
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && f.type !== 'image/png';
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'public, max-age=31536000', ...(gzip ? { 'content-encoding': 'gzip' } : {}), vary: 'Accept-Encoding' });
    res.end(gzip ? f.gz : f.body);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', url).pathname;
    if (pages[path]) return res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
    if (path === '/livechat' || path === '/livechat/') return send(req, res, index);
    const file = path.startsWith('/livechat/') && files.get(path.slice('/livechat/'.length));
    if (file) return send(req, res, file);
    if (path === '/api/v1/livechat/config') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(RC_CONFIG));
    if (path.startsWith('/api/')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    res.writeHead(404).end();
  });
  // DDP, the protocol of RC's socket: connect, subscribe, call, ping.
  const wss = new WebSocketServer({ server, path: '/websocket' });
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      let m: { msg?: string; id?: string };
      try {
        m = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (m.msg === 'connect') ws.send(JSON.stringify({ msg: 'connected', session: 'bench' }));
      else if (m.msg === 'ping') ws.send(JSON.stringify({ msg: 'pong' }));
      else if (m.msg === 'sub') ws.send(JSON.stringify({ msg: 'ready', subs: [m.id] }));
      else if (m.msg === 'method') ws.send(JSON.stringify({ msg: 'result', id: m.id, result: {} }));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url, close: () => (wss.close(), server.closeAllConnections(), server.close()) };
}

/** Counts what the page downloads (bytes as they came over the wire) and its sockets' frames. */
function meter(cdp: CDPSession, hostPage: string) {
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  let frames = 0;
  let sockets = 0;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  cdp.on('Network.webSocketCreated', () => (sockets += 1));
  cdp.on('Network.webSocketFrameReceived', (e) => (frames += e.response.payloadData.length));
  cdp.on('Network.webSocketFrameSent', (e) => (frames += e.response.payloadData.length));
  return () => {
    const mine = [...urls].filter(([, u]) => u !== hostPage && !u.startsWith('data:'));
    return { requests: mine.length + sockets, bytes: mine.reduce((n, [id]) => n + (bytes.get(id) ?? 0), 0) + frames, sockets };
  };
}

async function figures(cdp: CDPSession, mark: string, taskAtStart: number, counted: () => { requests: number; bytes: number; sockets: number }): Promise<Omit<Figures, 'cpuMs'>> {
  const metric = async (name: string) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
  // Task time before the collection below, which is itself a task; the mark ends this phase in the trace.
  const taskMs = ((await metric('TaskDuration')) - taskAtStart) * 1000;
  await cdp.send('Runtime.evaluate', { expression: `console.timeStamp(${JSON.stringify(mark)})` });
  await cdp.send('HeapProfiler.collectGarbage');
  return { ...counted(), taskMs, heapKB: (await metric('JSHeapUsedSize')) / 1024 };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { message?: string }; beginData?: { url?: string } };
}

/**
 * CPU time of the main-thread tasks that began before each mark, in the renderers that parsed a
 * document of the host's (the browser's own pages, such as the omnibox popup, run renderers too).
 */
function cpuUntil(trace: Buffer, host: string, marks: string[]): number[] {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const pages = new Set(events.filter((e) => e.name === 'ParseHTML' && e.args?.beginData?.url?.startsWith(host)).map((e) => e.pid));
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && pages.has(e.pid)).map((e) => `${e.pid}:${e.tid}`));
  const at = marks.map((m) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === m)?.ts ?? Infinity);
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts);
  return at.map((ts) => {
    let cpu = 0;
    let end = -1;
    for (const t of tasks) {
      if (t.ts >= ts) break;
      if (t.ts < end) continue; // nested in the task before
      cpu += t.tdur ?? 0;
      end = t.ts + (t.dur ?? 0);
    }
    return cpu / 1000;
  });
}

/**
 * How the bench finds each product's launcher (its centre, or null) and knows the chat is ready,
 * as plain expressions over CDP: Playwright's locators inject their own script into the page,
 * and that would be charged to whichever product it waits for.
 */
interface Product {
  name: string;
  path: string;
  launcher: string;
  ready: string;
}

/** The host page alone: what a product costs is what the page costs with it, less this. */
const BARE: Product = { name: 'bare page', path: '/bare', launcher: '({ x: 1, y: 1 })', ready: 'true' };

const products = (): Product[] => [
  {
    name: 'Baton',
    path: '/baton',
    launcher: `(() => {
      const b = document.querySelector('baton-chat')?.shadowRoot?.querySelector('button.bt-launcher');
      const r = b && !b.hidden && b.getBoundingClientRect();
      return r && r.width ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
    })()`,
    // The message box is shown and the header says who answers: connected.
    ready: `(() => {
      const root = document.querySelector('baton-chat')?.shadowRoot;
      const box = root?.querySelector('textarea');
      return !!box && box.getBoundingClientRect().width > 0 && /Automated assistant/.test(root.querySelector('[role=status]')?.textContent ?? '');
    })()`,
  },
  {
    name: `Rocket.Chat Livechat ${RC_VERSION}`,
    path: '/rc',
    launcher: `(() => {
      const f = document.querySelector('#rocketchat-iframe');
      const b = f?.contentDocument?.querySelector('button[class*="chat-button"]');
      if (!b) return null;
      const o = f.getBoundingClientRect(), r = b.getBoundingClientRect();
      return r.width ? { x: o.x + r.x + r.width / 2, y: o.y + r.y + r.height / 2 } : null;
    })()`,
    ready: `(() => {
      const f = document.querySelector('#rocketchat-iframe');
      return document.querySelector('.rocketchat-widget')?.dataset.state === 'opened' && !!f?.contentDocument?.querySelector('[contenteditable=true], textarea');
    })()`,
  },
];

async function poll<T>(cdp: CDPSession, expression: string): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
    if (result.value) return result.value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pointer travels to the launcher (intent), then clicks. */
async function click(cdp: CDPSession, at: { x: number; y: number }) {
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: at.x, y: at.y });
  await new Promise((r) => setTimeout(r, 300));
  await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x: at.x, y: at.y, button: 'left', clickCount: 1 });
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: at.x, y: at.y, button: 'left', clickCount: 1 });
}

async function once(browser: Browser, host: string, p: Product): Promise<Run> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline', 'devtools.timeline'] });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  const counted = meter(cdp, `${host}${p.path}`);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const taskAtStart = metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  const started = performance.now();
  await page.goto(`${host}${p.path}`);
  const launcher = await poll<{ x: number; y: number }>(cdp, p.launcher);
  const launcherMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // past the page's idle moment, when a widget may load more
  const before = await figures(cdp, 'bench:before', taskAtStart, counted);
  await click(cdp, launcher);
  await poll(cdp, p.ready);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const open = await figures(cdp, 'bench:open', taskAtStart, counted);
  const [cpuBefore, cpuOpen] = cpuUntil(await browser.stopTracing(), host, ['bench:before', 'bench:open']);
  await context.close();
  return { launcherMs, before: { ...before, cpuMs: cpuBefore! }, open: { ...open, cpuMs: cpuOpen! } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianRun = (runs: Run[]): Run => {
  const fig = (pick: (r: Run) => Figures): Figures => ({
    requests: median(runs.map((r) => pick(r).requests)),
    bytes: median(runs.map((r) => pick(r).bytes)),
    cpuMs: median(runs.map((r) => pick(r).cpuMs)),
    taskMs: median(runs.map((r) => pick(r).taskMs)),
    heapKB: median(runs.map((r) => pick(r).heapKB)),
    sockets: median(runs.map((r) => pick(r).sockets)),
  });
  return { launcherMs: median(runs.map((r) => r.launcherMs)), before: fig((r) => r.before), open: fig((r) => r.open) };
};

async function main() {
  const baton = await startBaton();
  const host = await startHost(baton.url);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const results: Record<string, Run> = {};
  let bare: Run;
  try {
    const baseline: Run[] = [];
    for (let i = 0; i < RUNS; i++) baseline.push(await once(browser, host.url, BARE));
    bare = medianRun(baseline);
    for (const p of products()) {
      await once(browser, host.url, p); // warms the servers (and their caches), not the browser
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(browser, host.url, p));
      const m = medianRun(runs);
      const less = (f: Figures, base: Figures): Figures => ({ ...f, cpuMs: f.cpuMs - base.cpuMs, taskMs: f.taskMs - base.taskMs });
      results[p.name] = { ...m, before: less(m.before, bare.before), open: less(m.open, bare.open) };
    }
  } finally {
    await browser.close();
    host.close();
    baton.proc.kill();
  }

  const [b, rc] = Object.values(results) as [Run, Run];
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const row = (label: string, pick: (r: Run) => string) => console.log(`  ${label.padEnd(34)}${pick(b).padStart(14)}${pick(rc).padStart(28)}`);
  console.log(`\nmedian of ${RUNS} cold runs each, headless Chromium, same bare host page; main-thread time less the page's own (CPU ${bare!.before.cpuMs.toFixed(0)} ms, wall ${bare!.before.taskMs.toFixed(0)} ms)\n`);
  console.log(`  ${''.padEnd(34)}${'Baton'.padStart(14)}${Object.keys(results)[1]!.padStart(28)}`);
  row('launcher visible', (r) => `${r.launcherMs.toFixed(0)} ms`);
  for (const [phase, pick] of [['before any click', (r: Run) => r.before], ['after open (cumulative)', (r: Run) => r.open]] as const) {
    console.log(`  ${phase}`);
    row('  requests', (r) => String(pick(r).requests));
    row('  bytes on the wire', (r) => kb(pick(r).bytes));
    row('  main-thread CPU time', (r) => `${pick(r).cpuMs.toFixed(0)} ms`);
    row('  main-thread task time (wall)', (r) => `${pick(r).taskMs.toFixed(0)} ms`);
    row('  JS heap (after GC)', (r) => `${(pick(r).heapKB / 1024).toFixed(1)} MB`);
    row('  sockets', (r) => String(pick(r).sockets));
  }
  const ratio = (x: number, y: number) => (y > 0 ? x / y : Infinity);
  const ratios = {
    beforeBytes: ratio(rc.before.bytes, b.before.bytes),
    beforeCpu: ratio(rc.before.cpuMs, b.before.cpuMs),
    beforeTask: ratio(rc.before.taskMs, b.before.taskMs),
    openBytes: ratio(rc.open.bytes, b.open.bytes),
    openCpu: ratio(rc.open.cpuMs, b.open.cpuMs),
    openTask: ratio(rc.open.taskMs, b.open.taskMs),
  };
  const targets = [
    ['before any click: ≤ 4 KB on the wire', b.before.bytes <= 4096],
    ['before any click: no socket', b.before.sockets === 0],
    [`before any click: ≥ 50× fewer bytes than RC (${ratios.beforeBytes.toFixed(1)}×)`, ratios.beforeBytes >= 50],
    [`before any click: ≥ 20× less main-thread time than RC (CPU ${ratios.beforeCpu.toFixed(1)}×, wall ${ratios.beforeTask.toFixed(1)}×)`, ratios.beforeCpu >= 20],
    ['after open: ≤ 45 KB on the wire', b.open.bytes <= 45 * 1024],
    [`after open: ≥ 9× fewer bytes than RC (${ratios.openBytes.toFixed(1)}×)`, ratios.openBytes >= 9],
    [`after open: ≥ 5× less main-thread time than RC (CPU ${ratios.openCpu.toFixed(1)}×, wall ${ratios.openTask.toFixed(1)}×)`, ratios.openCpu >= 5],
  ] as const;
  console.log('\n  targets (issue #17)');
  for (const [label, met] of targets) console.log(`  ${met ? 'met   ' : 'MISSED'} ${label}`);
  console.log(JSON.stringify({ bench: 'widget', runs: RUNS, bare: bare!, results, ratios, targetsMet: targets.filter(([, m]) => m).length, targets: targets.length }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
