// The widget's language: data-locale on the script tag, and Baton('setLocale') at any time, which
// keeps what the launcher says (the site's label, the unread count) in its accessible name.
import { expect, type Page, test } from '@playwright/test';
import { io } from 'socket.io-client';
import { BATON, startHostSite } from './fixtures/host-site.js';
import { DEMO_AGENT } from './pages/console.js';

let site: Awaited<ReturnType<typeof startHostSite>>;
test.beforeAll(async () => {
  site = await startHostSite('127.0.0.1');
});
test.afterAll(async () => site.close());

const baton = (page: Page, ...args: unknown[]) => page.evaluate((a) => (window as unknown as { Baton: (...x: unknown[]) => void }).Baton(...a), args);

test('data-locale="de" on an English page gives the German widget', async ({ page }) => {
  await page.goto(`${site.url}/german`);
  await page.getByRole('button', { name: 'Chat öffnen' }).click();
  await expect(page.getByRole('textbox', { name: 'Nachricht' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText(/Automatischer Assistent/);
  await expect(page.getByRole('button', { name: 'Chat schließen' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Nachricht' }).fill('Hallo');
  await page.getByRole('button', { name: 'Senden', exact: true }).click();
  await expect(page.getByRole('log')).toContainText('Hallo');
});

test("setLocale('de') switches the language and keeps the launcher's label and unread count", async ({ page, request }) => {
  const login = await request.post(`${BATON}/api/agent/login`, { data: { email: DEMO_AGENT.email, password: DEMO_AGENT.password } });
  const { token } = (await login.json()) as { token: string };
  const patch = (settings: Record<string, unknown>) => request.patch(`${BATON}/api/admin/site`, { headers: { authorization: `Bearer ${token}` }, data: { settings } });
  expect((await patch({ launcherLabel: 'Chat with us' })).status()).toBe(200);
  const agent = io(`${BATON}/agent`, { auth: { token }, transports: ['websocket'] });
  try {
    await page.goto(`${site.url}/plain`);
    await page.getByRole('button', { name: 'Open chat: Chat with us', exact: true }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('I want to talk to a human please');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // Queued (or told the wait may be long, when earlier tests left many waiting).
    await expect(page.getByRole('status')).toHaveText(/in line|online|reply|busier/);
    await page.getByRole('button', { name: 'Close chat' }).click();

    // An agent answers while the chat is closed: the launcher counts it.
    const conversationId = await page.evaluate(() => (JSON.parse(localStorage.getItem('baton:demo') ?? '{}') as { conversationId: string }).conversationId);
    expect(await agent.timeout(5000).emitWithAck('conversation:claim', { conversationId })).toMatchObject({ ok: true });
    expect(await agent.timeout(5000).emitWithAck('message:send', { conversationId, clientId: `a_${Date.now()}`, body: 'Hello, I can help.' })).toMatchObject({ ok: true });
    const launcherEn = page.getByRole('button', { name: 'Open chat: Chat with us (1)', exact: true });
    await expect(launcherEn).toBeVisible();

    await baton(page, 'setLocale', 'de');
    const launcherDe = page.getByRole('button', { name: 'Chat öffnen: Chat with us (1)', exact: true });
    await expect(launcherDe).toBeVisible();
    await expect(launcherDe).toContainText('Chat with us');
    await expect(launcherDe).toContainText('1');
    await launcherDe.click();
    await expect(page.getByRole('textbox', { name: 'Nachricht' })).toBeVisible();
    await expect(page.getByRole('status')).toHaveText(/Sie chatten mit/);
    await page.getByRole('button', { name: 'Chat schließen' }).click();
    await expect(page.getByRole('button', { name: 'Chat öffnen: Chat with us', exact: true })).toBeVisible();

    await baton(page, 'setLocale', 'en');
    await expect(page.getByRole('button', { name: 'Open chat: Chat with us', exact: true })).toBeVisible();
  } finally {
    agent.disconnect();
    await patch({ launcherLabel: '' });
  }
});

test('"Talk to a person" hands over in any language, and the French visitor is answered in French', async ({ page }) => {
  await page.goto(`${site.url}/plain`);
  await baton(page, 'setLocale', 'fr');
  await page.getByRole('button', { name: 'Ouvrir le chat' }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('Bonjour, combien coûte la livraison en Belgique ?');
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(page.getByRole('log')).toContainText('Bonjour, combien');
  // A visible way to a person: no phrase to guess.
  await page.getByRole('button', { name: 'Parler à une personne' }).click();
  await expect(page.getByRole('log')).toContainText('Je voudrais parler à une personne.');
  await expect(page.getByRole('log')).toContainText(/notre équipe/);
  await expect(page.getByRole('status')).toHaveText(/dans la file|en ligne|répondrons/);
  // Once a person has it, the button is gone.
  await expect(page.getByRole('button', { name: 'Parler à une personne' })).toHaveCount(0);
});
