// [E2E1] The walking product: a visitor and an agent in two browser contexts, one handoff end to end.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

// UPDATE_SCREENSHOTS=1 refreshes the README's pictures; otherwise they go to test-results/.
const shot = (name: string) => (process.env.UPDATE_SCREENSHOTS ? `docs/screenshots/${name}.png` : `test-results/screenshots/${name}.png`);

test('visitor asks for a person, agent takes over, both chat, agent resolves', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const agentContext = await browser.newContext();
  const visitor = new VisitorWidget(await visitorContext.newPage());
  const agent = new AgentConsole(await agentContext.newPage());

  // The visitor chats with the bot first.
  await visitor.goto();
  await visitor.page.screenshot({ path: shot('widget-closed') });
  await visitor.open();
  await visitor.send('How long does shipping take?');
  await expect(visitor.log.getByText(/automated/i).first()).toBeVisible();
  await expect(visitor.log.getByText('Delivered', { exact: true })).toBeVisible();
  await visitor.page.screenshot({ path: shot('widget-bot') });

  // Then asks for a person and sees that they are queued, with a position.
  const marker = `handoff-${Date.now()}`;
  await visitor.send(`I want to talk to a real person please (${marker})`);
  await visitor.expectInLog(/next in line/i);
  await visitor.page.screenshot({ path: shot('widget-queued') });
  await expect(visitor.page.getByRole('status')).toContainText(/next in line/i);

  // The agent signs in and sees the conversation in the live queue.
  await agent.signIn();
  const card = agent.queueItem(marker);
  await expect(card).toBeVisible();
  await agent.page.screenshot({ path: shot('console-queue') });
  await card.click();
  // The package and the bot's decisions are on screen before the agent says a word.
  await expect(agent.page.getByRole('region', { name: 'Handoff package' })).toContainText('Visitor asked for a person');
  await expect(agent.page.getByText(/Bot escalated \(visitor_request\) · ESC1\.visitor_request/)).toBeVisible();
  await expect(agent.page.getByText(/Bot answered · RES1\.grounded · Shipping times and costs/)).toBeVisible();
  await agent.takeOver();

  // The visitor sees the agent join by name.
  await visitor.expectInLog(/Maria/);

  // Agent replies; the visitor sees it.
  await agent.reply('Hi, I am Maria. I can see your question about shipping.');
  await visitor.expectInLog('I can see your question about shipping');
  await agent.page.screenshot({ path: shot('console-conversation') });
  await visitor.page.screenshot({ path: shot('widget-agent-joined') });

  // Visitor replies; the agent sees it, and the visitor sees it was read.
  await visitor.send('Great, thanks Maria!');
  await expect(agent.log).toContainText('Great, thanks Maria!');
  await expect(visitor.log.getByText('Read', { exact: true })).toBeVisible();

  // Agent resolves; the visitor sees it resolved and rates it, once; the agent sees the rating.
  await agent.resolve();
  await visitor.expectInLog(/resolved/i);
  const rating = visitor.page.getByRole('group', { name: 'Rate this conversation' });
  await expect(rating).toBeVisible();
  await visitor.page.getByRole('textbox', { name: 'Add a comment (optional)' }).fill('Quick and friendly');
  await visitor.page.screenshot({ path: shot('widget-resolved-rating') });
  await rating.getByRole('button', { name: '5 out of 5' }).click();
  await expect(visitor.page.getByText('Thank you for your feedback!')).toBeVisible();
  await expect(rating).toHaveCount(0);
  await expect(agent.page.getByText('Visitor rated 5/5: “Quick and friendly”')).toBeVisible();

  await visitorContext.close();
  await agentContext.close();
});
