// `pnpm baton …`: what an operator does before anyone can sign in — create a site (with its own
// playbook folder, copied from a template, never silently shared), its first admin (a one-time
// link, no password on the command line), list the sites, rotate a site's identity secret. Reads
// the same environment as the server (DATABASE_URL, BATON_SECRET, BATON_DATA_DIR, PUBLIC_URL,
// BATON_SITES_DIR). Errors are one line with a stable code, and exit 1.
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nanoid } from 'nanoid';
import { z } from 'zod';
import { configOrExit } from './config.js';
import { createStore } from './store/index.js';
import type { Store } from './store/types.js';
import { inviteAgent, newIdentitySecret, setPasswordLink } from './service/admin.js';

const SITES_DIR = resolve(import.meta.dirname, '../sites');

class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const USAGE = `Usage: pnpm baton <command>

  site create <key> --name <name> --origin <origin> [--origin …] [--template <dir>]
      A site, its playbook folder (copied from --template, the demo's by default) and its
      identity secret (shown once). Origins: https://shop.example, or http://localhost:* .
  site list
  admin create --site <key> --email <email> --name <name>
      The site's first (or another) admin, with a one-time set-password link (72 hours).
  admin link --email <email>
      A new set-password link for an agent who lost theirs.
  secret rotate --site <key>
      A new identity secret (shown once); the old one keeps working for a grace period.`;

const SiteKey = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lowercase letters, digits and -, 2 to 40, starting with a letter or digit');
const Origin = z.string().refine((o) => /^https?:\/\/(\*\.)?[a-z0-9.-]+(:(\d{1,5}|\*))?$/i.test(o), 'an origin: scheme, host and optional port, no path (https://shop.example, http://localhost:*)');
const Email = z.string().trim().toLowerCase().email('a valid email address');
const Name = z.string().trim().min(1, 'a name').max(80);

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError('bad_input', `${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

interface Context {
  store: Store;
  secret: string;
  sitesDir: string;
  publicUrl: string;
  now: () => Date;
  out: (line: string) => void;
}

async function siteByKey(ctx: Context, key: string) {
  const site = await ctx.store.getSiteByKey(key);
  if (!site) throw new CliError('not_found', `No site with key "${key}" (pnpm baton site list).`);
  return site;
}

export async function run(argv: string[], ctx: Context): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, origin: { type: 'string', multiple: true }, template: { type: 'string' }, site: { type: 'string' }, email: { type: 'string' } },
  });
  const [noun, verb, arg] = positionals;
  const command = `${noun ?? ''} ${verb ?? ''}`.trim();
  const at = () => ctx.now().toISOString();

  if (command === 'site create') {
    const key = valid(SiteKey, arg, 'key');
    const name = valid(Name, values.name, '--name');
    const origins = valid(z.array(Origin).min(1, 'at least one --origin'), values.origin ?? [], '--origin');
    if (await ctx.store.getSiteByKey(key)) throw new CliError('conflict', `A site with key "${key}" already exists.`);
    const folder = resolve(ctx.sitesDir, key);
    const template = resolve(values.template ?? join(SITES_DIR, 'demo'));
    if (existsSync(folder)) throw new CliError('conflict', `${folder} already exists: move it away, or choose another key.`);
    if (!existsSync(resolve(template, 'playbook.yaml'))) throw new CliError('bad_input', `--template: ${template} has no playbook.yaml.`);
    // The folder first: a site row without its playbook would answer with nobody's.
    cpSync(template, folder, { recursive: true });
    const site = await ctx.store.upsertSite({ id: `site_${nanoid(12)}`, key, name, allowedOrigins: origins, settings: {}, now: at() });
    const { identitySecret } = await newIdentitySecret(ctx.store, ctx.secret, site, ctx.now());
    ctx.out(`Site "${name}" created with key ${key}.`);
    ctx.out(`  playbook and knowledge base: ${folder} (a copy of ${template}: make it yours)`);
    ctx.out(`  identity secret (shown once; for signing your users, see docs/widget.md): ${identitySecret}`);
    ctx.out(`  embed: <script src="${ctx.publicUrl}/widget.js" data-site="${key}" async></script>`);
    ctx.out(`Next: pnpm baton admin create --site ${key} --email you@example.com --name "Your name"`);
    return;
  }
  if (command === 'site list') {
    const sites = await ctx.store.listSites();
    if (sites.length === 0) ctx.out('No sites yet: pnpm baton site create <key> --name <name> --origin <origin>');
    for (const s of sites) ctx.out(`${s.key}\t${s.name}\t${s.allowedOrigins.join(' ')}\tcreated ${s.createdAt.slice(0, 10)}`);
    return;
  }
  if (command === 'admin create') {
    const site = await siteByKey(ctx, valid(SiteKey, values.site, '--site'));
    const email = valid(Email, values.email, '--email');
    const name = valid(Name, values.name, '--name');
    if (await ctx.store.getAgentByEmail(email)) throw new CliError('conflict', `An agent with ${email} already exists (pnpm baton admin link --email ${email} for a new link).`);
    const agent = await inviteAgent(ctx.store, { id: `agent_${nanoid(16)}`, siteId: site.id, email, name, role: 'admin', now: at() });
    await ctx.store.recordAudit({ siteId: site.id, actorId: 'cli', action: 'agent.invited', target: agent.id, data: { role: 'admin' }, at: at() });
    ctx.out(`Admin ${email} created for ${site.key}. Their one-time link to choose a password (72 hours):`);
    ctx.out(`  ${setPasswordLink(ctx.secret, agent, ctx.publicUrl, ctx.now())}`);
    return;
  }
  if (command === 'admin link') {
    const email = valid(Email, values.email, '--email');
    const agent = await ctx.store.getAgentByEmail(email);
    if (!agent) throw new CliError('not_found', `No agent with ${email}.`);
    ctx.out(`A new one-time link for ${email} (72 hours; an older link still works until used or expired):`);
    ctx.out(`  ${setPasswordLink(ctx.secret, agent, ctx.publicUrl, ctx.now())}`);
    return;
  }
  if (command === 'secret rotate') {
    const site = await siteByKey(ctx, valid(SiteKey, values.site, '--site'));
    const { identitySecret, previousValidUntil } = await newIdentitySecret(ctx.store, ctx.secret, site, ctx.now());
    await ctx.store.recordAudit({ siteId: site.id, actorId: 'cli', action: 'identity_secret.rotated', target: null, data: {}, at: at() });
    ctx.out(`New identity secret for ${site.key} (shown once): ${identitySecret}`);
    if (previousValidUntil) ctx.out(`  the previous one keeps working until ${previousValidUntil}`);
    return;
  }
  throw new CliError('usage', command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
}

async function main() {
  const config = configOrExit();
  const store = await createStore(config.databaseUrl, { dataDir: config.dataDir });
  try {
    await store.migrate();
    await run(process.argv.slice(2), {
      store,
      secret: config.secret,
      sitesDir: resolve(process.env.BATON_SITES_DIR ?? SITES_DIR),
      publicUrl: (config.publicUrl ? new URL(config.publicUrl).origin : `http://localhost:${config.port}`).replace(/\/$/, ''),
      now: () => new Date(),
      out: (line) => console.log(line),
    });
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`error: ${error.code}: ${error.message}`);
      process.exitCode = 1;
    } else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      console.error(`error: usage: ${(error as Error).message}\n${USAGE}`);
      process.exitCode = 1;
    } else throw error;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
