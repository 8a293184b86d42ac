// [E2E4] axe-core in every widget state and on the console's views: no serious or critical
// violations. Keyboard: focus moves into the panel on open, Escape closes and returns focus.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

async function expectNoSeriousViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).include('[data-baton], #app').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${state}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

test('the widget is keyboard-operable and passes axe in every state', async ({ browser }) => {
  const visitorCtx = await browser.newContext();
  const agentCtx = await browser.newContext();
  const visitor = new VisitorWidget(await visitorCtx.newPage());
  const agent = new AgentConsole(await agentCtx.newPage());

  await visitor.goto();
  await expectNoSeriousViolations(visitor.page, 'closed');

  // Keyboard: open with Enter, focus lands in the composer, Escape closes and returns focus.
  await visitor.launcher.focus();
  await visitor.page.keyboard.press('Enter');
  await expect(visitor.textbox).toBeFocused();
  await visitor.page.keyboard.press('Escape');
  await expect(visitor.launcher).toBeFocused();
  await visitor.page.keyboard.press('Enter');
  await visitor.page.keyboard.type('How long does shipping take?');
  await visitor.page.keyboard.press('Enter');
  await visitor.expectInLog(/working days/);
  await expectNoSeriousViolations(visitor.page, 'open with the bot');

  const marker = `a11y-${Date.now().toString(36)}`;
  await visitor.send(`I want to talk to a real person (${marker})`);
  await visitor.expectInLog(/next in line/);
  await expectNoSeriousViolations(visitor.page, 'queued');

  await agent.signIn();
  // The queue view, with this visitor's card in it: not the sign-in form on its way out.
  await expect(agent.page.getByRole('navigation', { name: 'Queue' })).toBeVisible();
  await expect(agent.queueItem(marker)).toBeVisible();
  await expectNoSeriousViolations(agent.page, 'console queue');
  await agent.takeOverFrom(marker);
  await expectNoSeriousViolations(agent.page, 'console conversation');
  await agent.reply('Hello, Maria here.');
  await visitor.expectInLog('Maria here');
  await expectNoSeriousViolations(visitor.page, 'agent joined');

  await agent.resolve();
  await visitor.expectInLog(/resolved/i);
  await expectNoSeriousViolations(visitor.page, 'resolved');
  await visitorCtx.close();
  await agentCtx.close();
});
