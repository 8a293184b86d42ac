// "Wrong reason" says which trigger would have been right (and why, optionally), so the judged
// escalation exports as an eval case labelled with that trigger.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('a "wrong reason" verdict names the right trigger and exports as an eval case', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agent = new AgentConsole(await contexts[1]!.newPage());
  const marker = `verdict-${Date.now().toString(36)}`;

  await agent.signIn();
  await visitor.askForAPerson(marker);
  await agent.takeOverFrom(marker);
  await visitor.expectInLog(/Maria/);
  const conversationId = await visitor.page.evaluate(() => JSON.parse(localStorage.getItem('baton:demo') ?? '{}').conversationId as string);

  const verdict = agent.page.getByRole('group', { name: 'Was this escalation right?' });
  await verdict.getByRole('button', { name: 'Wrong reason' }).click();
  const form = agent.page.getByRole('form', { name: 'Wrong reason' });
  const save = form.getByRole('button', { name: 'Save verdict' });
  await expect(save).toBeDisabled();
  // The trigger the bot used is not offered as the right one.
  const triggers = form.getByRole('combobox', { name: 'The right trigger' });
  await expect(triggers.getByRole('option', { name: 'Visitor asked for a person' })).toHaveCount(0);
  await triggers.selectOption({ label: 'Workflow failure' });
  await form.getByRole('textbox', { name: 'Comment (optional)' }).fill('The order lookup had failed twice before');
  await save.click();
  await expect(verdict.getByRole('button', { name: 'Wrong reason' })).toHaveAttribute('aria-pressed', 'true');
  await expect(verdict.getByRole('status')).toContainText('the right trigger was Workflow failure');

  // The export carries the agent's trigger.
  const res = await agent.page.request.get(`/api/admin/eval-cases?conversationId=${conversationId}`);
  expect(res.status()).toBe(200);
  const exported = JSON.parse((await res.text()).trim().split('\n')[0]!);
  expect(exported).toMatchObject({ trigger: 'workflow_failure', escalateAt: 0 });
  expect(exported.turns.at(-1)).toContain(marker);
  await Promise.all(contexts.map((c) => c.close()));
});
