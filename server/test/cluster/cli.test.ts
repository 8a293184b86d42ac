// A real install without the demo (issue 19): `pnpm baton` creates two sites (each with its own
// playbook folder) and their first admins on an empty database; the server started on it lets
// each admin in through their one-time link, and each sees only their own site's visitors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterDatabase, freePort, type Node, ready, startNode } from '../helpers/cluster.js';
import { connect, login, request } from '../helpers/server.js';

const SERVER_DIR = resolve(import.meta.dirname, '../..');

/** Runs `pnpm baton …` as an operator would (the CLI's own process), with `env`. */
function baton(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: SERVER_DIR, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe.each(['sqlite', 'postgres'] as const)('pnpm baton on %s', (dialect) => {
  const nodes: Node[] = [];
  let dropDatabase: (() => Promise<void>) | null = null;
  afterAll(async () => {
    for (const n of nodes) n.child.kill('SIGKILL');
    await dropDatabase?.();
  });

  it('first run without the demo: two sites and their admins from the command line, each admin sees only their own site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
    const port = await freePort();
    let databaseUrl = `sqlite:${join(dir, 'baton.sqlite')}`;
    if (dialect === 'postgres') {
      const cluster = await clusterDatabase('cli');
      databaseUrl = cluster.env.DATABASE_URL;
      dropDatabase = () => cluster.drop([]);
    }
    const env = { DATABASE_URL: databaseUrl, BATON_SECRET: 'cli-test-secret-0123456789abcdef0123456', BATON_SITES_DIR: join(dir, 'sites'), BATON_DATA_DIR: dir, PORT: String(port), BATON_DEMO: '0' };

    // An empty install has no site.
    expect(baton(env, 'site', 'list')).toMatchObject({ status: 0, out: expect.stringMatching(/No sites yet/) });
    const created = baton(env, 'site', 'create', 'shop-a', '--name', 'Shop A', '--origin', 'http://127.0.0.1:*');
    expect(created).toMatchObject({ status: 0, out: expect.stringContaining('data-site="shop-a"') });
    expect(created.out).toMatch(/identity secret \(shown once[^:]*\): [\w-]{43}/);
    expect(baton(env, 'site', 'create', 'shop-b', '--name', 'Shop B', '--origin', 'https://b.example').status).toBe(0);
    // Each site has a playbook of its own, never the demo's shared.
    expect(readFileSync(join(dir, 'sites/shop-a/playbook.yaml'), 'utf8')).toContain('intents');
    expect(existsSync(join(dir, 'sites/shop-b/kb'))).toBe(true);

    // Bad input: one line with a stable code, exit 1, nothing half-made.
    expect(baton(env, 'site', 'create', 'shop-a', '--name', 'Again', '--origin', 'https://a.example')).toMatchObject({ status: 1, err: expect.stringMatching(/^error: conflict: /) });
    expect(baton(env, 'site', 'create', 'Bad Key', '--name', 'X', '--origin', 'https://x.example')).toMatchObject({ status: 1, err: expect.stringMatching(/^error: bad_input: key/) });
    expect(baton(env, 'site', 'create', 'shop-c', '--name', 'C', '--origin', 'https://c.example/path')).toMatchObject({ status: 1, err: expect.stringMatching(/^error: bad_input: --origin/) });
    expect(baton(env, 'admin', 'create', '--site', 'nope', '--email', 'x@y.test', '--name', 'X')).toMatchObject({ status: 1, err: expect.stringMatching(/^error: not_found: /) });
    expect(baton(env, 'frobnicate')).toMatchObject({ status: 1, err: expect.stringMatching(/^error: usage: /) });
    expect(existsSync(join(dir, 'sites/shop-c'))).toBe(false);
    expect(baton(env, 'site', 'list').out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['shop-a', 'shop-b']);

    const links: Record<string, string> = {};
    for (const [site, email] of [['shop-a', 'ann@a.example'], ['shop-b', 'bob@b.example']] as const) {
      const admin = baton(env, 'admin', 'create', '--site', site, '--email', email, '--name', email.split('@')[0]!);
      expect(admin.status).toBe(0);
      links[email] = /(http:\/\/\S+)/.exec(admin.out)![1]!;
    }

    const node = startNode(port, env);
    nodes.push(node);
    await ready(node);
    const tokens: Record<string, string> = {};
    for (const [email, link] of Object.entries(links)) {
      const url = new URL(link);
      expect(url.origin).toBe(`http://localhost:${port}`);
      expect(url.pathname).toBe('/console/set-password');
      // Nobody can sign in before choosing a password through the link.
      expect((await login(node.url, email, 'anything-at-all')).status).toBe(401);
      const set = await fetch(`${node.url}/api/agent/set-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: url.hash.slice(1), password: 'a-long-password-1' }) });
      expect(set.status).toBe(200);
      const signedIn = await login(node.url, email, 'a-long-password-1');
      expect(signedIn.status).toBe(200);
      tokens[email] = signedIn.body.token;
    }

    // A visitor of shop B asks for a person.
    const v = await connect(node.url, '/visitor', { siteKey: 'shop-b' });
    await request(v.socket, 'session:resume', {});
    const sent = await request(v.socket, 'message:send', { clientId: 'c1', body: 'I want to talk to a human please' });
    expect(sent.ok).toBe(true);
    const conversationId = sent.message.conversationId;

    const ann = await connect(node.url, '/agent', { token: tokens['ann@a.example'] });
    const bob = await connect(node.url, '/agent', { token: tokens['bob@b.example'] });
    try {
      const bobSees = async () => ((await request(bob.socket, 'queue:list', {})).conversations as { id: string }[]).map((c) => c.id);
      for (let i = 0; i < 100 && !(await bobSees()).includes(conversationId); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await bobSees()).toContain(conversationId);
      expect(((await request(ann.socket, 'queue:list', {})).conversations as { id: string }[]).map((c) => c.id)).not.toContain(conversationId);
      expect(await request(ann.socket, 'conversation:open', { conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await request(ann.socket, 'conversation:claim', { conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      // Admin APIs are per site too.
      const annSite = await fetch(`${node.url}/api/admin/site`, { headers: { authorization: `Bearer ${tokens['ann@a.example']}` } }).then((r) => r.json() as Promise<any>);
      expect(annSite.site).toMatchObject({ key: 'shop-a', name: 'Shop A', allowedOrigins: ['http://127.0.0.1:*'], identitySecretSet: true });
    } finally {
      for (const s of [v.socket, ann.socket, bob.socket]) s.disconnect();
    }
  }, 120_000);
});
