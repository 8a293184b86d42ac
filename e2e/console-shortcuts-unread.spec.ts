// The console's keyboard shortcuts follow the physical key (macOS types "†" for Alt+T), and the
// queue counts new messages in an agent's conversations even when this tab never opened them.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('Alt+T takes over and Alt+R resolves with a macOS keyboard layout', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agent = new AgentConsole(await contexts[1]!.newPage());
  const marker = `keys-${Date.now().toString(36)}`;
  await visitor.askForAPerson(marker);
  await agent.signIn();
  await agent.queueItem(marker).click();
  await expect(agent.log).toContainText(marker);

  // What Chrome on a Mac reports for Option+T and Option+R.
  const press = (key: string, code: string) =>
    agent.page.evaluate(([key, code]) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key, code, altKey: true, bubbles: true })), [key, code]);
  await press('†', 'KeyT');
  await visitor.expectInLog(/Maria from Demo Shop joined/);
  await expect(agent.page.getByText('You are in this conversation')).toBeVisible();
  await press('®', 'KeyR');
  await visitor.expectInLog(/resolved/i);
  await expect(agent.page.getByText('Resolved', { exact: true })).toBeVisible();
  await Promise.all(contexts.map((c) => c.close()));
});

test('new messages are counted on the card of an agent’s conversation after a reload and in a fresh browser', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agent = new AgentConsole(await contexts[1]!.newPage());
  const marker = `unread-${Date.now().toString(36)}`;
  const card = (c: AgentConsole) => c.page.getByRole('navigation', { name: 'Queue' }).getByRole('listitem').filter({ hasText: marker });
  await visitor.askForAPerson(marker);
  await agent.signIn();
  await agent.takeOverFrom(marker);
  await agent.reply('Hello, Maria here.');
  await visitor.expectInLog('Maria here');

  // A reload: nothing is open, what was seen before is remembered.
  await agent.page.reload();
  await expect(card(agent)).toBeVisible();
  await expect(card(agent)).not.toContainText('new');
  await visitor.send('Are you still there?');
  await visitor.send('My order is A-10422');
  await expect(card(agent)).toContainText('2 new');
  await card(agent).click();
  await expect(agent.log).toContainText('My order is A-10422');
  await expect(card(agent)).not.toContainText('new');

  // The same agent in a browser that never opened it: it is theirs, so all of it is new to them.
  const elsewhere = new AgentConsole(await contexts[2]!.newPage());
  await elsewhere.signIn();
  await expect(card(elsewhere)).toContainText(/\d+ new/);
  await Promise.all(contexts.map((c) => c.close()));
});
