// [E2E10] The widget costs a page nothing until the visitor reaches for it (#17): a page where
// nobody opens the chat gets the launcher and nothing else — no socket, no visitor record — while
// a visitor whose conversation waits on a person still gets the agent's reply and the badge, and
// the chat that opens shows its first answer formatted.
import { join } from 'node:path';
import { expect, type Page, type Request, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { BATON, startHostSite } from './fixtures/host-site.js';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

let site: Awaited<ReturnType<typeof startHostSite>>;
test.beforeAll(async () => {
  site = await startHostSite('127.0.0.1');
});
test.afterAll(async () => site.close());

/** Visitor records in the e2e server's database (playwright.config.ts gives it its folder). */
function visitorRows(): number {
  const db = new Database(join(process.env.E2E_DATA_DIR!, 'baton.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('select count(*) as n from visitors').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Everything a page asks the Baton server for, and every WebSocket it opens. */
function watch(page: Page) {
  const requests: Request[] = [];
  const sockets: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(BATON)) requests.push(r);
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const paths = () => requests.map((r) => new URL(r.url()).pathname);
  return { requests, sockets, paths };
}

test('a page where nobody opens the chat loads the launcher and its appearance only: no socket, no visitor', async ({ page }) => {
  const before = visitorRows();
  const seen = watch(page);
  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/plain`);
  await page.waitForTimeout(4000); // past the idle moment, when the old widget loaded its chat
  expect(seen.paths()).toEqual(['/widget.js', '/api/sites/demo/widget-config']);
  // Intent: the pointer over the launcher fetches the chat (Markdown included), and runs nothing.
  await visitor.launcher.hover();
  await expect.poll(() => seen.paths().length).toBe(3);
  expect(seen.paths()[2]).toMatch(/^\/chat-[\w-]{8}\.js$/);
  await page.waitForTimeout(1500);
  expect(seen.paths().some((p) => p.startsWith('/socket.io'))).toBe(false);
  expect(seen.sockets).toEqual([]);
  expect(visitorRows()).toBe(before);
  // The chat itself comes on the click, from what the hover fetched: nothing is downloaded twice.
  await visitor.open();
  await expect(page.getByRole('status')).toHaveText(/Automated assistant/);
  expect(seen.sockets).toHaveLength(1);
  expect(seen.paths().filter((p) => p.startsWith('/chat-'))).toHaveLength(1);
  expect(visitorRows()).toBe(before + 1);
});

test('what the page downloads comes compressed, and cached as its name allows', async ({ page, request }) => {
  const seen = watch(page);
  await new VisitorWidget(page).goto(`${site.url}/plain`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  for (const r of seen.requests.filter((x) => /\.js$/.test(new URL(x.url()).pathname))) {
    const headers = (await r.response())!.headers();
    const path = new URL(r.url()).pathname;
    // Chromium asks for gzip (and brotli where it offers it); either way the file comes compressed.
    expect(headers['content-encoding'], path).toMatch(/^(br|gzip)$/);
    expect(headers.vary, path).toBe('Accept-Encoding');
    expect(headers['cache-control'], path).toBe(path === '/widget.js' ? 'public, max-age=300' : 'public, max-age=31536000, immutable');
  }
  // A client that asks for brotli gets brotli.
  const loader = await request.get(`${BATON}/widget.js`, { headers: { 'accept-encoding': 'br' } });
  expect(loader.headers()['content-encoding']).toBe('br');
  // A name from another build is a plain 404, not a crash.
  const stale = await request.get(`${BATON}/chat-0ld8uild.js`);
  expect(stale.status()).toBe(404);
});

test('the first answer shows formatted, with nothing more to download than the chat', async ({ page }) => {
  const seen = watch(page);
  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send('How do I return an item?');
  const answer = visitor.log.getByRole('listitem').filter({ hasText: /automated/ }).last();
  await expect(answer.locator('strong', { hasText: '30 days' })).toBeVisible();
  await expect(answer.locator('ol > li')).toHaveCount(3);
  await expect(answer.getByText('**')).toHaveCount(0);
  expect(seen.paths().filter((p) => p.endsWith('.js'))).toEqual(['/widget.js', expect.stringMatching(/^\/chat-[\w-]{8}\.js$/)]);
});

test('a returning visitor whose conversation waits on a person connects without a click and sees the reply as a badge', async ({ browser }) => {
  const visitorCtx = await browser.newContext();
  const agentCtx = await browser.newContext();
  const agent = new AgentConsole(await agentCtx.newPage());
  const marker = `returning-${Date.now().toString(36)}`;
  const first = new VisitorWidget(await visitorCtx.newPage());
  await first.goto(`${site.url}/plain`);
  await first.open();
  await first.send(`I want to talk to a real person (${marker})`);
  await first.expectInLog(/next in line|number \d+ in line/);
  await first.page.close(); // the visitor leaves the site

  await agent.signIn();
  await agent.takeOverFrom(marker);
  await agent.reply('Found your order — are you still there?');

  // The next page of the site: no click, yet the reply is there as a badge.
  const page = await visitorCtx.newPage();
  const seen = watch(page);
  await page.goto(`${site.url}/plain`);
  await expect(page.getByRole('button', { name: 'Open chat (1)' })).toBeVisible();
  expect(seen.sockets).toHaveLength(1);
  await page.getByRole('button', { name: 'Open chat (1)' }).click();
  await expect(page.getByRole('log')).toContainText('Found your order — are you still there?');

  // Resolved: the conversation no longer waits on anyone, and the next page stays quiet.
  await agent.resolve();
  await expect(page.getByRole('status')).toHaveText(/resolved/);
  const later = await visitorCtx.newPage();
  const quiet = watch(later);
  await later.goto(`${site.url}/plain`);
  await expect(later.getByRole('button', { name: 'Open chat' })).toBeVisible();
  await later.waitForTimeout(4000);
  expect(quiet.sockets).toEqual([]);
  await visitorCtx.close();
  await agentCtx.close();
});

test('a visitor who only talked to the bot is not connected on their next page', async ({ browser }) => {
  const context = await browser.newContext();
  const visitor = new VisitorWidget(await context.newPage());
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send('Do you ship to Austria?');
  await visitor.expectInLog(/2–4 working days/);
  const next = await context.newPage();
  const seen = watch(next);
  await next.goto(`${site.url}/plain`);
  await expect(next.getByRole('button', { name: 'Open chat' })).toBeVisible();
  await next.waitForTimeout(4000);
  expect(seen.sockets).toEqual([]);
  // Opening shows the conversation as it was.
  await new VisitorWidget(next).open();
  await expect(next.getByRole('log')).toContainText('Do you ship to Austria?');
  await context.close();
});
