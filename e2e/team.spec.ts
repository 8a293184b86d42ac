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
  await visitor.askForAPerson(marker);
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
  const [mariaPressed, leaPressed] = await Promise.all([press(maria), press(lea)]);
  // Exactly one wins. The other is told who took it: refused with the winner's name when its
  // press went out, or — when the winner's claim reached its console first and the button was
  // already gone (a loaded machine) — by the conversation showing who has it.
  const inIt = async () => {
    for (const c of [maria, lea]) if ((await c.page.getByText('You are in this conversation').count()) > 0) return c;
    return null;
  };
  await expect.poll(inIt).not.toBeNull();
  const holder = (await inIt())!;
  const loser = holder === maria ? lea : maria;
  const winner = holder === maria ? 'Maria' : 'Lea';
  if (loser === maria ? mariaPressed : leaPressed) {
    await expect(loser.page.getByRole('alert').filter({ hasText: /already took this conversation/ })).toHaveText(`${winner} already took this conversation.`);
  }
  await expect(loser.page.getByText('You are in this conversation')).toHaveCount(0);
  await visitor.expectInLog(`${winner} from Demo Shop joined the chat`);
  await expect(visitor.log.getByText(/joined the chat/)).toHaveCount(1);
  await expect(loser.page.getByText(`With ${winner}`)).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});
