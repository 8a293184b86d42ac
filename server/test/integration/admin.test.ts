// The admin API over real HTTP on SQLite and Postgres: only admins of the site, invitations with
// a set-password link that works once, deactivation that signs out at once, validated settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFactories } from '../helpers/db.js';
import { unseal } from '../../src/auth/sealed.js';
import { addAgent, agent, connect, login, SECRET, startServer, type TestServer, visitor } from '../helpers/server.js';

describe.each(storeFactories)('admin API on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('refuses callers who are not admins of the site, with the right code', async () => {
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const tom = (await login(server.url, 'tom@demo.test', 'tom-password')).body.token;
    const v = await visitor(server.url);
    for (const [method, path] of [['GET', '/admin/agents'], ['POST', '/admin/agents'], ['PATCH', '/admin/agents/agent_tom'], ['GET', '/admin/site'], ['PATCH', '/admin/site']] as const) {
      expect(await call(method, path, null, method === 'GET' ? undefined : {})).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(await call(method, path, tom, method === 'GET' ? undefined : {})).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(await call(method, path, v.token, method === 'GET' ? undefined : {})).toMatchObject({ status: 401 });
    }
    // And the visitor token does not open the agent namespace.
    await expect(connect(server.url, '/agent', { token: v.token })).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });

  it('invite → set password once → sign in; bad and duplicate invitations are refused', async () => {
    const admin = (await login(server.url)).body.token;
    expect(await call('POST', '/admin/agents', admin, { email: 'nope', name: 'X' })).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'email: a valid email address' } } });
    const invited = await call('POST', '/admin/agents', admin, { email: 'Lea@Demo.test', name: 'Lea', teams: ['billing'], capacity: 2 });
    expect(invited).toMatchObject({ status: 201, body: { agent: { email: 'lea@demo.test', role: 'agent', teams: ['billing'], capacity: 2 } } });
    expect(await call('POST', '/admin/agents', admin, { email: 'lea@demo.test', name: 'Lea again' })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });

    const url = new URL(invited.body.setPasswordUrl);
    expect(url.pathname).toBe('/console/set-password');
    const token = url.hash.slice(1);
    // No password yet: nothing signs in.
    expect((await login(server.url, 'lea@demo.test', 'anything-at-all')).status).toBe(401);
    expect(await call('POST', '/agent/set-password', null, { token, password: 'short' })).toMatchObject({ status: 400, body: { error: { message: 'password: at least 10 characters' } } });
    expect(await call('POST', '/agent/set-password', null, { token: `${token.slice(0, -2)}xx`, password: 'a-long-password' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_token' } } });
    // A signature of the right length in characters but not in bytes (issue 19, item 9) is refused the same way, not a 500.
    const [id, exp, mac] = token.split('.') as [string, string, string];
    expect(await call('POST', '/agent/set-password', null, { token: `${id}.${exp}.${'é'.repeat(mac.length)}`, password: 'a-long-password' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_token' } } });
    expect(await call('POST', '/agent/set-password', null, { token, password: 'a-long-password' })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await login(server.url, 'lea@demo.test', 'a-long-password')).body).toMatchObject({ ok: true, agent: { name: 'Lea' } });
    // The link worked once.
    expect(await call('POST', '/agent/set-password', null, { token, password: 'another-password' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_token' } } });
    const listed = await call('GET', '/admin/agents', admin);
    expect(listed.body.agents.map((a: any) => a.email)).toContain('lea@demo.test');
    expect(JSON.stringify(listed.body)).not.toContain('passwordHash');
  });

  it('deactivating an agent signs their open console out at once and for good', async () => {
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const admin = (await login(server.url)).body.token;
    const tom = await agent(server.url, 'tom@demo.test', 'tom-password');
    const gone = new Promise((r) => tom.socket.once('disconnect', r));
    expect(await call('PATCH', '/admin/agents/agent_tom', admin, { active: false })).toMatchObject({ status: 200, body: { agent: { active: false } } });
    await gone;
    expect((await call('GET', '/agent/me', tom.token)).status).toBe(401);
    expect((await login(server.url, 'tom@demo.test', 'tom-password')).status).toBe(401);
    expect(await call('PATCH', '/admin/agents/agent_demo_maria_self', admin, { active: false })).toMatchObject({ status: 404 });
    const me = (await call('GET', '/agent/me', admin)).body.agent;
    expect(await call('PATCH', `/admin/agents/${me.id}`, admin, { active: false })).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(await call('PATCH', '/admin/agents/agent_tom', admin, { password: 'x' })).toMatchObject({ status: 400 });
  });

  it('site settings: validated field by field, the identity secret never shown nor set here', async () => {
    const admin = (await login(server.url)).body.token;
    const site = await call('GET', '/admin/site', admin);
    expect(site.body.site).toMatchObject({ key: 'demo', identitySecretSet: true });
    expect(JSON.stringify(site.body)).not.toContain('demo-identity-secret');
    expect(await call('PATCH', '/admin/site', admin, { settings: { color: 'red' } })).toMatchObject({ status: 400, body: { error: { message: 'settings.color: a colour such as #4f46e5' } } });
    expect(await call('PATCH', '/admin/site', admin, { settings: { identitySecret: 'mine' } })).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/admin/site', admin, { allowedOrigins: ['javascript:alert(1)'] })).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/admin/site', admin, { settings: { businessHours: { timeZone: 'Mars/Olympus', weekly: {} } } })).toMatchObject({ status: 400 });
    const ok = await call('PATCH', '/admin/site', admin, {
      settings: { routing: 'auto', agentCapacity: 4, color: '#0f766e', businessHours: { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } } },
    });
    expect(ok).toMatchObject({ status: 200, body: { site: { settings: { routing: 'auto', agentCapacity: 4, color: '#0f766e' } } } });
    // Nothing else was lost: the identity secret is still there — sealed at rest, never in plain text.
    const stored = String((await server.store.getSiteByKey('demo'))!.settings.identitySecret);
    expect(stored).toMatch(/^sealed:v1:/);
    expect(stored).not.toContain('demo-identity-secret');
    expect(unseal(SECRET, stored)).toBe('demo-identity-secret');
    expect(() => unseal('another-baton-secret-0123456789abcdef', stored)).toThrow();
    const config = await fetch(`${server.url}/api/sites/demo/widget-config`).then((r) => r.json() as Promise<any>);
    expect(config.config.color).toBe('#0f766e');
  });
});
