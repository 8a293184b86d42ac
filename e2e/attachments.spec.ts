// [E2E8] Files both ways: the visitor attaches an image (the agent sees a preview), the agent sends
// a PDF (the visitor gets a download), and hostile files are refused or arrive inert — no script
// runs in the widget or the console.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

// A 2×2 PNG, and the same PNG with an HTML payload appended.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const PNG_WITH_TAIL = Buffer.concat([PNG, Buffer.from('<html><script>alert("png tail")</script></html>')]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert("svg")</script></svg>');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('images and PDFs both ways; hostile files refused or inert', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const agentContext = await browser.newContext();
  const visitor = new VisitorWidget(await visitorContext.newPage());
  const agent = new AgentConsole(await agentContext.newPage());
  const dialogs: string[] = [];
  for (const page of [visitor.page, agent.page]) {
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }

  const marker = `files-${Date.now().toString(36)}`;
  await visitor.askForAPerson(marker);
  const picker = visitor.page.locator('input[type=file]');

  // A hostile SVG is refused with a clear message; nothing was sent.
  await picker.setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: SVG });
  await expect(visitor.page.getByRole('alert')).toContainText(/cannot be sent here/);
  // A screenshot goes through, even one with a payload appended (re-encoded, payload gone).
  await picker.setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: PNG_WITH_TAIL });
  await expect(visitor.log.getByRole('img', { name: 'screenshot.png' })).toBeVisible();
  await expect(visitor.page.getByRole('button', { name: 'Attach file' })).toBeEnabled();

  await agent.signIn();
  await agent.takeOverFrom(marker);
  const preview = agent.log.getByRole('img', { name: 'screenshot.png' });
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await agent.page.locator('input[type=file]').setInputFiles({ name: 'return-label.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(visitor.log.getByRole('link', { name: /return-label\.pdf/ })).toBeVisible();
  // Opening the image itself in a tab: served as an image, nothing runs.
  const href = await visitor.log.getByRole('link').filter({ has: visitor.page.getByRole('img', { name: 'screenshot.png' }) }).getAttribute('href');
  const tab = await visitorContext.newPage();
  tab.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await tab.goto(href!);
  // An image document runs no script at all; the tail's inline alert would have held up the load
  // that goto waited for, so a dialog would be recorded by now.
  expect(await tab.evaluate(() => document.contentType)).toBe('image/png');
  expect(dialogs).toEqual([]);

  await visitorContext.close();
  await agentContext.close();
});
