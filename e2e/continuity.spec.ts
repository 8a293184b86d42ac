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
