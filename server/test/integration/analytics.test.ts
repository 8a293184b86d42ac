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
    expect(report.verdicts.byTrigger).toEqual({ visitor_request: { too_late: { count: 1, ids: [conversationId] } } });
    expect(report.verdicts.byIntent).toEqual({ [report.intents[0].intent]: { too_late: { count: 1, ids: [conversationId] } } });
    expect(report.helped.escalated).toMatchObject({ rated: { count: 1, ids: [conversationId] }, csatAverage: 5, resolved: { count: 1, ids: [conversationId] }, resolutionRate: 1 });
    expect(report.timeToHuman.firstReplySeconds).toMatchObject({ n: 1, ids: [conversationId] });
    expect(report.timeToHuman.claimSeconds).toMatchObject({ n: 1, ids: [conversationId] });
    expect(report.timeToHuman.byTeam.none.claimSeconds.ids).toEqual([conversationId]);
    expect(report.repetition.withoutRepetition.ids).toEqual([conversationId]);
    expect(report.intents[0]).toMatchObject({ escalations: 1, triggers: { visitor_request: { count: 1, ids: [conversationId] } } });
    expect(report.daily).toEqual([expect.objectContaining({ conversations: { count: 1, ids: [conversationId] }, escalated: { count: 1, ids: [conversationId] } })]);
    expect(report.options).toEqual({ teams: ['none'], intents: [report.intents[0].intent], triggers: ['visitor_request'] });
    // Filters and their validation; the options stay those of the whole range.
    const other = JSON.parse((await get('/admin/metrics?trigger=high_value_intent', admin)).text);
    expect(other.filter).toEqual({ trigger: 'high_value_intent' });
    expect(other.report.escalated.count).toBe(0);
    expect(other.report.options).toEqual(report.options);
    expect((await get('/admin/metrics?from=yesterday', admin)).status).toBe(400);
    expect((await get('/admin/metrics?from=2026-11-20&to=2026-11-01', admin)).status).toBe(400);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const tom = (await login(server.url, 'tom@demo.test', 'tom-password')).body.token;
    expect((await get('/admin/metrics', tom)).status).toBe(403);
  });

  /** `n` escalated conversations, judged too late, claimed i seconds after the escalation; seeded through the store. */
  async function seedEscalations(n: number) {
    const base = Date.now() - 3_600_000;
    const at = (ms: number) => new Date(base + ms).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `conv_seed${String(i).padStart(4, '0')}`;
      const visitorId = `v_seed${i}`;
      await server.store.touchVisitor({ id: visitorId, siteId: 'site_demo', now: at(i) });
      await server.store.openConversation({ id, siteId: 'site_demo', visitorId, now: at(i) });
      await server.store.recordEvent({ conversationId: id, type: 'transition', at: at(i + 1000), data: { from: 'bot', to: 'queued', trigger: 'visitor_request' } });
      await server.store.recordEvent({ conversationId: id, type: 'transition', at: at(i + 1000 + i * 1000), data: { from: 'queued', to: 'agent' } });
      await server.store.updateConversation(id, { control: 'bot' }, {
        control: 'closed',
        trigger: 'visitor_request',
        team: 'support',
        claimedAt: at(i + 1000 + i * 1000),
        closedAt: at(i + 600_000),
        outcome: 'solved',
        verdict: 'too_late',
        updatedAt: at(i + 600_000),
      });
      ids.push(id);
    }
    return ids;
  }

  it('the answer carries at most 200 conversations per number; the rest are read page by page by the number', async () => {
    const seeded = await seedEscalations(230);
    const admin = (await login(server.url)).body.token;
    const { report } = JSON.parse((await get('/admin/metrics', admin)).text);
    // Counts stay exact; the lists are cut.
    expect(report.escalated.count).toBe(230);
    expect(report.escalated.ids).toHaveLength(200);
    expect(report.verdicts.byTrigger.visitor_request.too_late.count).toBe(230);
    expect(report.verdicts.byTrigger.visitor_request.too_late.ids).toHaveLength(200);
    expect(report.timeToHuman.claimSeconds.n).toBe(230);
    expect(report.timeToHuman.claimSeconds.ids).toHaveLength(200);
    expect(report.daily.reduce((sum: number, d: { escalated: { count: number } }) => sum + d.escalated.count, 0)).toBe(230);

    const drill = async (query: string) => {
      const res = await get(`/admin/metrics/conversations?${query}`, admin);
      return { status: res.status, body: JSON.parse(res.text) };
    };
    // Page by page, the whole list: the first page is the report's, nothing twice, nothing missing.
    const metric = 'metric=verdicts.byTrigger.visitor_request.too_late';
    const pages = [await drill(`${metric}&limit=100`), await drill(`${metric}&offset=100&limit=100`), await drill(`${metric}&offset=200&limit=100`)];
    expect(pages.map((p) => [p.status, p.body.total, p.body.offset, p.body.ids.length])).toEqual([
      [200, 230, 0, 100],
      [200, 230, 100, 100],
      [200, 230, 200, 30],
    ]);
    const all = pages.flatMap((p) => p.body.ids);
    expect(new Set(all).size).toBe(230);
    expect([...all].sort()).toEqual([...seeded].sort());
    expect(all.slice(0, 200)).toEqual(report.verdicts.byTrigger.visitor_request.too_late.ids);
    // The default page is 200; past the end is empty.
    expect((await drill(metric)).body.ids).toEqual(all.slice(0, 200));
    expect((await drill(`${metric}&offset=500`)).body).toEqual({ ok: true, total: 230, offset: 500, ids: [], conversations: [] });
    // Each listed conversation says what it was, read off its summary: when, status, intent, trigger, team, verdict.
    const described = (await drill(`${metric}&limit=3`)).body;
    expect(described.conversations.map((c: any) => c.id)).toEqual(described.ids);
    for (const c of described.conversations) {
      expect(c).toMatchObject({ createdAt: expect.any(String), status: expect.any(String), intent: expect.any(String), trigger: 'visitor_request', team: expect.any(String), verdict: 'too_late' });
    }
    // Slowest claims first, as in the report.
    expect((await drill('metric=timeToHuman.byTeam.support.claimSeconds&limit=2')).body).toMatchObject({ total: 230, ids: ['conv_seed0229', 'conv_seed0228'] });
    // The same range and filters as the report.
    expect((await drill(`${metric}&team=support`)).body.total).toBe(230);
    expect((await drill(`${metric}&trigger=high_value_intent`)).body).toMatchObject({ total: 0, ids: [] });
    expect((await drill(`${metric}&from=2020-01-01&to=2020-01-31`)).body.total).toBe(0);
    // A number nobody reached has none; a path that names no number is refused.
    expect((await drill('metric=verdicts.byTrigger.emotional_urgency.right')).body).toMatchObject({ ok: true, total: 0 });
    const refused = await drill('metric=verdicts.byTrigger.visitor_request');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(refused.body.error.message).toMatch(/^metric: /);
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

  it('the background refresh fills the rollup for recent closed conversations, and leaves open ones alone', async () => {
    const { conversationId } = await judgedConversation('right');
    // An open conversation is never saved in the rollup, so the refresh does not derive it either.
    const open = await visitor(server.url);
    await request(open.socket, 'message:send', { clientId: 'o1', body: 'Do you ship to Austria?' });
    await waitFor(open, 'message:new', (m) => m.author.kind === 'bot');
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
