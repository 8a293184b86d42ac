// The Store contract, run against SQLite and Postgres. Rule ids: server/src/store/SPEC.md.
import { BatonError } from '@baton/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDatabaseUrl } from '../src/store/index.js';
import type { Store } from '../src/store/types.js';
import { storeFactories } from './helpers/db.js';

const T0 = '2026-11-24T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe.each(storeFactories)('Store contract on $name', (factory) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let n = 0;
  const id = (p: string) => `${p}_${++n}`;

  beforeEach(async () => {
    ({ store, cleanup } = await factory.create());
    await store.upsertSite({ id: 's1', key: 'demo', name: 'Demo', allowedOrigins: ['http://localhost:*'], settings: {}, now: T0 });
  });
  afterEach(async () => cleanup());

  async function conversation(visitorId = id('v')) {
    await store.touchVisitor({ id: visitorId, siteId: 's1', now: T0 });
    return store.openConversation({ id: id('c'), siteId: 's1', visitorId, now: T0 });
  }
  const msg = (conversationId: string, clientId: string, body = 'hi') => ({
    id: id('m'),
    conversationId,
    clientId,
    author: { kind: 'visitor' as const },
    body,
    now: T0,
  });

  it('[ST6] seeding sites and agents is idempotent, also when two nodes seed at once', async () => {
    const sites = await Promise.all(
      [1, 2, 3].map((i) => store.upsertSite({ id: `s_${i}`, key: 'shop', name: 'Shop', allowedOrigins: [], settings: { color: '#123' }, now: T0 })),
    );
    expect(new Set(sites.map((s) => s.id)).size).toBe(1);
    expect(sites[0]?.settings).toEqual({ color: '#123' });
    const agents = await Promise.all(
      [1, 2, 3].map((i) =>
        store.ensureAgent({ id: `a_${i}`, siteId: 's1', email: 'Maria@Demo.test', name: 'Maria', role: 'admin', passwordHash: 'h', active: true, now: T0 }),
      ),
    );
    expect(new Set(agents.map((a) => a.id)).size).toBe(1);
    expect(agents[0]?.email).toBe('maria@demo.test');
    expect((await store.getAgentByEmail('MARIA@demo.test'))?.id).toBe(agents[0]?.id);
    // Two nodes seeding the demo agent at the same moment: the same id and email, both succeed.
    const seeded = await Promise.all(
      [1, 2, 3].map(() => store.ensureAgent({ id: 'agent_demo', siteId: 's1', email: 'agent@demo.test', name: 'Demo', role: 'admin', passwordHash: 'h', active: true, now: T0 })),
    );
    expect(seeded.map((a) => a.id)).toEqual(['agent_demo', 'agent_demo', 'agent_demo']);
    expect(await store.getSiteByKey('nope')).toBeNull();
    expect(await store.getAgent('nope')).toBeNull();
  });

  it('[ST7] sessions expire by the injected clock and can be revoked', async () => {
    await store.ensureAgent({ id: 'a1', siteId: 's1', email: 'a@x.test', name: 'A', role: 'agent', passwordHash: 'h', active: true, now: T0 });
    await store.createSession({ tokenHash: 'th', agentId: 'a1', createdAt: T0, expiresAt: at(60) });
    expect((await store.getSession('th', at(59)))?.agentId).toBe('a1');
    expect(await store.getSession('th', at(60))).toBeNull();
    await store.deleteSession('th');
    expect(await store.getSession('th', at(1))).toBeNull();
  });

  it('[ST3] a visitor has at most one open conversation, even under 20 concurrent opens', async () => {
    await store.touchVisitor({ id: 'v1', siteId: 's1', now: T0 });
    const opened = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.openConversation({ id: `c_race_${i}`, siteId: 's1', visitorId: 'v1', now: T0 })),
    );
    expect(new Set(opened.map((c) => c.id)).size).toBe(1);
    expect(opened[0]?.control).toBe('bot');
    // Once closed, the next open starts a new conversation.
    const closed = await store.updateConversation(opened[0]!.id, { control: 'bot' }, { control: 'closed', closedAt: at(5), updatedAt: at(5) });
    expect(closed?.control).toBe('closed');
    const next = await store.openConversation({ id: 'c_next', siteId: 's1', visitorId: 'v1', now: at(6) });
    expect(next.id).toBe('c_next');
    expect((await store.latestConversation('v1'))?.id).toBe('c_next');
  });

  it('[ST4] updateConversation is compare-and-set on control and agent', async () => {
    const c = await conversation();
    expect(await store.updateConversation(c.id, { control: 'queued' }, { control: 'agent', updatedAt: at(1) })).toBeNull();
    const queued = await store.updateConversation(c.id, { control: 'bot' }, { control: 'queued', queuedAt: at(1), trigger: 'visitor_request', reason: 'asked', updatedAt: at(1) });
    expect(queued).toMatchObject({ control: 'queued', queuedAt: at(1), trigger: 'visitor_request', reason: 'asked' });
    const claimed = await store.updateConversation(c.id, { control: ['queued', 'bot'], agentId: null }, { control: 'agent', agentId: 'a1', agentName: 'Maria', queuedAt: null, updatedAt: at(2) });
    expect(claimed).toMatchObject({ control: 'agent', agentId: 'a1', agentName: 'Maria', queuedAt: null });
    expect(await store.updateConversation(c.id, { control: 'agent', agentId: 'a2' }, { control: 'bot', updatedAt: at(3) })).toBeNull();
    expect(await store.updateConversation('missing', { control: 'bot' }, { control: 'closed', updatedAt: at(3) })).toBeNull();
  });

  it('[ST4] of 20 truly concurrent claims exactly one wins', async () => {
    const c = await conversation();
    await store.updateConversation(c.id, { control: 'bot' }, { control: 'queued', queuedAt: at(1), updatedAt: at(1) });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateConversation(c.id, { control: 'queued', agentId: null }, { control: 'agent', agentId: `a${i}`, agentName: `Agent ${i}`, queuedAt: null, updatedAt: at(2) }),
      ),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect((await store.getConversation(c.id))?.agentId).toBe(winners[0]?.agentId);
  });

  it('[ST1] seq is gapless and strictly increasing under 50 concurrent appends', async () => {
    const c = await conversation();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendMessage(msg(c.id, `k${i}`, `m${i}`))));
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.every((r) => r.created)).toBe(true);
    expect((await store.getConversation(c.id))?.lastSeq).toBe(50);
  });

  it('[ST1] an append returns the conversation it left and its visitor as agents see them', async () => {
    const c = await conversation('v_known');
    const anonymous = await store.appendMessage(msg(c.id, 'p1'));
    expect(anonymous).toMatchObject({ created: true, conversation: { id: c.id, lastSeq: 1, updatedAt: T0 }, visitorProfile: null });
    await store.setVisitorProfile({ id: 'v_known', siteId: 's1', userId: 'u1', name: 'Ana', email: 'ana@x.test', verified: true, now: T0 });
    const known = await store.appendMessage({ ...msg(c.id, 'p2'), now: at(5) });
    expect(known).toMatchObject({ conversation: { lastSeq: 2, updatedAt: at(5) }, visitorProfile: { userId: 'u1', name: 'Ana', email: 'ana@x.test', verified: true } });
    expect(known.conversation).toEqual(await store.getConversation(c.id));
  });

  it('[ST2] a retry with the same client id is stored once and consumes no seq, also concurrently', async () => {
    const c = await conversation();
    const first = await store.appendMessage(msg(c.id, 'same', 'hello'));
    const again = await store.appendMessage({ ...msg(c.id, 'same', 'hello'), id: 'other' });
    expect(again).toEqual({ message: first.message, created: false });
    const racing = await Promise.all(Array.from({ length: 10 }, () => store.appendMessage(msg(c.id, 'race', 'x'))));
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.message.id)).size).toBe(1);
    const all = await store.listMessages(c.id, 0, 100);
    expect(all.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('[ST5] listMessages returns exactly the messages after a seq, in order, up to a limit', async () => {
    const c = await conversation();
    for (let i = 0; i < 8; i++) await store.appendMessage(msg(c.id, `k${i}`, `m${i}`));
    expect((await store.listMessages(c.id, 5, 100)).map((m) => m.body)).toEqual(['m5', 'm6', 'm7']);
    expect((await store.listMessages(c.id, 0, 3)).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await store.listMessages(c.id, 8, 100)).toEqual([]);
  });

  it('[ST5] messages keep their author, notice and quick replies', async () => {
    const c = await conversation();
    await store.appendMessage({ ...msg(c.id, 'b1', 'Which one?'), author: { kind: 'bot', name: 'Assistant' }, quickReplies: ['Order', 'Refund'] });
    await store.appendMessage({ ...msg(c.id, 's1', 'Maria joined'), author: { kind: 'system' }, notice: 'agent_joined' });
    await store.appendMessage({ ...msg(c.id, 'a1', 'Hi'), author: { kind: 'agent', id: 'a1', name: 'Maria' } });
    const [bot, system, agent] = await store.listMessages(c.id, 0, 10);
    expect(bot).toMatchObject({ author: { kind: 'bot', name: 'Assistant' }, quickReplies: ['Order', 'Refund'] });
    expect(bot?.notice).toBeUndefined();
    expect(system).toMatchObject({ author: { kind: 'system' }, notice: 'agent_joined' });
    expect(agent).toMatchObject({ author: { kind: 'agent', id: 'a1', name: 'Maria' }, createdAt: T0 });
  });

  it('[ST1] appending to an unknown conversation is not_found and writes nothing', async () => {
    await expect(store.appendMessage(msg('nope', 'k'))).rejects.toSatisfy((e) => e instanceof BatonError && e.code === 'not_found');
  });

  it('[ST8] queue position follows queuedAt per site; listConversations filters and orders', async () => {
    const a = await conversation();
    const b = await conversation();
    const c = await conversation();
    await store.updateConversation(b.id, { control: 'bot' }, { control: 'queued', queuedAt: at(10), updatedAt: at(10) });
    await store.updateConversation(a.id, { control: 'bot' }, { control: 'queued', queuedAt: at(20), updatedAt: at(20) });
    expect(await store.queuePosition(b.id)).toBe(1);
    expect(await store.queuePosition(a.id)).toBe(2);
    expect(await store.queuePosition(c.id)).toBeNull();
    expect((await store.listConversations('s1', ['queued'])).map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await store.listConversations('s1', ['bot'])).map((x) => x.id)).toEqual([c.id]);
    expect(await store.listConversations('other', ['queued', 'bot'])).toEqual([]);
    await store.updateConversation(b.id, { control: 'queued' }, { control: 'agent', agentId: 'a1', agentName: 'M', queuedAt: null, updatedAt: at(30) });
    expect(await store.queuePosition(a.id)).toBe(1);
  });

  it('[ST9] the handoff package round-trips as data', async () => {
    const c = await conversation();
    const handoff = {
      intent: 'refund', status: 'urgent' as const, trigger: 'emotional_urgency' as const, reason: 'Angry',
      evidence: ['"this is ridiculous"'], riskFlags: ['refund'], customerDetails: { email: 'j***@x.test' },
      attempted: [{ action: 'order_status', outcome: 'error' }], summary: 'Wants a refund.',
    };
    const updated = await store.updateConversation(c.id, { control: 'bot' }, { control: 'queued', queuedAt: at(1), handoff, updatedAt: at(1) });
    expect(updated?.handoff).toEqual(handoff);
    expect((await store.getConversation(c.id))?.handoff).toEqual(handoff);
  });

  it('[ST10] the event log keeps decisions in order', async () => {
    const c = await conversation();
    await store.recordEvent({ conversationId: c.id, type: 'decision', data: { mode: 'resolve', rule: 'faq' }, at: at(1) });
    await store.recordEvent({ conversationId: c.id, type: 'transition', data: { to: 'queued' }, at: at(2) });
    await store.recordEvent({ conversationId: c.id, type: 'decision', data: { mode: 'escalate' }, at: at(3) });
    expect((await store.listEvents(c.id, 'decision')).map((e) => e.data.mode)).toEqual(['resolve', 'escalate']);
    expect((await store.listEvents(c.id)).map((e) => e.type)).toEqual(['decision', 'transition', 'decision']);
  });

  it('[ST13] a rating is stored once, by the visitor, after the conversation was resolved', async () => {
    const c = await conversation('v_rater');
    expect(await store.rateConversation({ id: c.id, visitorId: 'v_rater', rating: 5, comment: null, now: at(1) })).toBeNull();
    await store.updateConversation(c.id, { control: 'bot' }, { control: 'closed', closedAt: at(2), updatedAt: at(2) });
    expect(await store.rateConversation({ id: c.id, visitorId: 'someone_else', rating: 1, comment: null, now: at(3) })).toBeNull();
    const rated = await store.rateConversation({ id: c.id, visitorId: 'v_rater', rating: 4, comment: 'Quick help', now: at(3) });
    expect(rated?.csat).toEqual({ rating: 4, comment: 'Quick help', ratedAt: at(3) });
    // A late rating moves updated_at: the metrics rollup re-derives the conversation's summary.
    expect(rated?.updatedAt).toBe(at(3));
    expect(await store.rateConversation({ id: c.id, visitorId: 'v_rater', rating: 1, comment: null, now: at(4) })).toBeNull();
    expect((await store.getConversation(c.id))?.csat?.rating).toBe(4);
  });

  it('[ST14] the read mark only rises', async () => {
    const c = await conversation();
    expect((await store.markRead(c.id, 3, at(1)))?.agentReadSeq).toBe(3);
    expect((await store.markRead(c.id, 2, at(2)))?.agentReadSeq).toBe(3);
    expect((await store.markRead(c.id, 5, at(3)))?.agentReadSeq).toBe(5);
    expect(await store.markRead('missing', 1, at(4))).toBeNull();
  });

  it('[ST15] priority goes first, abandoned conversations hold no position', async () => {
    const at = (m: number) => new Date(Date.parse(T0) + m * 60_000).toISOString();
    const ids: string[] = [];
    for (const [minute, priority] of [[1, 0], [2, 0], [3, 2]] as const) {
      const c = await conversation();
      await store.updateConversation(c.id, { control: 'bot' }, { control: 'queued', queuedAt: at(minute), priority, updatedAt: at(minute) });
      ids.push(c.id);
    }
    expect(await Promise.all(ids.map((c) => store.queuePosition(c)))).toEqual([2, 3, 1]);
    await store.updateConversation(ids[0]!, { control: 'queued' }, { abandonedAt: at(9), updatedAt: at(9) });
    expect(await Promise.all(ids.map((c) => store.queuePosition(c)))).toEqual([null, 2, 1]);
  });

  it('[ST16] jobs: replace by id, exactly one claimer, an old token never deletes a new schedule, locks expire', async () => {
    const later = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
    await store.scheduleJob({ id: 'j1', kind: 'k', runAt: later(10), data: { n: 1 } });
    expect(await store.claimDueJobs(later(5), 10, 1000)).toEqual([]);
    const first = await store.scheduleJob({ id: 'j1', kind: 'k', runAt: later(20), data: { n: 2 } });
    expect(await store.claimDueJobs(later(15), 10, 1000)).toEqual([]);

    for (let i = 2; i <= 10; i++) await store.scheduleJob({ id: `j${i}`, kind: 'k', runAt: later(20), data: { n: i } });
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimDueJobs(later(25), 20, 60_000)));
    const claimed = claims.flat().map((j) => j.id).sort();
    expect(claimed).toEqual(Array.from({ length: 10 }, (_, i) => `j${i + 1}`).sort());
    const j1 = claims.flat().find((j) => j.id === 'j1')!;
    expect(j1).toMatchObject({ data: { n: 2 }, attempts: 1 });
    expect(j1.token).not.toBe(first.token); // each claim its own token: a fence for stale runners
    // Locked: nobody else gets it until the lock expires; then it runs again (a crashed runner).
    expect(await store.claimDueJobs(later(30), 20, 60_000)).toEqual([]);
    const retaken = (await store.claimDueJobs(later(90), 20, 60_000)).find((j) => j.id === 'j1')!;
    expect(retaken.token).not.toBe(j1.token);
    // The crashed runner's claim can no longer finish it.
    await store.completeJob('j1', j1.token);

    // Rescheduled while running: finishing the old run leaves the new schedule alone.
    await store.scheduleJob({ id: 'j1', kind: 'k', runAt: later(200), data: { n: 3 } });
    await store.completeJob('j1', retaken.token);
    const third = (await store.claimDueJobs(later(300), 20, 60_000)).find((j) => j.id === 'j1')!;
    expect(third).toMatchObject({ data: { n: 3 } });
    await store.completeJob('j1', third.token);
    await store.cancelJob('j2');
    expect((await store.claimDueJobs(later(10_000), 20, 60_000)).map((j) => j.id)).not.toContain('j1');
  });

  it('[ST16b] jobs scheduled once: a pending job with the id is kept as it is, a finished one is created again', async () => {
    const later = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
    expect(await store.scheduleJobOnce({ id: 'o1', kind: 'k', runAt: later(10), data: { n: 1 } })).toBe(true);
    expect(await store.scheduleJobOnce({ id: 'o1', kind: 'k', runAt: later(50), data: { n: 2 } })).toBe(false);
    const [due] = await store.claimDueJobs(later(11), 10, 60_000);
    expect(due).toMatchObject({ id: 'o1', data: { n: 1 } }); // the first schedule, not pushed back
    // While it runs, a second "once" does not displace it; after it finished, one is created again.
    expect(await store.scheduleJobOnce({ id: 'o1', kind: 'k', runAt: later(60), data: { n: 3 } })).toBe(false);
    await store.completeJob('o1', due!.token);
    expect(await store.scheduleJobOnce({ id: 'o1', kind: 'k', runAt: later(70), data: { n: 4 } })).toBe(true);
    expect(await store.claimDueJobs(later(65), 10, 60_000)).toEqual([]);
    expect(await store.claimDueJobs(later(71), 10, 60_000)).toEqual([expect.objectContaining({ id: 'o1', data: { n: 4 } })]);
  });

  it('[ST17] agents are listed and patched; ending every session signs the agent out everywhere', async () => {
    await store.ensureAgent({ id: 'a1', siteId: 's1', email: 'a1@x.test', name: 'A', role: 'agent', passwordHash: 'h', active: true, teams: ['billing'], capacity: 2, now: T0 });
    await store.ensureAgent({ id: 'a2', siteId: 's1', email: 'a2@x.test', name: 'B', role: 'admin', passwordHash: 'h', active: true, now: T0 });
    expect((await store.listAgents('s1')).map((a) => [a.id, a.teams, a.capacity, a.presence])).toEqual([
      ['a1', ['billing'], 2, 'offline'],
      ['a2', [], null, 'offline'],
    ]);
    expect(await store.updateAgent('a1', { presence: 'away', active: false, lastAssignedAt: T0 })).toMatchObject({ presence: 'away', active: false, lastAssignedAt: T0, name: 'A' });
    expect(await store.updateAgent('nobody', { name: 'x' })).toBeNull();
    const later = new Date(Date.parse(T0) + 3_600_000).toISOString();
    await store.createSession({ tokenHash: 't1', agentId: 'a1', createdAt: T0, expiresAt: later });
    await store.createSession({ tokenHash: 't2', agentId: 'a1', createdAt: T0, expiresAt: later });
    await store.deleteSessionsOf('a1');
    expect(await store.getSession('t1', T0)).toBeNull();
    expect(await store.getSession('t2', T0)).toBeNull();
  });

  it('[ST11] a failed transaction leaves nothing half-written', async () => {
    const c = await conversation();
    await expect(
      store.transaction(async (tx) => {
        await tx.appendMessage(msg(c.id, 'tx1'));
        await tx.recordEvent({ conversationId: c.id, type: 'decision', data: {}, at: T0 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.listMessages(c.id, 0, 10)).toEqual([]);
    expect(await store.listEvents(c.id)).toEqual([]);
    expect((await store.getConversation(c.id))?.lastSeq).toBe(0);
  });
});

describe('database URL', () => {
  it('[ST12] a bad scheme fails with a message naming DATABASE_URL and the accepted forms', () => {
    expect(() => describeDatabaseUrl('mysql://root@localhost/db')).toThrow(/DATABASE_URL must be.*postgres:\/\//);
    expect(describeDatabaseUrl(undefined, '/tmp/x')).toEqual({ kind: 'sqlite', path: '/tmp/x/baton.sqlite' });
    expect(describeDatabaseUrl('postgres://u@h/db').kind).toBe('postgres');
  });
});
