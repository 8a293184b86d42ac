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
  const marker = `handoff-${Date.now().toString(36)}`;
  await visitor.send(`I want to talk to a real person please (${marker})`);
  await visitor.expectInLog(/next in line|number \d+ in line/i);
  // Nobody is online yet: said plainly, with the reply-later choice.
  await expect(visitor.page.getByRole('status')).toContainText(/No one from our team is online/);
  await expect(visitor.page.getByRole('button', { name: 'Reply later' })).toBeVisible();

  // The agent signs in and sees the conversation in the live queue; the visitor's status moves live.
  await agent.signIn();
  await expect(visitor.page.getByRole('status')).toContainText(/next in line|number \d+ in line/i);
  await expect(visitor.page.getByRole('button', { name: 'Reply later' })).toHaveCount(0);
  await visitor.page.screenshot({ path: shot('widget-queued') });
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

  // A canned response: "/" and its shortcut, picked from the list, then sent.
  const composer = agent.page.getByRole('textbox', { name: 'Reply' });
  await composer.fill('/che');
  await agent.page.getByRole('list', { name: 'Canned responses' }).getByRole('button').first().click();
  await expect(composer).toHaveValue('Thanks — give me a minute to check that for you.');
  await agent.page.getByRole('button', { name: 'Send', exact: true }).click();
  await visitor.expectInLog('give me a minute to check');

  // Agent replies; the visitor sees it.
  await agent.reply('Hi, I am Maria. I can see your question about shipping.');
  await visitor.expectInLog('I can see your question about shipping');
  await agent.page.screenshot({ path: shot('console-conversation') });
  await visitor.page.screenshot({ path: shot('widget-agent-joined') });

  // Visitor replies; the agent sees it, and the visitor sees it was read.
  await visitor.send('Great, thanks Maria!');
  await expect(agent.log).toContainText('Great, thanks Maria!');
  await expect(visitor.log.getByText('Read', { exact: true })).toBeVisible();

  // An internal note stays with the agents; the verdict on the escalation is one click.
  const notes = agent.page.getByRole('region', { name: 'Internal notes' });
  await notes.getByRole('textbox', { name: 'Internal note' }).fill('VIP customer, internal only');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes).toContainText('VIP customer, internal only');
  await agent.page.getByRole('group', { name: 'Was this escalation right?' }).getByRole('button', { name: 'Right call' }).click();
  await expect(agent.page.getByRole('button', { name: 'Right call' })).toHaveAttribute('aria-pressed', 'true');
  // The visitor panel shows where the visitor is.
  await expect(agent.page.getByRole('complementary', { name: 'Visitor' })).toContainText('127.0.0.1');

  // Hand back: the bot answers the next question; the visitor asks for a person again.
  await agent.handBack();
  await visitor.expectInLog(/back with the assistant/i);
  await visitor.send('How do I return an item?');
  await visitor.expectInLog(/30 days/);
  await visitor.send(`I want to talk to a real person again please (${marker}-again)`);
  await expect(visitor.page.getByRole('status')).toContainText(/next in line|number \d+ in line/i);
  await agent.takeOver();
  await visitor.expectInLog(/Maria/);
  await expect(visitor.log).not.toContainText('VIP customer');

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
