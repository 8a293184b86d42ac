// "… is typing" in both directions never outlives the typing: the agent's reaches the widget,
// throttled, and stops when the agent clears the draft, pauses, or hands the conversation back;
// the console shows the visitor's and lets it expire on its own when no "stopped" comes.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('typing shows on the other side and disappears when the typing stops', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agentPage = await contexts[1]!.newPage();
  const agent = new AgentConsole(agentPage);
  const marker = `typing-${Date.now().toString(36)}`;

  // What the console tells the server, to count the "typing" signals it sends.
  const typingSent: boolean[] = [];
  agentPage.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = /^42\/agent,\d*\["typing:set",\{.*"typing":(true|false)/.exec(String(payload));
      if (m) typingSent.push(m[1] === 'true');
    }),
  );

  await visitor.askForAPerson(marker);
  await agent.signIn();
  await agent.takeOverFrom(marker);
  await visitor.expectInLog(/Maria/);

  // The agent types: the widget shows it, from a signal every few seconds, not one per key.
  const agentTyping = visitor.page.getByText('Maria is typing…');
  const reply = agentPage.getByRole('textbox', { name: 'Reply' });
  const started = Date.now();
  await reply.pressSequentially('Let me check that', { delay: 40 });
  await expect(agentTyping).toBeVisible();
  // 17 keys; the console refreshes "typing" every 2 s (TYPING_REFRESH_MS), and a loaded machine may
  // take longer than that to type them.
  expect(typingSent.filter(Boolean).length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 2000));

  // Clearing the draft says "stopped" at once (well before the idle timeout).
  await reply.fill('');
  await expect(agentTyping).toBeHidden({ timeout: 2500 });

  // A pause says it too: sooner than the widget's own expiry of an unrefreshed "typing" (6 s).
  await reply.pressSequentially('One moment', { delay: 40 });
  await expect(agentTyping).toBeVisible();
  await expect(agentTyping).toBeHidden({ timeout: 4500 });

  // And handing back, with words still in the draft.
  await reply.pressSequentially('Actually', { delay: 40 });
  await expect(agentTyping).toBeVisible();
  await agent.handBack();
  await visitor.expectInLog(/back with the assistant/i);
  await expect(agentTyping).toBeHidden({ timeout: 2500 });

  // The visitor types and closes the tab mid-sentence, so no "stopped" ever comes: the console's
  // "Visitor is typing…" still goes away by itself.
  const visitorTyping = agentPage.getByText('Visitor is typing…');
  await visitor.textbox.pressSequentially('Where is my parcel', { delay: 30 });
  await expect(visitorTyping).toBeVisible();
  await visitor.page.close();
  const closedAt = Date.now();
  await expect(visitorTyping).toBeHidden({ timeout: 10_000 });
  expect(Date.now() - closedAt).toBeGreaterThan(2000);
  await Promise.all(contexts.map((c) => c.close()));
});
