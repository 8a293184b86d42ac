// [E2E5] Honest waiting: a visitor sees their place in line and the estimate change live.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('the second visitor moves up live when an agent takes the conversation ahead', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const [first, second] = await Promise.all(contexts.slice(0, 2).map(async (c) => new VisitorWidget(await c.newPage())));
  const agent = new AgentConsole(await contexts[2]!.newPage());
  const marker = `queue-${Date.now().toString(36)}`;

  // Nobody online yet: said plainly, with the promise to reply in the same chat.
  await first!.goto();
  await first!.open();
  await first!.send(`I need a human (${marker}-a)`);
  await expect(first!.page.getByRole('status')).toContainText(/No one from our team is online right now/);

  await agent.signIn();
  // Earlier tests may have left people waiting: positions are checked relative to the first visitor's.
  const position = async (w: VisitorWidget) => {
    const status = w.page.getByRole('status');
    await expect(status).toContainText(/next in line|number \d+ in line/);
    const text = (await status.textContent()) ?? '';
    return /next in line/.test(text) ? 1 : Number(/number (\d+) in line/.exec(text)![1]);
  };
  await second!.goto();
  await second!.open();
  await second!.send(`Can I talk to a person? (${marker}-b)`);
  // Right behind the first visitor (a late escalation from an earlier test may move both).
  await expect.poll(async () => (await position(second!)) - (await position(first!))).toBe(1);
  const place = await position(second!);

  await agent.takeOverFrom(`${marker}-a`);
  await expect(second!.page.getByRole('status')).toContainText(place === 2 ? 'next in line' : `number ${place - 1} in line`);
  await Promise.all(contexts.map((c) => c.close()));
});

test('nobody online: the visitor chooses a reply later with an email and is told plainly what happens', async ({ browser }) => {
  const context = await browser.newContext();
  const visitor = new VisitorWidget(await context.newPage());
  await visitor.goto();
  await visitor.open();
  await visitor.send(`I need a human (later-${Date.now().toString(36)})`);
  await visitor.expectInLog(/No one from our team is online right now/);
  await visitor.page.getByRole('textbox', { name: 'Email (optional)' }).fill('not-an-email');
  await visitor.page.getByRole('button', { name: 'Reply later' }).click();
  await expect(visitor.page.getByRole('alert')).toContainText(/valid email/);
  await visitor.page.getByRole('textbox', { name: 'Email (optional)' }).fill('ada@example.com');
  await visitor.page.getByRole('button', { name: 'Reply later' }).click();
  await expect(visitor.page.getByRole('status')).toContainText("We'll reply here and email ada@example.com");
  await visitor.expectInLog(/send a copy to/);
  await expect(visitor.page.getByRole('button', { name: 'Reply later' })).toHaveCount(0);
  await context.close();
});

test('a queue card shows why the bot stopped, on what evidence, the permitted details and what it tried', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agent = new AgentConsole(await contexts[1]!.newPage());
  await visitor.goto();
  await visitor.open();
  await visitor.send('Where is my order A-10422?');
  await visitor.expectInLog(/Which email address/);
  // Not the order's email: the bot may not show the order and hands over.
  const email = `card-${Date.now().toString(36)}@example.com`;
  await visitor.send(email);
  await expect(visitor.page.getByRole('status')).toContainText(/No one from our team is online|next in line|number \d+ in line/);

  await agent.signIn();
  const card = agent.queueItem('A-10422').filter({ hasText: 'Verification failed' }).last();
  await expect(card).toContainText('Workflow failure');
  await expect(card).toContainText('Verification failed: the email does not match the record. — email mismatch');
  await expect(card).toContainText('orderNumber: A-10422');
  await expect(card).toContainText(/Tried: .*order_lookup: verification failed \(email\)/);
  // Permitted details only, masked as the site asks: the email the visitor gave is not on the card.
  await expect(card).not.toContainText(email);
  await Promise.all(contexts.map((c) => c.close()));
});
