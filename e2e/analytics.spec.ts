// [E2E6] Handoff quality closes the loop: a rating and a "too late" verdict show on the analytics
// page, the numbers follow the filters, every number opens the conversations behind it, and the
// judged escalation exports as a case that `pnpm eval:policy` runs and fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { VisitorWidget } from './pages/widget.js';

test('a rating and a "too late" verdict reach the analytics page, filtered and linked to their conversations; the export is an eval case that fails', async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const agentContext = await browser.newContext();
  const botOnlyContext = await browser.newContext();
  const visitor = new VisitorWidget(await visitorContext.newPage());
  const agent = new AgentConsole(await agentContext.newPage());
  const marker = `analytics-${Date.now().toString(36)}`;

  // A conversation the bot answers alone: in the unfiltered numbers, not under a filter.
  const botOnly = new VisitorWidget(await botOnlyContext.newPage());
  await botOnly.goto();
  await botOnly.open();
  await botOnly.send('How long does shipping take to Austria?');
  await botOnly.expectInLog(/working days/);

  await agent.signIn();
  await visitor.goto();
  await visitor.open();
  await visitor.send('How long does shipping take to Austria?');
  await visitor.expectInLog(/working days/);
  await visitor.send(`I want to talk to a real person please (${marker})`);
  await agent.queueItem(marker).click();
  await agent.takeOver();
  await visitor.expectInLog(/Maria/);
  const conversationId = await visitor.page.evaluate(() => JSON.parse(localStorage.getItem('baton:demo') ?? '{}').conversationId as string);
  expect(conversationId).toBeTruthy();

  await agent.page.getByRole('group', { name: 'Was this escalation right?' }).getByRole('button', { name: 'Too late' }).click();
  await expect(agent.page.getByRole('button', { name: 'Too late' })).toHaveAttribute('aria-pressed', 'true');
  await agent.page.getByRole('checkbox', { name: 'Customer had to repeat' }).check();
  await expect(agent.page.getByRole('checkbox', { name: 'Customer had to repeat' })).toBeChecked();
  // Earlier tests may have rated escalations too: the count is checked against the one before.
  const metricsBefore = await (await agent.page.request.get('/api/admin/metrics')).json();
  const before: number = metricsBefore.report.helped.byTrigger.visitor_request?.rated.count ?? 0;
  await agent.resolve();
  await visitor.page.getByRole('group', { name: 'Rate this conversation' }).getByRole('button', { name: '4 out of 5' }).click();
  await expect(visitor.page.getByText('Thank you for your feedback!')).toBeVisible();

  // The analytics page: the verdict under timing verdicts, the rating in "did escalation help".
  await agent.page.getByRole('button', { name: 'Analytics', exact: true }).click();
  const verdicts = agent.page.getByRole('table', { name: 'Timing verdicts by trigger' });
  await expect(verdicts.getByRole('row', { name: /visitor request/ })).toBeVisible();
  await verdicts.getByRole('row', { name: /^All/ }).getByRole('button').nth(2).click();
  await expect(agent.page.getByRole('region', { name: 'Too late' })).toContainText(conversationId);
  const helped = agent.page.getByRole('table', { name: 'Did escalation help?' });
  await expect(helped.getByRole('row', { name: /visitor request/ }).getByRole('cell').nth(2)).toContainText(`(${before + 1} rated)`);
  // The trend per day: drawn by the chart library (loaded on demand), the same numbers in a table.
  await expect(agent.page.locator('.trend-chart canvas')).toBeVisible();
  const trend = agent.page.getByRole('table', { name: 'Conversations, escalations and CSAT per day' });
  const today = trend.getByRole('row', { name: new RegExp(new Date().toISOString().slice(0, 10)) });
  await expect(today).toBeAttached();
  expect(Number(await today.getByRole('cell').nth(1).textContent())).toBeGreaterThanOrEqual(1); // escalated today

  // Filters: a trigger narrows every number to escalations with that trigger; the page says so.
  const page = agent.page;
  const botOnlyRow = () => helped.getByRole('row', { name: /^Bot only/ });
  expect(Number(await botOnlyRow().getByRole('cell').nth(1).textContent())).toBeGreaterThanOrEqual(1);
  const escalatedCard = page.getByRole('button', { name: /^\d+ escalated of \d+$/ });
  const escalatedBefore = Number(await escalatedCard.textContent());
  const trigger = page.getByRole('combobox', { name: 'Trigger' });
  await expect(trigger.getByRole('option', { name: 'visitor request' })).toBeAttached();
  await trigger.selectOption('visitor_request');
  await expect(page.getByText('Filtered to escalated conversations')).toBeVisible();
  await expect(botOnlyRow().getByRole('cell').nth(1)).toHaveText('0');
  const filtered = (await (await page.request.get('/api/admin/metrics?trigger=visitor_request')).json()).report;
  await expect(escalatedCard).toHaveText(String(filtered.escalated.count));
  expect(filtered.escalated.count).toBeLessThanOrEqual(escalatedBefore);
  await expect(page.getByRole('table', { name: 'Timing verdicts by trigger' }).getByRole('row')).toHaveCount(3); // header, visitor request, All
  // The other lists keep every value of the range.
  await expect(page.getByRole('combobox', { name: 'Team' }).getByRole('option')).toHaveCount(1 + filtered.options.teams.length);

  // Every number opens the conversations behind it: a verdict by intent...
  const intent = Object.entries(filtered.verdicts.byIntent as Record<string, Record<string, { ids: string[] }>>).find(([, cells]) => cells.too_late?.ids.includes(conversationId))![0];
  const byIntent = page.getByRole('table', { name: 'Timing verdicts by intent' });
  await byIntent.getByRole('row', { name: new RegExp(`^${intent.replace(/_/g, ' ')}`) }).getByRole('button').nth(2).click();
  await expect(page.getByRole('region', { name: `Too late: ${intent.replace(/_/g, ' ')}` })).toContainText(conversationId);
  // ...the time to claim...
  await page.getByRole('button', { name: /^p50 .*, time to claim$/ }).click();
  const claims = page.getByRole('region', { name: 'Time to claim' });
  await expect(claims).toContainText(conversationId);
  await expect(claims.getByRole('heading')).toHaveText(`Time to claim (${filtered.timeToHuman.claimSeconds.n})`);
  await expect(claims.getByRole('heading')).toBeFocused();
  // ...by team...
  const team = Object.entries(filtered.timeToHuman.byTeam as Record<string, { claimSeconds: { ids: string[] } }>).find(([, t]) => t.claimSeconds.ids.includes(conversationId))![0];
  const teamName = team === 'none' ? 'no team' : team.replace(/_/g, ' ');
  const teamRow = page.getByRole('table', { name: 'Time to human by team' }).getByRole('row', { name: new RegExp(`^${teamName}`) });
  await teamRow.getByRole('cell').nth(2).getByRole('button').click();
  await expect(page.getByRole('region', { name: `Time to claim, ${teamName}` })).toContainText(conversationId);
  // ...and the day's escalations in the per-day table.
  await page.getByRole('button', { name: new RegExp(`^\\d+ escalated on ${new Date().toISOString().slice(0, 10)}$`) }).click();
  const day = page.getByRole('region', { name: `Escalated on ${new Date().toISOString().slice(0, 10)}` });
  await expect(day).toContainText(conversationId);
  // The page, filtered and with a list open, has no serious or critical axe violations.
  const axe = await new AxeBuilder({ page }).include('.analytics').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  // Each one opens the conversation.
  // Listed with what it was (when, intent, trigger, status, verdict), not only its id.
  const item = day.getByRole('listitem').filter({ hasText: conversationId });
  await expect(item.getByRole('button')).toContainText(/judged too late/);
  await item.getByRole('button').click();
  await expect(page.getByRole('button', { name: 'Conversations' })).toHaveAttribute('aria-pressed', 'true');
  await expect(agent.log).toContainText(marker);

  // The export runs through pnpm eval:policy and fails on the flagged decision.
  const res = await agent.page.request.get(`/api/admin/eval-cases?conversationId=${conversationId}`);
  expect(res.status()).toBe(200);
  const file = join(mkdtempSync(join(tmpdir(), 'baton-eval-')), 'case.jsonl');
  writeFileSync(file, await res.text());
  const out = execFileSync('node', ['--import', 'tsx', 'server/scripts/eval-policy.ts', '--site', 'server/sites/demo', file], { encoding: 'utf8' });
  const result = JSON.parse(out.split('\n')[0]!);
  expect(result).toMatchObject({ timing: 'too_late', pass: false });

  // The operations endpoint moved too.
  const metrics = await (await agent.page.request.get('/metrics')).text();
  expect(metrics).toMatch(/baton_escalations_total\{trigger="visitor_request"\} [1-9]/);

  await visitorContext.close();
  await agentContext.close();
  await botOnlyContext.close();
});
