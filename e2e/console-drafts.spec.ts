// The console's composer belongs to one conversation: switching never carries a draft, an
// outcome or an open transfer form to another visitor, and coming back finds the draft kept.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('a draft stays with its conversation when the agent switches between two visitors', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [ada, bob] = await Promise.all(contexts.slice(0, 2).map(async (c) => new VisitorWidget(await c.newPage())));
  const agent = new AgentConsole(await contexts[2]!.newPage());
  const marker = `drafts-${Date.now().toString(36)}`;

  for (const [visitor, name] of [[ada!, 'a'], [bob!, 'b']] as const) {
    await visitor.askForAPerson(`${marker}-${name}`);
    await visitor.expectInLog(/No one from our team is online|next in line|number \d+ in line/i);
  }

  await agent.signIn();
  const reply = agent.page.getByRole('textbox', { name: 'Reply' });
  const outcome = agent.page.getByRole('combobox', { name: 'Outcome' });
  for (const name of ['b', 'a']) {
    await agent.queueItem(`${marker}-${name}`).click();
    await expect(agent.log).toContainText(`${marker}-${name}`);
    await agent.takeOver();
    await expect(reply).toBeEditable();
  }

  // In A: a half-written reply, "Spam" chosen as the outcome, the transfer form open.
  await reply.fill('Your refund for order 1001 is on its way');
  await outcome.selectOption('spam');
  await agent.page.getByRole('button', { name: 'Transfer' }).click();
  await expect(agent.page.getByRole('form', { name: 'Transfer' })).toBeVisible();

  // B starts clean.
  await agent.queueItem(`${marker}-b`).click();
  await expect(agent.log).toContainText(`${marker}-b`);
  await expect(reply).toHaveValue('');
  await expect(outcome).toHaveValue('solved');
  await expect(agent.page.getByRole('form', { name: 'Transfer' })).toHaveCount(0);
  await reply.fill('Hello Bob');

  // Back in A the draft is still there, and sending it reaches A only.
  await agent.queueItem(`${marker}-a`).click();
  await expect(agent.log).toContainText(`${marker}-a`);
  await expect(reply).toHaveValue('Your refund for order 1001 is on its way');
  await agent.page.getByRole('button', { name: 'Send', exact: true }).click();
  await ada!.expectInLog('Your refund for order 1001 is on its way');
  await agent.queueItem(`${marker}-b`).click();
  await expect(reply).toHaveValue('Hello Bob');
  await expect(bob!.log).not.toContainText('refund for order 1001');
  await Promise.all(contexts.map((c) => c.close()));
});
