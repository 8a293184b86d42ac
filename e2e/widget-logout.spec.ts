// Baton('logout') on a shared computer: the next person never sees the previous user's chat.
import { expect, type Page, test } from '@playwright/test';
import { startHostSite } from './fixtures/host-site.js';
import { VisitorWidget } from './pages/widget.js';

let site: Awaited<ReturnType<typeof startHostSite>>;
test.beforeAll(async () => {
  site = await startHostSite('127.0.0.1');
});
test.afterAll(async () => site.close());

const tokenOf = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('baton:demo') ?? '{}') as { token?: string | null }).token ?? null);
const baton = (page: Page, ...args: unknown[]) => page.evaluate((a) => (window as unknown as { Baton: (...x: unknown[]) => void }).Baton(...a), args);

test('after logout the chat starts over as a new visitor, and on the next page', async ({ browser }) => {
  const context = await browser.newContext();
  const visitor = new VisitorWidget(await context.newPage());
  await visitor.goto(`${site.url}/signed-in`);
  await visitor.open();
  await visitor.send('My order A-777 never arrived');
  await visitor.expectInLog(/automated/i);
  const before = await tokenOf(visitor.page);
  expect(before).toBeTruthy();

  await baton(visitor.page, 'logout');
  await expect(visitor.log.getByText('My order A-777 never arrived')).toHaveCount(0);
  await expect(visitor.page.getByRole('status')).toHaveText(/Automated assistant/);
  await expect.poll(() => tokenOf(visitor.page)).not.toBe(before);
  expect(await tokenOf(visitor.page)).toBeTruthy();
  await visitor.send('Do you ship to Austria?');
  await visitor.expectInLog(/2–4 working days/);

  // The next person on this computer, on a page that does not identify anyone.
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.expectInLog('Do you ship to Austria?');
  await expect(visitor.log.getByText('My order A-777 never arrived')).toHaveCount(0);
  await context.close();
});

test("a logout in one tab clears the other tab too, which joins the new visitor; 'reset' is the same", async ({ browser }) => {
  const context = await browser.newContext();
  const first = new VisitorWidget(await context.newPage());
  await first.goto(`${site.url}/plain`);
  await first.open();
  await first.send('Private question from the first user');
  await first.expectInLog(/automated/i);
  const second = new VisitorWidget(await context.newPage());
  await second.goto(`${site.url}/plain`);
  await second.open();
  await second.expectInLog('Private question from the first user');

  await baton(first.page, 'reset');
  await expect(first.log.getByText('Private question from the first user')).toHaveCount(0);
  await expect(second.log.getByText('Private question from the first user')).toHaveCount(0);
  await expect(second.page.getByRole('status')).toHaveText(/Automated assistant/);
  // Both tabs are one new visitor: a message from one shows in the other, live.
  await second.send('Hello after the sign-out');
  await first.expectInLog('Hello after the sign-out');
  await context.close();
});

test('a logout queued before the widget loaded forgets the chat before it resumes', async ({ page }) => {
  const visitor = new VisitorWidget(page);
  await visitor.goto(`${site.url}/plain`);
  await visitor.open();
  await visitor.send('Something the next person must not read');
  await visitor.expectInLog(/automated/i);
  await visitor.goto(`${site.url}/signed-out`);
  await visitor.open();
  await expect(visitor.page.getByRole('status')).toHaveText(/Automated assistant/);
  await expect(visitor.log.getByText('Something the next person must not read')).toHaveCount(0);
});

test('a verified user on a second browser continues their chat there, until they sign out', async ({ browser }) => {
  const laptop = await browser.newContext();
  const desk = await browser.newContext();
  const mine = new VisitorWidget(await laptop.newPage());
  const shared = new VisitorWidget(await desk.newPage());
  const marker = `switch-${Date.now().toString(36)}`;
  await mine.goto(`${site.url}/signed-in`);
  await mine.open();
  await mine.send(`Where is my parcel? (${marker})`);
  await mine.expectInLog(/automated/i);

  // The identify ack names the visitor to switch to: the widget adopts it and loads that chat.
  await shared.goto(`${site.url}/signed-in`);
  await shared.open();
  await shared.expectInLog(marker);
  await baton(shared.page, 'logout');
  await expect(shared.log.getByText(marker)).toHaveCount(0);
  await shared.goto(`${site.url}/plain`);
  await shared.open();
  await expect(shared.page.getByRole('status')).toHaveText(/Automated assistant/);
  await expect(shared.log.getByText(marker)).toHaveCount(0);
  await laptop.close();
  await desk.close();
});
