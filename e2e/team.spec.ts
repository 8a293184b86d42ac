// [E2E7] An admin invites a colleague from the console; the colleague sets a password through the
// link and signs in; both press "Take over" on the same conversation: one wins, the other is told
// who. The colleague's console does not open the admin API.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('invite, set password, and a take-over race between two agents', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const maria = new AgentConsole(await contexts[0]!.newPage());
  const visitor = new VisitorWidget(await contexts[2]!.newPage());
  const email = `lea-${Date.now()}@demo.test`;

  await maria.signIn();
  await maria.page.getByRole('button', { name: 'Team', exact: true }).click();
  const form = maria.page.getByRole('form', { name: 'Invite an agent' });
  await form.getByRole('textbox', { name: 'Invite email' }).fill(email);
  await form.getByRole('textbox', { name: 'Invite name' }).fill('Lea');
  await form.getByRole('button', { name: 'Invite' }).click();
  const link = await maria.page.locator('.invite-link code').textContent();
  expect(link).toContain('/console/set-password#');
  await expect(maria.page.getByRole('table', { name: 'Agents' })).toContainText(email);

  const leaPage = await contexts[1]!.newPage();
  await leaPage.goto(link!);
  await leaPage.getByLabel('New password').fill('lea-password-123');
  await leaPage.getByRole('button', { name: 'Set password' }).click();
  await expect(leaPage.getByText('Your password is set.')).toBeVisible();
  const lea = new AgentConsole(leaPage);
  await lea.signIn(email, 'lea-password-123');
  await expect(lea.page.getByRole('navigation', { name: 'Queue' })).toBeVisible();
  await expect(lea.page.getByRole('button', { name: 'Team', exact: true })).toHaveCount(0);
  expect((await lea.page.request.get('/api/admin/agents')).status()).toBe(403);

  const marker = `race-${Date.now().toString(36)}`;
  await visitor.goto();
  await visitor.open();
  await visitor.send(`I want to talk to a real person please (${marker})`);
  await maria.page.getByRole('button', { name: 'Conversations', exact: true }).click();
  await maria.queueItem(marker).click();
  await lea.queueItem(marker).click();
  await expect(maria.page.getByRole('button', { name: 'Take over' })).toBeVisible();
  await expect(lea.page.getByRole('button', { name: 'Take over' })).toBeVisible();
  // Both press at the same moment (each page clicks its own button in the same tick).
  const press = (c: AgentConsole) =>
    c.page.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Take over');
      button?.click();
      return Boolean(button);
    });
  await Promise.all([press(maria), press(lea)]);
  // Exactly one joins the visitor's chat; the other is told who took it.
  await expect(visitor.log.getByText(/joined the chat/)).toHaveCount(1);
  const joined = (await visitor.log.getByText(/joined the chat/).textContent()) ?? '';
  const winner = joined.includes('Maria') ? 'Maria' : 'Lea';
  const loser = winner === 'Maria' ? lea : maria;
  await expect(loser.page.getByText(new RegExp(`${winner} already took this conversation|With ${winner}`)).first()).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});
