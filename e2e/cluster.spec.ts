// [E2E-cluster] Two Baton nodes on PostgreSQL + Redis behind Debian's nginx, with real Chromium:
// the visitor's widget goes through the load balancer to one node, the agent's console is on the
// other. The whole handoff works across them; then the visitor's node is killed with SIGKILL
// mid-conversation, and the widget carries on through nginx on the surviving node with nothing
// lost and nothing shown twice.
import { expect, test } from '@playwright/test';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../server/test/helpers/cluster.js';
import { type LoadBalancer, servedBy, startNginx } from '../server/test/helpers/nginx.js';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test.describe('two nodes behind nginx, in the browser', () => {
  let nodes: Node[] = [];
  let balancer: LoadBalancer;
  let cluster: Awaited<ReturnType<typeof clusterDatabase>>;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    cluster = await clusterDatabase('e2e');
    nodes = [startNode(await freePort(), cluster.env), startNode(await freePort(), cluster.env)];
    await Promise.all(nodes.map((n) => ready(n, 60_000)));
    balancer = await startNginx(nodes.map((n) => n.port));
  });

  test.afterAll(async () => {
    balancer?.stop();
    await cluster?.drop(nodes);
  });

  test('visitor through nginx, agent on the other node; the visitor node dies and the chat goes on', async ({ browser }) => {
    test.setTimeout(120_000);
    const pid = await servedBy(balancer);
    const visitorNode = nodes.find((n) => n.child.pid === pid)!;
    const agentNode = nodes.find((n) => n !== visitorNode)!;
    expect(visitorNode).toBeTruthy();

    const visitor = new VisitorWidget(await (await browser.newContext()).newPage());
    const agent = new AgentConsole(await (await browser.newContext()).newPage());
    await visitor.goto(`${balancer.url}/`);
    await visitor.open();
    const marker = `cluster-${Date.now().toString(36)}`;
    await visitor.send(`I want to talk to a real person please (${marker})`);
    await visitor.expectInLog(/next in line|number \d+ in line|No one from our team is online/i);

    // The agent, on the other node, sees the queued visitor live and takes over.
    await agent.signIn(undefined, undefined, agentNode.url);
    const card = agent.queueItem(marker);
    await expect(card).toBeVisible({ timeout: 20_000 });
    await card.click();
    await expect(agent.page.getByRole('region', { name: 'Handoff package' })).toContainText('Visitor asked for a person');
    await agent.takeOver();
    await visitor.expectInLog(/Maria/);
    await agent.reply('Hello, Maria here. What can I do?');
    await visitor.expectInLog('Maria here');
    await visitor.send('My parcel never arrived.');
    await expect(agent.log).toContainText('My parcel never arrived.');

    // The visitor's node dies without a word; the agent keeps writing meanwhile.
    visitorNode.child.kill('SIGKILL');
    await new Promise((r) => (visitorNode.child.exitCode !== null ? r(null) : visitorNode.child.once('exit', r)));
    await agent.reply('While your server was down: I am checking the tracking now.');

    // The widget reconnects through nginx (now to the surviving node) and resumes: the message
    // written while it was away appears, and the conversation goes on with the same agent.
    await visitor.expectInLog('While your server was down', { timeout: 30_000 });
    expect(await servedBy(balancer)).toBe(agentNode.child.pid);
    await visitor.send('Thank you, I will wait.');
    await expect(agent.log).toContainText('Thank you, I will wait.');

    // Nothing lost, nothing twice, in order, on both sides.
    const said = [
      `I want to talk to a real person please (${marker})`,
      'Hello, Maria here. What can I do?',
      'My parcel never arrived.',
      'While your server was down: I am checking the tracking now.',
      'Thank you, I will wait.',
    ];
    for (const log of [visitor.log, agent.log]) {
      const bodies = (await log.locator('.bt-body').allInnerTexts()).map((t) => t.trim()).filter((t) => said.includes(t));
      expect(bodies).toEqual(said);
    }
    // The widget says it is connected again.
    await expect(visitor.page.getByRole('status')).not.toContainText('Reconnecting');
    // Nobody saw the conversation leave the agent: it is still theirs.
    await expect(agent.page.getByRole('textbox', { name: 'Reply' })).toBeEnabled();
  });
});
