// Voice falls back to text (issue 18): a browser that refuses the microphone, or has no
// microphone API at all, gets the reason beside the composer and the chat goes on typed; a page
// whose CSP forbids blob: still gets voice, through the ScriptProcessor. No speech is needed:
// nothing is said.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { startHostSite } from './fixtures/host-site.js';
import { VoiceMode } from './pages/voice.js';
import { VisitorWidget } from './pages/widget.js';

async function expectNoSeriousViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).include('[data-baton]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${state}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

// A fake microphone exists, but nothing grants it (no --use-fake-ui-for-media-stream, no
// permission): Chromium refuses with NotAllowedError, as when a visitor clicks "Block".
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream'],
  },
});

test('a refused microphone: the widget says so, and the visitor goes on typing', async ({ browser }) => {
  const context = await browser.newContext({ permissions: [] });
  const page = await context.newPage();
  const widget = new VisitorWidget(page);
  const voice = new VoiceMode(page);
  await widget.goto();
  await widget.open();
  await voice.startButton.click();
  await expect(voice.problem).toHaveText("The microphone is blocked — you can type, or allow it and try again");
  await expect(voice.startButton).toBeVisible();
  await expect(voice.bar).toHaveCount(0);
  await expectNoSeriousViolations(page, 'voice refused');
  await widget.send('Where is my parcel? (typed after voice failed)');
  await widget.expectInLog(/automated/);
  await context.close();
});

test('a browser without a microphone API: the voice chunk is not even fetched', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(navigator, 'mediaDevices', { value: undefined }));
  const voiceChunk: string[] = [];
  page.on('request', (r) => /\/chat-voice-[\w-]{8}\.js$/.test(new URL(r.url()).pathname) && voiceChunk.push(r.url()));
  const widget = new VisitorWidget(page);
  const voice = new VoiceMode(page);
  await widget.goto();
  await widget.open();
  await voice.startButton.click();
  await expect(voice.problem).toHaveText("Voice isn't available here — you can type");
  expect(voiceChunk).toEqual([]);
  await widget.send('Hello by text');
});

test("a page whose CSP forbids blob: workers still hears the visitor (ScriptProcessor instead of the AudioWorklet)", async ({ browser }) => {
  const site = await startHostSite('127.0.0.1');
  try {
    const context = await browser.newContext();
    await context.grantPermissions(['microphone'], { origin: site.url });
    const page = await context.newPage();
    const widget = new VisitorWidget(page);
    const voice = new VoiceMode(page);
    await widget.goto(`${site.url}/strict`);
    await widget.open();
    await voice.start();
    await expect(voice.bar).toHaveAttribute('data-capture', 'script-processor');
    await voice.stopButton.click();
    await expect(voice.startButton).toBeVisible();
    await context.close();
  } finally {
    await site.close();
  }
});

test('on a page that allows it, the microphone is read by an AudioWorklet; closing the chat stops listening', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['microphone']);
  const page = await context.newPage();
  const widget = new VisitorWidget(page);
  const voice = new VoiceMode(page);
  await widget.goto();
  await widget.open();
  await voice.start();
  await expect(voice.bar).toHaveAttribute('data-capture', 'worklet');
  await expectNoSeriousViolations(page, 'voice on, hands-free');
  await voice.pushToTalk.click();
  await expect(voice.holdToTalk).toBeVisible();
  await expect(voice.state).toHaveText('Hold to talk (or hold Space)');
  await expectNoSeriousViolations(page, 'voice on, push to talk');
  await page.keyboard.press('Escape');
  await widget.open();
  await expect(voice.startButton).toBeVisible();
  await context.close();
});
