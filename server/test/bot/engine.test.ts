// The built-in engine with its real playbook, knowledge base, signals and actions.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Message } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../src/bot/actions.js';
import { type ActionOutcome, evaluate } from '../../src/core/policy/evaluate.js';
import { collectDetails, loadEngine } from '../../src/bot/engine.js';
import { ArticleError, loadArticles, parseArticle } from '../../src/bot/knowledge.js';
import { loadPlaybook, parsePlaybook, PlaybookError } from '../../src/bot/playbook.js';
import type { BotDecision } from '../../src/bot/provider.js';
import { SiteBots } from '../../src/bot/registry.js';
import { computeSignals, extractEntities } from '../../src/bot/signals.js';

const demoDir = resolve(import.meta.dirname, '../../sites/demo');
const at = new Date('2026-11-24T10:00:00Z');

async function converse(turns: string[], siteDir = demoDir) {
  const bot = loadEngine(siteDir);
  const history: Message[] = [];
  const decisions: BotDecision[] = [];
  let seq = 0;
  for (const text of turns) {
    history.push({ id: `m${++seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author: { kind: 'visitor' }, body: text, createdAt: at.toISOString() });
    const d = await bot.turn({ site: { id: 's', key: 'demo', name: 'Demo' }, conversationId: 'c', history: [...history], previousDecisions: [...decisions], now: at });
    decisions.push(d);
    history.push({ id: `m${++seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author: { kind: 'bot' }, body: d.reply, createdAt: at.toISOString() });
  }
  return decisions;
}

describe('built-in engine', () => {
  it('asks for the order number once, then the order\'s email, then looks the order up and answers', async () => {
    const [first, second, third] = await converse(['Where is my order?', 'A-10422', 'jane@example.com']);
    expect(first).toMatchObject({ mode: 'clarify', missing: 'orderNumber' });
    expect(second).toMatchObject({ mode: 'clarify', missing: 'email', rule: 'CLR1.missing.email' });
    expect(second!.reply).not.toContain('in transit');
    expect(third).toMatchObject({ mode: 'resolve', rule: 'RES2.action.order_lookup' });
    expect(third!.reply).toContain('in transit');
  });

  it('after a hand back the bot continues with the order number an agent found, never with an email an agent typed', async () => {
    const bot = loadEngine(demoDir);
    const m = (seq: number, author: Message['author'], body: string): Message => ({ id: `m${seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author, body, createdAt: at.toISOString() });
    const maria = { kind: 'agent', id: 'a1', name: 'Maria' } as const;
    const history = [
      m(1, { kind: 'visitor' }, 'I need a human'),
      m(2, maria, 'I found it: your order is A-10422. Is your email jane@example.com?'),
      m(3, { kind: 'system' }, "You're back with the assistant."),
      m(4, { kind: 'visitor' }, 'Where is my order?'),
    ];
    const d = await bot.turn({ site: { id: 's', key: 'demo', name: 'Demo' }, conversationId: 'c', history, previousDecisions: [], now: at });
    // Not asked again for the order number; the email that proves it is theirs must come from them.
    expect(d).toMatchObject({ mode: 'clarify', missing: 'email' });
    expect(d.reply).not.toContain('in transit');
  });

  it('[ESC9] a guessed order number reveals nothing: the email is asked for once, then a person checks', async () => {
    const [asked, gaveUp] = await converse(['Where is my refund for order A-10425?', "I don't remember which email I used"]);
    expect(asked).toMatchObject({ mode: 'clarify', missing: 'email', intent: 'refund_status' });
    expect(gaveUp).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC3.clarify_budget' });
    const [, wrong] = await converse(['Where is my refund for order A-10425?', 'It is mark@example.com']);
    expect(wrong).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC9.verification_failed' });
    for (const d of [asked, gaveUp, wrong]) expect(JSON.stringify(d)).not.toMatch(/refunded|49\.90/);
    const [, right] = await converse(['Where is my refund for order A-10425?', 'It is sam@example.com']);
    expect(right).toMatchObject({ mode: 'resolve', rule: 'RES2.action.order_lookup' });
    expect(right!.reply).toContain('€49.90');
  });

  it('[HP3] an email the visitor typed, masked by the playbook, appears nowhere in the decision or its package', async () => {
    const decisions = await converse([
      'Where is my order A-10422? My email is jane@example.com',
      'I want to talk to a human, call me on +49 170 1234567 or mail jane.private@gmail.com',
    ]);
    const d = decisions.at(-1)!;
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'visitor_request' });
    if (d.mode !== 'escalate') return;
    const all = JSON.stringify(d);
    for (const secret of ['jane@example.com', 'jane.private@gmail.com', '1234567']) expect(all).not.toContain(secret);
    expect(d.handoff.customerDetails.email).toBe('j***@gmail.com');
    expect(d.handoff.evidence.join(' ')).toContain('j***@gmail.com');
    expect(d.handoff.summary).toContain('j***@example.com');
    expect(d.handoff.summary).toContain('A-10422');
  });

  it('a failing order system hands over with what was attempted', async () => {
    const [d] = await converse(['Where is my order A-50000? My email is jane@example.com']);
    expect(d).toMatchObject({ mode: 'escalate', trigger: 'workflow_failure', rule: 'ESC8.action_error' });
    if (d?.mode === 'escalate') {
      expect(d.handoff.attempted).toContainEqual({ action: 'order_lookup', outcome: 'error: The order system did not answer.' });
      expect(d.handoff.customerDetails.orderNumber).toBe('A-50000');
    }
  });

  it('a mismatching email fails verification and never reveals the order', async () => {
    const [d] = await converse(['Where is order A-10422? My email is mark@example.com']);
    expect(d).toMatchObject({ mode: 'escalate', rule: 'ESC9.verification_failed' });
    expect(d!.reply).not.toContain('in transit');
    if (d?.mode === 'escalate') expect(d.handoff.customerDetails.email).toBe('m***@example.com');
  });

  it('the latest mention of a detail wins: A, B, A is A', () => {
    const playbook = loadPlaybook(join(demoDir, 'playbook.yaml'));
    const history = ['Order A-10422 please', 'no wait, A-10423', 'sorry, it was A-10422 after all'].map(
      (body, i): Message => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, clientId: `k${i}`, author: { kind: 'visitor' }, body, createdAt: at.toISOString() }),
    );
    const signals = computeSignals(history, playbook);
    expect(collectDetails(playbook, signals, history.map((m) => m.body).join('\n'))).toEqual({ details: { orderNumber: 'A-10422' }, conflicts: [] });
  });

  it('[ESC6] conflicting data is whatever the playbook calls an identity, not only email', () => {
    const base = parsePlaybook('p.yaml', readFileSync(join(demoDir, 'playbook.yaml'), 'utf8'));
    const playbook = { ...base, details: { ...base.details, phone: { ...base.details.phone!, identity: true } } };
    const history = ['call me on +49 170 1234567', 'or rather +49 151 7654321'].map(
      (body, i): Message => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, clientId: `k${i}`, author: { kind: 'visitor' }, body, createdAt: at.toISOString() }),
    );
    const text = history.map((m) => m.body).join('\n');
    expect(collectDetails(playbook, computeSignals(history, playbook), text).conflicts).toEqual(['phone']);
    expect(collectDetails(base, computeSignals(history, base), text).conflicts).toEqual([]); // phone is no identity in the demo
    const emails = ['I am jane@example.com', 'JANE@example.com', 'no: mark@example.com'].map(
      (body, i): Message => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, clientId: `k${i}`, author: { kind: 'visitor' }, body, createdAt: at.toISOString() }),
    );
    expect(collectDetails(base, computeSignals(emails.slice(0, 2), base), '').conflicts).toEqual([]);
    expect(collectDetails(base, computeSignals(emails, base), '').conflicts).toEqual(['email']);
  });

  it('finds entities: email, phone, order numbers, amounts, dates', () => {
    const e = extractEntities('Order a-10422 for €49.90 on 12 March; call +49 170 1234567 or mail Jane@Example.com');
    expect(e.orderNumber).toEqual(['A-10422']);
    expect(e.email).toEqual(['jane@example.com']);
    expect(e.phone?.[0]).toContain('1234567');
    expect(e.amount).toEqual(['€49.90']);
    expect(e.date).toContain('12 March');
  });
});

describe('playbook files', () => {
  it('[PB1] a bad playbook fails with the file, the path and the reason', () => {
    const good = readFileSync(join(demoDir, 'playbook.yaml'), 'utf8');
    const failure = (text: string) => {
      try {
        parsePlaybook('sites/demo/playbook.yaml', text);
      } catch (e) {
        expect(e).toBeInstanceOf(PlaybookError);
        return (e as Error).message;
      }
      throw new Error('accepted a broken playbook');
    };
    const badType = failure(good.replace('clarifyBudget: 1', 'clarifyBudget: lots'));
    expect(badType).toContain('sites/demo/playbook.yaml');
    expect(badType).toMatch(/clarifyBudget: .*expected number/);
    expect(failure(good.replace('needs: [orderNumber]', 'needs: [orderNumbr]'))).toMatch(/intents\.order_status\.needs: unknown detail "orderNumbr"/);
    expect(failure(good.replace('action: order_lookup', 'action: order_lookupp'))).toMatch(/unknown action "order_lookupp"/);
    // An action slower than a bot turn may take would end in a handoff without context.
    expect(failure(good.replace('url: builtin:orders', 'url: builtin:orders\n    timeoutMs: 30000'))).toMatch(/actions\.order_lookup\.timeoutMs: .*8000/);
    // A typo in a verification detail would silently verify nothing: it fails loading instead.
    const typo = failure(good.replace('verify: [email]     # the order', 'verify: [emial]     # the order'));
    expect(typo).toContain('sites/demo/playbook.yaml');
    expect(typo).toMatch(/intents\.order_status\.verify\.0: unknown detail "emial"/);
    expect(failure(good.replace('verify: [email]     # every', 'verify: [mail]     # every'))).toMatch(/actions\.order_lookup\.verify\.0: unknown detail "mail"/);
    expect(failure(good.replace('  shipping_info:\n', '  shipping_info:\n    verify: [email]\n'))).toMatch(/intents\.shipping_info\.verify: verification needs an action/);
    expect(() => parsePlaybook('x.yaml', 'version: [1')).toThrow(/x\.yaml[\s\S]*not valid YAML/);
    expect(loadPlaybook(join(demoDir, 'playbook.yaml')).site).toBe('Demo Shop');
  });

  it('[PB3] a knowledge-base article with bad front matter fails with its file name and the reason', () => {
    const kb = mkdtempSync(join(tmpdir(), 'baton-kb-'));
    writeFileSync(join(kb, 'good.md'), '---\ntitle: Good\nkeywords: a, b\n---\nBody.');
    expect(loadArticles(kb)).toEqual([{ id: 'good', title: 'Good', keywords: 'a, b', body: 'Body.' }]);
    writeFileSync(join(kb, 'shipping.md'), '---\ntitle: [Shipping\n---\nBody.');
    expect(() => loadArticles(kb)).toThrow(ArticleError);
    expect(() => loadArticles(kb)).toThrow(/shipping\.md: front matter is not valid YAML/);
    expect(() => parseArticle('x', '---\ntitle: 42\n---\nBody.')).toThrow(/x\.md: front matter title must be text/);
    expect(() => parseArticle('y', '---\n- a list\n---\nBody.')).toThrow(/y\.md: front matter must be a mapping/);
  });

  it('[PB2] a site is matched to its directory once, and again after a reload', () => {
    const sites = mkdtempSync(join(tmpdir(), 'baton-sites-'));
    cpSync(demoDir, join(sites, 'shop'), { recursive: true });
    const registry = new SiteBots(sites, 'shop');
    const fallback = registry.get('newshop');
    expect(fallback).toBe(registry.get('shop'));
    cpSync(demoDir, join(sites, 'newshop'), { recursive: true });
    expect(registry.get('newshop')).toBe(fallback); // no file check per message
    registry.reloadAll();
    expect(registry.get('newshop')).not.toBe(registry.get('shop'));
  });

  it('[PB2] reloading a broken playbook keeps the last good one in service', async () => {
    const sites = mkdtempSync(join(tmpdir(), 'baton-sites-'));
    cpSync(demoDir, join(sites, 'shop'), { recursive: true });
    const registry = new SiteBots(sites, 'shop');
    const before = registry.get('shop');
    writeFileSync(join(sites, 'shop', 'playbook.yaml'), 'version: 2\n');
    const result = registry.reload('shop');
    expect(result.ok).toBe(false);
    expect(registry.get('shop')).toBe(before);
    const text = readFileSync(join(demoDir, 'playbook.yaml'), 'utf8').replace('Demo Shop', 'Other Shop');
    writeFileSync(join(sites, 'shop', 'playbook.yaml'), text);
    expect(registry.reload('shop')).toEqual({ ok: true });
    expect(registry.get('shop')).not.toBe(before);
  });
});

describe('HTTP actions against a real local server', () => {
  const asked: string[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      asked.push(url);
      if (url.startsWith('/orders/A-2')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'shipped', detail: 'Soon.' }));
      if (url.startsWith('/orders/A-1')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'shipped', detail: 'Soon.', email: 'a@x.test' }));
      if (url.startsWith('/orders/A-404')) return res.writeHead(404).end();
      if (url.startsWith('/orders/A-500')) return res.writeHead(500).end('boom');
      if (url.startsWith('/orders/A-slow')) return setTimeout(() => res.writeHead(200).end('{}'), 1000);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const action = (over = {}) => ({ url: `${base}/orders/{orderNumber}`, method: 'GET' as const, timeoutMs: 5000, verify: ['email'], reply: '{orderNumber} is {status}', notFound: 'No {orderNumber}', ...over });

  it('fills the reply from the result, reports not found, errors, timeouts and non-JSON answers', async () => {
    expect(await runAction('lookup', action(), { orderNumber: 'A-1', email: 'A@x.test' }, demoDir)).toEqual({ name: 'lookup', status: 'ok', reply: 'A-1 is shipped' });
    expect(await runAction('lookup', action({ verify: [] }), { orderNumber: 'A-404' }, demoDir)).toEqual({ name: 'lookup', status: 'not_found', reply: 'No A-404' });
    const given = { email: 'a@x.test' };
    expect(await runAction('lookup', action(), { orderNumber: 'A-500', ...given }, demoDir)).toEqual({ name: 'lookup', status: 'error', error: 'HTTP 500' });
    // Only the slow one gets a short deadline: a loaded machine may take 300 ms to answer at all.
    expect(await runAction('lookup', action({ timeoutMs: 300 }), { orderNumber: 'A-slow', ...given }, demoDir)).toEqual({ name: 'lookup', status: 'error', error: 'timed out after 300 ms' });
    expect((await runAction('lookup', action(), { orderNumber: 'html', ...given }, demoDir)).status).toBe('error');
    expect(await runAction('lookup', action(), { orderNumber: 'A-1', email: 'b@x.test' }, demoDir)).toEqual({ name: 'lookup', status: 'verification_failed', field: 'email', why: 'mismatch' });
  });

  it('verification comes first: an order number alone is not looked up, and one that does not exist fails like one that does not match', async () => {
    asked.length = 0;
    expect(await runAction('lookup', action(), { orderNumber: 'A-404' }, demoDir)).toEqual({ name: 'lookup', status: 'verification_failed', field: 'email', why: 'not_given' });
    expect(asked).toEqual([]);
    const missing = await runAction('lookup', action(), { orderNumber: 'A-404', email: 'a@x.test' }, demoDir);
    const wrong = await runAction('lookup', action(), { orderNumber: 'A-1', email: 'b@x.test' }, demoDir);
    expect(missing).toMatchObject({ status: 'verification_failed', field: 'email' });
    // What the visitor is told is the same for both (only the agent's evidence says which).
    const engine = loadEngine(demoDir);
    const body = 'Where is my order A-10422? My email is jane@example.com';
    const prepared = engine.prepare({ site: { id: 's', key: 'demo', name: 'Demo' }, conversationId: 'c', history: [{ id: 'm1', conversationId: 'c', seq: 1, clientId: 'k1', author: { kind: 'visitor' }, body, createdAt: at.toISOString() }], previousDecisions: [], now: at });
    const told = (outcome: ActionOutcome) => {
      const d = evaluate({ ...prepared, action: { ...outcome, name: 'order_lookup' } });
      return d.mode === 'escalate' ? { mode: d.mode, trigger: d.trigger, rule: d.rule, riskFlags: d.riskFlags, status: d.handoff.status } : d;
    };
    expect(told(missing)).toMatchObject({ mode: 'escalate', rule: 'ESC9.verification_failed' });
    expect(told(missing)).toEqual(told(wrong));
  });

  it('verification fails closed: a detail not given, or a record without the field, never shows the record', async () => {
    expect(await runAction('lookup', action(), { orderNumber: 'A-1' }, demoDir)).toEqual({ name: 'lookup', status: 'verification_failed', field: 'email', why: 'not_given' });
    expect(await runAction('lookup', action(), { orderNumber: 'A-2', email: 'a@x.test' }, demoDir)).toEqual({ name: 'lookup', status: 'verification_failed', field: 'email', why: 'not_on_record' });
    expect(await runAction('lookup', action({ verify: [] }), { orderNumber: 'A-2' }, demoDir, ['email'])).toMatchObject({ status: 'verification_failed', why: 'not_given' });
  });
});
