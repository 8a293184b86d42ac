// The site owners' API: keys shown once, stored hashed, scoped and revocable; conversations with
// their package and transcript; JSONL and CSV exports; metrics; an OpenAPI document.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/service/admin.js';
import { storeFactories } from '../helpers/db.js';
import { login, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

describe.each(storeFactories)('site owners API on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  const as = (key: string) => (path: string) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
  const admin = async (method: string, path: string, body?: unknown) => {
    const token = (await login(server.url)).body.token;
    const res = await fetch(`${server.url}/api/admin${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await res.json()) as any;
  };

  it('keys: shown once, hashed at rest, scoped, revocable; conversations, exports and metrics', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'p1', body: '=HYPERLINK("http://evil") I need a human' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const conversationId = sent.message.conversationId;

    expect(await admin('POST', '/api-keys', { name: 'BI', scopes: ['nope'] })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const created = await admin('POST', '/api-keys', { name: 'BI export', scopes: ['conversations:read'] });
    expect(created).toMatchObject({ ok: true, key: expect.stringMatching(/^bk_/), apiKey: { name: 'BI export', scopes: ['conversations:read'] } });
    const key = created.key as string;
    const listed = await admin('GET', '/api-keys');
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await server.store.apiKeyByHash(hashApiKey(key)))?.hash).toBe(hashApiKey(key));

    const api = as(key);
    const list = (await (await api('/conversations')).json()) as any;
    expect(list.conversations.map((c: any) => c.id)).toContain(conversationId);
    const one = (await (await api(`/conversations/${conversationId}`)).json()) as any;
    expect(one.conversation.handoff).toMatchObject({ trigger: 'visitor_request' });
    expect(one.messages[0].body).toContain('I need a human');
    const jsonl = await (await api('/conversations?format=jsonl')).text();
    expect(JSON.parse(jsonl.trim().split('\n')[0]!)).toMatchObject({ id: conversationId, messages: expect.any(Array) });
    const csv = await api('/conversations?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('id,createdAt,status,trigger,intent,team,agent,outcome,verdict,csat,summary');
    // Spreadsheet formulas from visitors are neutralised.
    expect(text).not.toMatch(/(^|,)"=HYPERLINK/m);

    // Scopes, bad input, other sites, revocation.
    expect((await api('/metrics')).status).toBe(403);
    expect((await api('/conversations?limit=0')).status).toBe(400);
    expect((await api('/conversations/c_missing')).status).toBe(404);
    expect((await as('bk_guess')('/conversations')).status).toBe(401);
    const sessionToken = (await login(server.url)).body.token;
    expect((await fetch(`${server.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${sessionToken}` } })).status).toBe(401);
    const metricsKey = (await admin('POST', '/api-keys', { name: 'metrics', scopes: ['metrics:read'] })).key as string;
    const metricsApi = as(metricsKey);
    const report = ((await (await metricsApi('/metrics')).json()) as any).report;
    expect(report.escalated).toEqual({ count: 1, ids: [conversationId] });
    // The same filters and drill-down as the analytics page.
    expect(((await (await metricsApi('/metrics?trigger=visitor_request')).json()) as any).report.escalated.count).toBe(1);
    expect(((await (await metricsApi('/metrics?trigger=accuracy_risk')).json()) as any).report.escalated.count).toBe(0);
    expect((await (await metricsApi('/metrics/conversations?metric=escalated')).json()) as any).toMatchObject({ ok: true, total: 1, offset: 0, ids: [conversationId], conversations: [{ id: conversationId, status: 'queued', trigger: 'visitor_request' }] });
    expect((await metricsApi('/metrics/conversations?metric=nothing')).status).toBe(400);
    expect((await metricsApi('/metrics?trigger=nope')).status).toBe(400);
    expect((await api('/metrics/conversations?metric=escalated')).status).toBe(403);
    expect(await admin('DELETE', `/api-keys/${created.apiKey.id}`)).toEqual({ ok: true });
    expect((await api('/conversations')).status).toBe(401);
    expect(await admin('DELETE', `/api-keys/${created.apiKey.id}`)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('serves an OpenAPI 3.1 document built from the shared schemas', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/conversations', '/conversations/{id}', '/metrics', '/metrics/conversations']);
    // Query parameters come from the routes' own zod schemas.
    const params = (path: string) => doc.paths[path].get.parameters.map((p: any) => [p.name, p.required ?? false]);
    expect(params('/metrics')).toEqual([['from', false], ['to', false], ['team', false], ['intent', false], ['trigger', false]]);
    expect(params('/metrics/conversations')).toEqual(expect.arrayContaining([['metric', true], ['offset', false], ['limit', false]]));
    expect(doc.paths['/metrics'].get.parameters.find((p: any) => p.name === 'trigger').schema.enum).toContain('visitor_request');
    expect(doc.components.schemas.ConversationSummary.properties).toHaveProperty('handoff');
    expect(doc.components.schemas.Message.properties.author).toBeTruthy();
  });
});
