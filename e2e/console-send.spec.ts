// A reply goes out once: a second Send while the first is on its way does nothing, and when the
// server's answer is lost the console gives up waiting and lets the agent retry with the same
// client id, which the server stores once.
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('a reply whose acknowledgement is lost reaches the visitor once, however often the agent presses Send', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const visitor = new VisitorWidget(await contexts[0]!.newPage());
  const agentPage = await contexts[1]!.newPage();
  const agent = new AgentConsole(agentPage);
  // Letters too: a long run of digits would be masked as a phone number.
  const marker = `send-${Date.now().toString(36)}`;

  // The agent's socket runs through a relay that loses the server's answer to the first reply.
  let upgraded = false;
  let dropAckFor: string | null = null;
  let dropped = 0;
  await agentPage.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      const text = String(frame);
      if (text === '5') upgraded = true;
      const send = /^42\/agent,(\d+)\["message:send"/.exec(text);
      if (send && dropped === 0 && dropAckFor === null) dropAckFor = send[1]!;
      server.send(frame);
    });
    server.onMessage((frame) => {
      const text = String(frame);
      if (dropAckFor !== null && text.startsWith(`43/agent,${dropAckFor}[`)) {
        dropAckFor = null;
        dropped++;
        return;
      }
      ws.send(frame);
    });
  });

  await visitor.askForAPerson(marker);
  await agent.signIn();
  await agent.takeOverFrom(marker);
  await visitor.expectInLog(/Maria/);
  await expect.poll(() => upgraded).toBe(true);

  const reply = agentPage.getByRole('textbox', { name: 'Reply' });
  const send = agentPage.getByRole('button', { name: 'Send', exact: true });
  const text = `Your parcel left the warehouse today (${marker})`;
  await reply.fill(text);
  await send.click();
  // On its way: Send is off and Ctrl+Enter does nothing.
  await expect(send).toBeDisabled();
  await reply.press('Control+Enter');
  // The server stored it (the visitor has it) but its answer was lost: the console stops waiting.
  await visitor.expectInLog(text);
  await expect(agentPage.getByRole('alert')).toContainText('not confirmed', { timeout: 15_000 });
  expect(dropped).toBe(1);
  await expect(reply).toHaveValue(text);

  // The retry carries the same client id: acknowledged now, and still one message.
  await send.click();
  await expect(reply).toHaveValue('');
  await expect(agentPage.getByRole('alert')).toHaveCount(0);
  await agent.reply(`Anything else? (${marker})`);
  await visitor.expectInLog(`Anything else? (${marker})`);
  await expect(visitor.log.getByText(text)).toHaveCount(1);
  await expect(agent.log.getByText(text)).toHaveCount(1);
  await Promise.all(contexts.map((c) => c.close()));
});
