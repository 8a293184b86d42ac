// [E2E5] Honest waiting: a visitor sees their place in line and the estimate change live.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('the second visitor moves up live when an agent takes the conversation ahead', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [first, second] = await Promise.all(contexts.slice(0, 2).map(async (c) => new VisitorWidget(await c.newPage())));
  const agent = new AgentConsole(await contexts[2]!.newPage());
  const marker = `queue-${Date.now()}`;

  // Nobody online yet: said plainly, with the promise to reply in the same chat.
  await first!.goto();
  await first!.open();
  await first!.send(`I need a human (${marker}-a)`);
  await expect(first!.page.getByRole('status')).toContainText(/No one from our team is online right now/);

  await agent.signIn();
  await expect(first!.page.getByRole('status')).toContainText(/next in line/);

  await second!.goto();
  await second!.open();
  await second!.send(`Can I talk to a person? (${marker}-b)`);
  await expect(second!.page.getByRole('status')).toContainText(/number 2 in line/);

  await agent.queueItem(`${marker}-a`).click();
  await agent.takeOver();
  await expect(second!.page.getByRole('status')).toContainText(/next in line/);
  await Promise.all(contexts.map((c) => c.close()));
});
