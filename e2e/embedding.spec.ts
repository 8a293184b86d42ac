// [E2E3] One script tag on someone else's site: cross-origin, hostile CSS, strict CSP, the
// command queue, refused origins, XSS, offline typing, mobile.
import { expect, type Page, test } from '@playwright/test';
import { io } from 'socket.io-client';
import { BATON, startHostSite } from './fixtures/host-site.js';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

let site: Awaited<ReturnType<typeof startHostSite>>;
test.beforeAll(async () => {
  site = await startHostSite('127.0.0.1');
});
test.afterAll(async () => site.close());

test('works on a page from another origin', async ({ page }) => {
  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send('Can I pay with PayPal?');
  await visitor.expectInLog(/PayPal/);
  await expect(visitor.log.getByText(/automated/).first()).toBeVisible();
});

test('a page whose origin the site does not allow is told chat is unavailable', async ({ page }) => {
  const other = await startHostSite('127.0.0.2');
  try {
    await page.goto(`${other.url}/plain`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect(page.getByRole('status')).toHaveText('Chat is unavailable on this page.');
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  } finally {
    await other.close();
  }
});

/** Every computed property of the page's own elements, to prove the widget changes none of them. */
const pageStyles = (page: Page) =>
  page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const selector of ['html', 'body', '#headline', '#copy', '.promo']) {
      const el = document.querySelector(selector);
      if (!el) continue;
      const cs = getComputedStyle(el);
      for (const prop of Array.from(cs)) out[`${selector} ${prop}`] = cs.getPropertyValue(prop);
    }
    return out;
  });

test('hostile CSS cannot break the widget, and the widget does not touch the page', async ({ page, browser }) => {
  // The same page without the widget, for comparison.
  const bare = await browser.newPage();
  await bare.route('**/widget.js', (route) => route.abort());
  await bare.goto(`${site.url}/hostile`);
  const without = await pageStyles(bare);
  await bare.close();
  expect(without['#headline font-size']).toBe('31px'); // the hostile sheet did load

  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/hostile`);
  // The page's `div { border: 9px dashed red !important; background: lime !important }` does
  // not reach the widget's host: no square is drawn in the corner.
  const host = await page.locator('[data-baton]').evaluate((el) => {
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { border: cs.borderTopWidth, background: cs.backgroundColor, width: r.width, height: r.height };
  });
  expect(host).toEqual({ border: '0px', background: 'rgba(0, 0, 0, 0)', width: 0, height: 0 });
  await visitor.launcher.click(); // above the page's z-index 999999 promo
  await visitor.send('How do I return an item?');
  await visitor.expectInLog(/30 days/);
  const fontSize = await visitor.textbox.evaluate((el) => getComputedStyle(el).fontSize);
  expect(fontSize).toBe('16px');
  expect(await visitor.textbox.evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
  // With the chat open, every style of the page's own elements is what it was without the widget.
  expect(await pageStyles(page)).toEqual(without);
});

test('a strict Content-Security-Policy page: no violations, the chat works', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/strict`);
  await visitor.open();
  await visitor.send('How long does shipping to Austria take?');
  await visitor.expectInLog(/2–4 working days/);
  // The widget's own styles applied (constructed stylesheets pass a strict style-src).
  expect(await page.getByRole('button', { name: 'Send' }).evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  expect(violations).toEqual([]);
});

test('calls queued before the widget loaded run once it is ready', async ({ page }) => {
  await page.goto(`${site.url}/early-api`);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.locator('#copy')).toHaveText('chat opened');
});

test('XSS sent by a visitor or an agent never runs in either UI', async ({ browser }) => {
  const visitorCtx = await browser.newContext();
  const agentCtx = await browser.newContext();
  const visitor = new VisitorWidget(await visitorCtx.newPage());
  const agent = new AgentConsole(await agentCtx.newPage());
  const payloads = [
    '<img src=x onerror="window.__xss=1">',
    '[click me](javascript:window.__xss=1)',
    '<svg onload="window.__xss=1"></svg>',
    '<script>window.__xss=1</script>',
    '<a href="javascript:window.__xss=1" onclick="window.__xss=1">x</a>',
  ];
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  const marker = `xss-${Date.now().toString(36)}`;
  await visitor.send(`I need a human (${marker})`);
  for (const p of payloads) {
    await visitor.textbox.fill(p);
    await visitor.page.getByRole('button', { name: 'Send', exact: true }).click();
  }
  await agent.signIn();
  await agent.takeOverFrom(marker);
  for (const p of payloads) {
    await agent.page.getByRole('textbox', { name: 'Reply' }).fill(p);
    await agent.page.getByRole('button', { name: 'Send', exact: true }).click();
  }
  await expect(visitor.log.getByText('click me').last()).toBeVisible();
  await expect(agent.log.getByText('click me').last()).toBeVisible();
  for (const pg of [visitor.page, agent.page]) {
    await pg.getByText('click me').last().click().catch(() => {});
    expect(await pg.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const hrefs = await pg.evaluate(() => {
      const roots: (Document | ShadowRoot)[] = [document, ...[...document.querySelectorAll('[data-baton]')].map((h) => h.shadowRoot!)];
      return roots.flatMap((r) => [...r.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''));
    });
    expect(hrefs.filter((h) => /^javascript:/i.test(h))).toEqual([]);
  }
  await visitorCtx.close();
  await agentCtx.close();
});

test('messages typed offline are sent once when back online', async ({ browser }) => {
  const context = await browser.newContext();
  const visitor = new VisitorWidget(await context.newPage());
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send('Do you ship to Switzerland?');
  await visitor.expectInLog(/Switzerland and the UK/);
  await context.setOffline(true);
  await expect(visitor.page.getByRole('status')).toContainText(/Reconnecting/);
  await visitor.textbox.fill('Written while offline');
  await visitor.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(visitor.log.getByText('Sending…')).toBeVisible();
  await visitor.page.reload().catch(() => {}); // even a reload while offline keeps the outbox
  await context.setOffline(false);
  await visitor.page.reload();
  await visitor.open();
  await visitor.expectInLog('Written while offline');
  await expect(visitor.log.getByText('Sending…')).toHaveCount(0);
  await expect(visitor.log.getByText('Written while offline')).toHaveCount(1);
  // The server stored it exactly once.
  const token = await visitor.page.evaluate(() => JSON.parse(localStorage.getItem('baton:demo') ?? '{}').token as string);
  const socket = io(`${BATON}/visitor`, { auth: { siteKey: 'demo', visitorToken: token }, transports: ['websocket'] });
  const resumed = await socket.timeout(5000).emitWithAck('session:resume', {});
  socket.disconnect();
  expect(resumed.messages.filter((m: { body: string }) => m.body === 'Written while offline')).toHaveLength(1);
  await context.close();
});

test('on a phone the chat is full screen', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
  const visitor = new VisitorWidget(await context.newPage());
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  const box = await visitor.page.getByRole('dialog').boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 375 });
  expect(box!.height).toBeGreaterThanOrEqual(700);
  // No zoom on focus: inputs are at least 16px.
  expect(await visitor.textbox.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
  await context.close();
});

test('per-page appearance overrides: colour, side and greeting', async ({ page }) => {
  await page.goto(`${site.url}/custom`);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toBeVisible();
  const box = await launcher.boundingBox();
  expect(box!.x).toBeLessThan(100);
  expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(185, 28, 28)');
  await launcher.click();
  await expect(page.getByText('Willkommen im Custom Shop!')).toBeVisible();
  const panel = await page.getByRole('dialog').boundingBox();
  expect(panel!.x).toBeLessThan(100);
});

test('a reply while the chat is closed: unread badge, title and the way back', async ({ browser }) => {
  const visitorCtx = await browser.newContext();
  const agentCtx = await browser.newContext();
  const visitor = new VisitorWidget(await visitorCtx.newPage());
  const agent = new AgentConsole(await agentCtx.newPage());
  const marker = `notify-${Date.now().toString(36)}`;
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send(`I want to talk to a human (${marker})`);
  await visitor.expectInLog(/next in line|number \d+ in line/); // others may wait from earlier specs
  await visitor.page.getByRole('button', { name: 'Close chat' }).click();
  await agent.signIn();
  await agent.takeOverFrom(marker);
  await agent.reply('Are you still there?');
  await expect(visitor.page.getByRole('button', { name: 'Open chat (1)' })).toBeVisible();
  await expect(visitor.page).toHaveTitle(/^\(1\) New message · Plain shop/);
  await visitor.page.getByRole('button', { name: /Open chat/ }).click();
  await visitor.expectInLog('Are you still there?');
  await expect(visitor.page).toHaveTitle('Plain shop');
  await visitorCtx.close();
  await agentCtx.close();
});

test('an identified customer shows to the agent as verified, and what the site did not sign as such', async ({ browser }) => {
  const visitorCtx = await browser.newContext();
  const agentCtx = await browser.newContext();
  const visitor = new VisitorWidget(await visitorCtx.newPage());
  const agent = new AgentConsole(await agentCtx.newPage());
  const marker = `identify-${Date.now().toString(36)}`;
  await visitor.goto(`${site.url}/signed-in`);
  await visitor.open();
  await visitor.send(`Please get me a real person (${marker})`);
  await agent.signIn();
  await agent.queueItem(marker).click();
  await expect(agent.page.getByRole('heading', { name: 'Jane Doe' })).toBeVisible();
  // The page signs the user id (HMAC); the name and email beside it are the page's word.
  await expect(agent.page.getByText('jane@example.com · user u-1001 user id verified — name and email as the page gave them, not confirmed')).toBeVisible();
  await visitorCtx.close();
  await agentCtx.close();
});
