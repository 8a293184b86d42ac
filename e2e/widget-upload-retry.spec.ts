// A file whose upload reached the server but whose answer was lost is retried under the same
// client id: the visitor (and the agent) see it once.
import { expect, test } from '@playwright/test';
import { VisitorWidget } from './pages/widget.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

test('an upload whose response is lost is retried and stored once', async ({ page }) => {
  const visitor = new VisitorWidget(page);
  await visitor.goto();
  await visitor.open();
  await visitor.send('Here is a photo of the damage');
  await visitor.expectInLog(/automated/i);

  // The first attempt reaches the server and is stored; the network then drops its answer.
  const clientIds: string[] = [];
  await page.route('**/api/attachments', async (route) => {
    clientIds.push(route.request().headers()['x-client-id'] ?? '');
    if (clientIds.length === 1) {
      await route.fetch();
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await page.locator('input[type=file]').setInputFiles({ name: 'damage.png', mimeType: 'image/png', buffer: PNG });
  await expect(visitor.log.getByRole('img', { name: 'damage.png' })).toBeVisible();
  // The widget tries again on its own (the stored message may already have come by the socket).
  await expect.poll(() => clientIds.length).toBe(2);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(clientIds[1]).toBe(clientIds[0]);
  // After a reload the transcript is what the server stored: one picture.
  await page.unroute('**/api/attachments');
  await page.reload();
  await visitor.open();
  await expect(visitor.log.getByRole('img', { name: 'damage.png' })).toHaveCount(1);
});

test('when every attempt fails the visitor can try again, and the file is stored once', async ({ page }) => {
  const visitor = new VisitorWidget(page);
  await visitor.goto();
  await visitor.open();
  await visitor.send('I will send a receipt');
  await visitor.expectInLog(/automated/i);

  let offline = true;
  const clientIds: string[] = [];
  await page.route('**/api/attachments', async (route) => {
    clientIds.push(route.request().headers()['x-client-id'] ?? '');
    if (offline) {
      await route.fetch(); // stored, but the answer never arrives
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await page.locator('input[type=file]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByRole('alert')).toContainText('No connection');
  offline = false;
  await page.getByRole('button', { name: 'Try sending receipt.png again' }).click();
  await expect(visitor.log.getByRole('img', { name: 'receipt.png' })).toBeVisible();
  expect(new Set(clientIds).size).toBe(1);
  await page.unroute('**/api/attachments');
  await page.reload();
  await visitor.open();
  await expect(visitor.log.getByRole('img', { name: 'receipt.png' })).toHaveCount(1);
});
