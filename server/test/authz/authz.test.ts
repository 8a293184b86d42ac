// Runs the authorization matrix (matrix.ts) against every kind of caller, on SQLite and
// Postgres, and fails when an event or endpoint is missing from the table.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentRequests, visitorRequests } from '@baton/shared';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { run as runCli } from '../../src/cli.js';
import { hashToken, newSessionToken } from '../../src/auth/tokens.js';
import { storeFactories } from '../helpers/db.js';
import { addAgent, connect, login, request, SECRET, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';
import { CALLERS, type Caller, type Ctx, REST_MATRIX, SOCKET_MATRIX } from './matrix.js';

describe('the matrix covers every event and endpoint', () => {
  it('every socket request of both namespaces is in the table', () => {
    const listed = SOCKET_MATRIX.map((r) => `${r.ns}:${r.event}`).sort();
    const existing = [...Object.keys(visitorRequests).map((e) => `visitor:${e}`), ...Object.keys(agentRequests).map((e) => `agent:${e}`)].sort();
    expect(listed).toEqual(existing);
  });

  it('every REST route registered in the source is in the table', () => {
    const src = (f: string) => readFileSync(resolve(import.meta.dirname, '../../src', f), 'utf8');
    const found = new Set<string>();
    const scan = (text: string, receiver: string, prefix: string) => {
      for (const m of text.matchAll(new RegExp(`\\b${receiver}\\.(get|post|patch|put|delete)\\(\\s*'([^']+)'`, 'g'))) found.add(`${m[1]!.toUpperCase()} ${prefix}${m[2]}`);
    };
    scan(src('transport/http.ts'), 'api', '/api');
    scan(src('transport/http.ts'), 'app', '');
    scan(src('transport/admin.ts'), 'router', '/api/admin');
    scan(src('transport/attachments.ts'), 'router', '/api/attachments');
    scan(src('transport/contact.ts'), 'router', '/api/contact');
    scan(src('transport/public-api.ts'), 'router', '/api/v1');
    scan(src('app.ts'), 'http', '');
    // Static pages (the console SPA and the demo page) carry no data and are not API.
    const pages = new Set(['GET /']);
    const listed = new Set(REST_MATRIX.map((r) => `${r.method} ${r.path}`));
    const missing = [...found].filter((r) => !listed.has(r) && !pages.has(r));
    expect(missing).toEqual([]);
  });
});

describe.each(storeFactories)('authorization matrix on $name', (factory) => {
  let server: TestServer;
  const sockets: Partial<Record<Caller, { visitor?: Socket | string; agent?: Socket | string }>> = {};
  const tokens: Partial<Record<Caller, string>> = {};
  let ctx: Ctx;
  let n = 0;

  beforeAll(async () => {
    server = await startServer(factory);
    const { store } = server;
    // The second site is made as an operator makes one: by the command line's own code.
    await runCli(['site', 'create', 'other', '--name', 'Other Shop', '--origin', 'http://127.0.0.1:*'], {
      store,
      secret: SECRET,
      sitesDir: mkdtempSync(join(tmpdir(), 'baton-authz-sites-')),
      publicUrl: server.url,
      now: () => new Date(),
      out: () => {},
    });
    const other = (await store.getSiteByKey('other'))!;
    await addAgent(store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    await addAgent(store, { id: 'agent_dora', name: 'Dora', email: 'dora@demo.test', password: 'dora-password' });
    const password = await hashPassword('other-password');
    for (const [id, role] of [['agent_otto', 'agent'], ['agent_olga', 'admin']] as const) {
      await store.ensureAgent({ id, siteId: other.id, email: `${id}@other.test`, name: id, role, passwordHash: password, active: true, now: new Date().toISOString() });
    }
    tokens.admin = (await login(server.url)).body.token;
    tokens.agent = (await login(server.url, 'tom@demo.test', 'tom-password')).body.token;
    tokens.agentOtherSite = (await login(server.url, 'agent_otto@other.test', 'other-password')).body.token;
    tokens.adminOtherSite = (await login(server.url, 'agent_olga@other.test', 'other-password')).body.token;
    tokens.deactivated = (await login(server.url, 'dora@demo.test', 'dora-password')).body.token;
    await store.updateAgent('agent_dora', { active: false });
    const expired = newSessionToken();
    await store.createSession({ tokenHash: hashToken(expired), agentId: 'agent_tom', createdAt: '2020-01-01T00:00:00Z', expiresAt: '2020-01-01T12:00:00Z' });
    tokens.expired = expired;

    const a = await visitor(server.url);
    const sent = await request(a.socket, 'message:send', { clientId: 'setup', body: 'I need a human please' });
    await waitFor(a, 'conversation:updated', (c) => c.control === 'queued');
    const b = await visitor(server.url);
    const o = await connect(server.url, '/visitor', { siteKey: 'other' });
    const oResumed = await request(o.socket, 'session:resume', {});
    tokens.visitorA = a.token;
    tokens.visitorB = b.token;
    tokens.visitorOtherSite = oResumed.visitorToken;
    const hook = await store.createWebhookEndpoint({ id: 'wh_demo', siteId: 'site_demo', url: 'https://93.184.216.34/hook', secret: 'whsec_x', events: ['message.created'], createdAt: new Date().toISOString() });
    ctx = { conversationId: sent.message.conversationId, adminId: (await store.getAgentByEmail('agent@demo.test'))!.id, visitorB: b.visitorId, webhookId: hook.id, unique: () => `u${++n}` };

    // One connection per caller and namespace (or the handshake's refusal code).
    const attempt = async (ns: '/visitor' | '/agent', auth: Record<string, unknown>) => {
      try {
        return (await connect(server.url, ns, auth)).socket;
      } catch (error) {
        return `handshake:${(error as { data?: { code?: string } }).data?.code ?? 'error'}`;
      }
    };
    for (const caller of CALLERS) {
      const token = tokens[caller];
      const visitorAuth = caller === 'none' ? {} : { siteKey: caller === 'visitorOtherSite' ? 'other' : 'demo', visitorToken: token };
      sockets[caller] = {
        visitor: await attempt('/visitor', visitorAuth),
        // Visitors present their visitor token where an agent session is expected.
        agent: await attempt('/agent', caller === 'none' ? {} : { token }),
      };
    }
  }, 60_000);

  afterAll(async () => server.close());

  it('every socket event, for every caller', async () => {
    const results: string[] = [];
    for (const row of SOCKET_MATRIX) {
      for (const caller of CALLERS) {
        const expected = row.expect[caller];
        if (expected === undefined) throw new Error(`${row.ns}:${row.event} has no expectation for ${caller}`);
        const conn = sockets[caller]![row.ns]!;
        let got: string;
        if (typeof conn === 'string') got = conn;
        else {
          const ack = await request(conn, row.event, row.payload(ctx));
          got = ack.ok ? 'ok' : ack.error.code;
          // Nothing of site A leaks to other sites' callers, even in successful answers.
          if (ack.ok && caller.endsWith('OtherSite')) expect(JSON.stringify(ack)).not.toContain(ctx.conversationId);
        }
        results.push(`${row.ns}:${row.event} as ${caller}: ${got === expected ? 'ok' : `expected ${expected}, got ${got}`}`);
      }
    }
    expect(results.filter((r) => !r.endsWith(': ok'))).toEqual([]);
  });

  it('every REST endpoint, for every caller', async () => {
    const results: string[] = [];
    for (const row of REST_MATRIX) {
      for (const caller of CALLERS) {
        const expected = row.expect[caller]!;
        const token = tokens[caller];
        const res = await fetch(`${server.url}${row.url(ctx)}`, {
          method: row.method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(row.body ? { 'content-type': 'application/json' } : {}) },
          ...(row.body ? { body: JSON.stringify(row.body(ctx)) } : {}),
        });
        const text = await res.text();
        let got: string;
        try {
          const json = JSON.parse(text) as { ok?: boolean; error?: { code: string } };
          got = json.ok === false ? json.error!.code : 'ok';
        } catch {
          got = res.ok ? 'ok' : `http_${res.status}`;
        }
        if (got === 'ok' && caller.endsWith('OtherSite')) expect(text).not.toContain(ctx.conversationId);
        results.push(`${row.method} ${row.path} as ${caller}: ${got === expected ? 'ok' : `expected ${expected}, got ${got} (${res.status})`}`);
      }
    }
    expect(results.filter((r) => !r.endsWith(': ok'))).toEqual([]);
  });
});
