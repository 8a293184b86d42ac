// A session that ends closes its live consoles: signing out in one tab closes that session's other
// tabs (and takes the agent out of routing), a new password closes every session's consoles, and
// an expired session's console is refused and closed. Real server, real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS } from '../../src/service/sessions.js';
import { storeFactories } from '../helpers/db.js';
import { addAgent, connect, type Connected, login, request, startServer, type TestServer } from '../helpers/server.js';

const closedByServer = (c: Connected, timeoutMs = 3000) =>
  new Promise<string>((resolvePromise) => {
    if (!c.socket.connected) return resolvePromise('already closed');
    const timer = setTimeout(() => resolvePromise('still connected'), timeoutMs);
    c.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolvePromise(reason);
    });
  });

const online = async (server: TestServer, agentId: string) => {
  const site = (await server.store.getSiteByKey('demo'))!;
  return (await server.store.connectedAgentIds(site.id, new Date(Date.now() - 60_000).toISOString())).has(agentId);
};

async function until(check: () => Promise<boolean>, timeoutMs = 3000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe.each(storeFactories)('ending a session closes its consoles on $name', (factory) => {
  let server: TestServer;
  afterEach(async () => server.close());

  it("signing out closes that session's other tabs, not another session's, and the agent leaves routing", async () => {
    server = await startServer(factory);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const tom = (await login(server.url, 'tom@demo.test', 'tom-password')).body;
    const laptop = (await login(server.url, 'tom@demo.test', 'tom-password')).body;
    const tab1 = await connect(server.url, '/agent', { token: tom.token });
    const tab2 = await connect(server.url, '/agent', { token: tom.token });
    const otherDevice = await connect(server.url, '/agent', { token: laptop.token });
    expect(await until(() => online(server, 'agent_tom'))).toBe(true);

    const closed = [closedByServer(tab1), closedByServer(tab2)];
    const out = await fetch(`${server.url}/api/agent/logout`, { method: 'POST', headers: { authorization: `Bearer ${tom.token}` } });
    expect(out.status).toBe(200);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(otherDevice.socket.connected).toBe(true);
    expect(await request(otherDevice.socket, 'queue:list', {})).toMatchObject({ ok: true });
    // Signed out everywhere: no console left, so routing no longer counts Tom.
    const last = closedByServer(otherDevice);
    await fetch(`${server.url}/api/agent/logout`, { method: 'POST', headers: { authorization: `Bearer ${laptop.token}` } });
    expect(await last).toBe('io server disconnect');
    expect(await until(async () => !(await online(server, 'agent_tom')))).toBe(true);
    // The ended session cannot reconnect.
    await expect(connect(server.url, '/agent', { token: tom.token })).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });

  it("a new password (reset link) closes every one of the agent's consoles", async () => {
    server = await startServer(factory);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const admin = (await login(server.url)).body.token as string;
    const consoles = [
      await connect(server.url, '/agent', { token: (await login(server.url, 'tom@demo.test', 'tom-password')).body.token }),
      await connect(server.url, '/agent', { token: (await login(server.url, 'tom@demo.test', 'tom-password')).body.token }),
    ];
    const adminConsole = await connect(server.url, '/agent', { token: admin });
    const linked = (await fetch(`${server.url}/api/admin/agents/agent_tom/password-link`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json())) as any;
    const token = new URL(linked.setPasswordUrl).hash.slice(1);
    const closed = consoles.map((c) => closedByServer(c));
    const set = await fetch(`${server.url}/api/agent/set-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'a-brand-new-password' }) });
    expect(set.status).toBe(200);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(adminConsole.socket.connected).toBe(true);
  });

  it('an expired session: the next request is refused with unauthorized and the console is closed', async () => {
    let now = Date.now();
    server = await startServer(factory, { clock: () => new Date(now) });
    const { body } = await login(server.url);
    const tab = await connect(server.url, '/agent', { token: body.token });
    expect(await request(tab.socket, 'queue:list', {})).toMatchObject({ ok: true });
    now += SESSION_TTL_MS + 1000;
    const closed = closedByServer(tab);
    expect(await request(tab.socket, 'queue:list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await closed).toBe('io server disconnect');
    await expect(connect(server.url, '/agent', { token: body.token })).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });
});
