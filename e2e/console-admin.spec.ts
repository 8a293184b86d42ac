// The admin's site settings: allowed origins can be edited (and a page on a newly allowed origin
// gets the chat), and canned responses are read line by line with a clear error for a line that
// is not "shortcut: text".
import { expect, test } from '@playwright/test';
import { startHostSite } from './fixtures/host-site.js';
import { AgentConsole } from './pages/console.js';

test('an admin allows a new origin and back, and a canned line without a colon is refused', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const admin = new AgentConsole(await contexts[0]!.newPage());
  const shopPage = await contexts[1]!.newPage();
  const shop = await startHostSite('127.0.0.2');
  try {
    const shopOrigin = new URL(shop.url).origin; // http://127.0.0.2:<port>
    const chatOnShop = async () => {
      await shopPage.goto(`${shop.url}/plain`);
      await shopPage.getByRole('button', { name: 'Open chat' }).click();
    };
    await chatOnShop();
    await expect(shopPage.getByRole('status')).toHaveText('Chat is unavailable on this page.');

    await admin.signIn();
    await admin.page.getByRole('button', { name: 'Team', exact: true }).click();
    const form = admin.page.getByRole('form', { name: 'Site settings' });
    const origins = form.getByRole('textbox', { name: /Allowed origins/ });
    await expect(origins).toHaveValue(/http:\/\/localhost:\*/);
    const before = await origins.inputValue();
    const save = form.getByRole('button', { name: 'Save settings' });

    // Not an origin: refused with the line named, nothing saved.
    await origins.fill(`${before}\nshop.example/path`);
    await save.click();
    await expect(admin.page.getByRole('alert')).toContainText('Allowed origins, line 3: "shop.example/path" is not an origin');

    // The shop's origin (pasted with a trailing slash): the chat opens there.
    await origins.fill(`${before}\n${shopOrigin}/`);
    await save.click();
    await expect(admin.page.getByRole('status')).toHaveText('Settings saved.');
    await expect(origins).toHaveValue(`${before}\n${shopOrigin}`);
    await chatOnShop();
    await expect(shopPage.getByRole('textbox', { name: 'Message' })).toBeVisible();

    // Canned responses: a line without "shortcut:" is refused, not cut short.
    const canned = form.getByRole('textbox', { name: /Canned responses/ });
    const cannedBefore = await canned.inputValue();
    await canned.fill(`${cannedBefore}\nthanks`);
    await save.click();
    await expect(admin.page.getByRole('alert')).toContainText('Canned responses, line 5: write it as "shortcut: text" (got "thanks")');
    await canned.fill(`${cannedBefore}\nthx: Thanks a lot!`);
    await save.click();
    await expect(admin.page.getByRole('status')).toHaveText('Settings saved.');
    const site = await (await admin.page.request.get('/api/admin/site')).json();
    expect(site.site.settings.cannedResponses.at(-1)).toEqual({ shortcut: 'thx', body: 'Thanks a lot!' });

    // And back: the origin removed, the shop refused again; the canned list as it was.
    await origins.fill(before);
    await canned.fill(cannedBefore);
    const saved = admin.page.waitForResponse((r) => r.url().endsWith('/api/admin/site') && r.request().method() === 'PATCH');
    await save.click();
    expect((await saved).status()).toBe(200);
    await chatOnShop();
    await expect(shopPage.getByRole('status')).toHaveText('Chat is unavailable on this page.');
  } finally {
    await shop.close();
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test('an admin creates an API key, sees it once, and a revoked key stops working', async ({ browser }) => {
  const context = await browser.newContext();
  const admin = new AgentConsole(await context.newPage());
  await admin.signIn();
  await admin.page.getByRole('button', { name: 'Team', exact: true }).click();
  const section = admin.page.getByRole('region', { name: 'API keys' });
  const form = section.getByRole('form', { name: 'Create an API key' });
  const name = `BI ${Date.now().toString(36)}`;
  await form.getByRole('textbox', { name: 'Key name' }).fill(name);
  await form.getByRole('checkbox', { name: 'Read conversations and export them' }).uncheck();
  await expect(form.getByRole('button', { name: 'Create key' })).toBeDisabled();
  await form.getByRole('checkbox', { name: 'Read the handoff-quality metrics' }).check();
  await form.getByRole('button', { name: 'Create key' }).click();
  const shown = section.getByText(/shown only now/);
  await expect(shown).toBeVisible();
  const key = (await shown.locator('code').innerText()).trim();
  expect(key).toMatch(/^bk_/);
  const row = section.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(`${key.slice(0, 10)}…`);
  await expect(row).toContainText('metrics:read');

  // The key works for its scope only, without the console's session.
  const api = await admin.page.context().browser()!.newContext();
  const call = (path: string) => api.request.get(new URL(path, admin.page.url()).toString(), { headers: { authorization: `Bearer ${key}` } });
  expect((await call('/api/v1/metrics')).status()).toBe(200);
  expect((await call('/api/v1/conversations')).status()).toBe(403);
  await admin.page.reload();
  await admin.page.getByRole('button', { name: 'Team', exact: true }).click();
  await expect(section.getByText(/shown only now/)).toHaveCount(0);
  await expect(section).not.toContainText(key);
  await expect(row).not.toContainText('never'); // last used: just now

  // Revoked: refused at once.
  admin.page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toContainText('revoked');
  expect((await call('/api/v1/metrics')).status()).toBe(401);
  await api.close();
  await context.close(); // the admin goes offline: later specs expect nobody online at first
});
