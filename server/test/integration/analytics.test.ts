// Handoff quality from stored facts over the real server, and closing the loop: a judged
// escalation exported as an eval case fails `pnpm eval:policy`'s replay on the flagged decision.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/bot/engine.js';
import { parseCases, replay } from '../../src/bot/eval.js';
import { refreshRollup } from '../../src/metrics/queries.js';
import { storeFactories } from '../helpers/db.js';
import { addAgent, agent, login, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

describe.each(storeFactories)('analytics on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  async function judgedConversation(verdict: string, extra: Record<string, unknown> = {}) {
    const v = await visitor(server.url);
    const first = await request(v.socket, 'message:send', { clientId: 'j1', body: 'How long does shipping take to Austria?' });
    await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    await request(v.socket, 'message:send', { clientId: 'j2', body: 'Can I talk to a real person please?' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const conversationId = first.message.conversationId;
    const a = await agent(server.url);
    await request(a.socket, 'conversation:claim', { conversationId });
    await request(a.socket, 'message:send', { conversationId, clientId: 'a1', body: 'Hi, Maria here.' });
    expect(await request(a.socket, 'conversation:verdict', { conversationId, verdict, ...extra })).toMatchObject({ ok: true });
    await request(a.socket, 'conversation:resolve', { conversationId, outcome: 'solved' });
    await request(v.socket, 'conversation:rate', { conversationId, rating: 5 });
    return { conversationId, v, a };
  }

  const get = async (path: string, token: string) => {
    const res = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('the report answers the seed questions from stored facts, and links each number to conversations', async () => {
    const { conversationId } = await judgedConversation('too_late');
    const admin = (await login(server.url)).body.token;
    const res = await get('/admin/metrics', admin);
    expect(res.status).toBe(200);
    const { report } = JSON.parse(res.text);
    expect(report.escalated.ids).toEqual([conversationId]);
    expect(report.verdicts.byVerdict.too_late.ids).toEqual([conversationId]);
    expect(report.verdicts.byTrigger).toEqual({ visitor_request: { too_late: 1 } });
    expect(report.helped.escalated).toMatchObject({ rated: 1, csatAverage: 5, resolutionRate: 1 });
    expect(report.timeToHuman.firstReplySeconds.n).toBe(1);
    expect(report.intents[0]).toMatchObject({ escalations: 1, triggers: { visitor_request: 1 } });
    // Filters and their validation.
    expect(JSON.parse((await get('/admin/metrics?trigger=high_value_intent', admin)).text).report.escalated.count).toBe(0);
    expect((await get('/admin/metrics?from=yesterday', admin)).status).toBe(400);
    expect((await get('/admin/metrics?from=2026-11-20&to=2026-11-01', admin)).status).toBe(400);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const tom = (await login(server.url, 'tom@demo.test', 'tom-password')).body.token;
    expect((await get('/admin/metrics', tom)).status).toBe(403);
  });

  it('closed conversations are summarized once (the rollup); a change after closing shows at once', async () => {
    const { conversationId, a } = await judgedConversation('too_late');
    const admin = (await login(server.url)).body.token;
    const range = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    expect((await server.store.metricSummariesBetween('site_demo', range.from, range.to, 10)).cached).toHaveLength(0);
    const first = JSON.parse((await get('/admin/metrics', admin)).text).report;
    // Derived from the log once, kept, and read back to the same report.
    const rollup = await server.store.metricSummariesBetween('site_demo', range.from, range.to, 10);
    expect(rollup.cached.map((c) => c.id)).toEqual([conversationId]);
    expect(rollup.missing).toHaveLength(0);
    expect(JSON.stringify(rollup.cached[0]!.data)).not.toContain(rollup.cached[0]!.visitorId); // anonymous
    expect(JSON.parse((await get('/admin/metrics', admin)).text).report).toEqual(first);
    expect(first.repetition.confirmed.count).toBe(0);
    // After closing, the agent marks that the customer had to repeat and changes the verdict.
    expect(await request(a.socket, 'conversation:repeated', { conversationId, repeated: true })).toMatchObject({ ok: true });
    expect(JSON.parse((await get('/admin/metrics', admin)).text).report.repetition.confirmed.ids).toEqual([conversationId]);
    expect(await request(a.socket, 'conversation:verdict', { conversationId, verdict: 'right' })).toMatchObject({ ok: true });
    const after = JSON.parse((await get('/admin/metrics', admin)).text).report;
    expect(after.verdicts.byVerdict.right.ids).toEqual([conversationId]);
    expect(after.verdicts.byVerdict.too_late.count).toBe(0);
  });

  it('the background refresh fills the rollup for recent conversations', async () => {
    const { conversationId } = await judgedConversation('right');
    const range = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    expect((await server.store.metricSummariesBetween('site_demo', range.from, range.to, 10)).cached).toHaveLength(0);
    const errors: string[] = [];
    expect(await refreshRollup(server.store, new Date(), (siteId) => errors.push(siteId))).toBe(1);
    expect(errors).toEqual([]);
    expect((await server.store.metricSummariesBetween('site_demo', range.from, range.to, 10)).cached.map((c) => c.id)).toEqual([conversationId]);
  });

  it('"too late" exported as a case: the replay escalates later than labelled and fails', async () => {
    const { conversationId } = await judgedConversation('too_late');
    const admin = (await login(server.url)).body.token;
    const res = await get(`/admin/eval-cases?conversationId=${conversationId}`, admin);
    expect(res.type).toContain('application/x-ndjson');
    const cases = parseCases(res.text);
    expect(cases).toEqual([expect.objectContaining({ escalateAt: 0, trigger: 'visitor_request', turns: ['How long does shipping take to Austria?', 'Can I talk to a real person please?'] })]);
    const result = await replay(loadEngine(resolve(import.meta.dirname, '../../sites/demo')), cases[0]!);
    expect(result).toMatchObject({ escalatedAt: 1, timing: 'too_late', pass: false });
  });

  it('"too early" and "wrong reason" exported; "right" is not a case; a range exports every judged one', async () => {
    const early = await judgedConversation('too_early');
    const admin = (await login(server.url)).body.token;
    const engine = loadEngine(resolve(import.meta.dirname, '../../sites/demo'));
    const earlyCase = parseCases((await get(`/admin/eval-cases?conversationId=${early.conversationId}`, admin)).text)[0]!;
    expect(earlyCase.escalateAt).toBeNull();
    expect(await replay(engine, earlyCase)).toMatchObject({ timing: 'too_early', pass: false });

    const wrong = await judgedConversation('wrong_reason', { correctTrigger: 'emotional_urgency' });
    const wrongCase = parseCases((await get(`/admin/eval-cases?conversationId=${wrong.conversationId}`, admin)).text)[0]!;
    expect(wrongCase).toMatchObject({ escalateAt: 1, trigger: 'emotional_urgency' });
    expect(await replay(engine, wrongCase)).toMatchObject({ timing: 'ok', triggerOk: false, pass: false });

    const right = await judgedConversation('right');
    const refused = await get(`/admin/eval-cases?conversationId=${right.conversationId}`, admin);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error.message).toMatch(/Only conversations judged/);
    const all = parseCases((await get('/admin/eval-cases', admin)).text);
    expect(all.map((c) => c.id).sort()).toEqual([`agent-too_early-${early.conversationId}`, `agent-wrong_reason-${wrong.conversationId}`].sort());
  });
});
