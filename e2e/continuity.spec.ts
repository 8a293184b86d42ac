// [E2E2] Continuity: the conversation survives a reload, and a second tab shows the same chat live.
import { expect, test } from '@playwright/test';
import { VisitorWidget } from './pages/widget.js';

test('a reload and a second tab show the same conversation, live', async ({ browser }) => {
  const context = await browser.newContext();
  const first = new VisitorWidget(await context.newPage());
  await first.goto();
  await first.open();
  await first.send('Do you ship to Austria?');
  await expect(first.log.getByText(/automated/i).first()).toBeVisible();

  await first.page.reload();
  await first.open();
  await first.expectInLog('Do you ship to Austria?');

  const second = new VisitorWidget(await context.newPage());
  await second.goto();
  await second.open();
  await second.expectInLog('Do you ship to Austria?');

  // A message from one tab appears in the other without a reload.
  await second.send('And to Switzerland?');
  await first.expectInLog('And to Switzerland?');
  await context.close();
});

test('messages typed offline in two tabs all survive, even after the first tab closes', async ({ browser }) => {
  const context = await browser.newContext();
  const first = new VisitorWidget(await context.newPage());
  await first.goto();
  await first.open();
  await first.send('Hello from the first tab');
  await first.expectInLog(/automated/i);
  const second = new VisitorWidget(await context.newPage());
  await second.goto();
  await second.open();
  await second.expectInLog('Hello from the first tab');

  await context.setOffline(true);
  await expect(first.page.getByRole('status')).toContainText(/Reconnecting/);
  await expect(second.page.getByRole('status')).toContainText(/Reconnecting/);
  await first.send('Offline in tab A');
  await second.send('Offline in tab B'); // its save must not drop tab A's unsent message
  await first.page.close(); // tab A is gone before the network returns
  await context.setOffline(false);

  await second.expectInLog('Offline in tab A');
  await expect(second.log.getByText('Sending…')).toHaveCount(0);
  // A fresh tab reads what the server stored: each message exactly once.
  const third = new VisitorWidget(await context.newPage());
  await third.goto();
  await third.open();
  await third.expectInLog('Offline in tab B');
  await expect(third.log.getByText('Offline in tab A')).toHaveCount(1);
  await expect(third.log.getByText('Offline in tab B')).toHaveCount(1);
  await context.close();
});
