// Demo mode: a demo site and a demo agent, seeded idempotently (safe when two nodes start at once).
import { hashPassword } from './auth/password.js';
import { seal } from './auth/sealed.js';
import type { Store } from './store/types.js';

export const DEMO = {
  siteKey: 'demo',
  siteName: 'Demo Shop',
  agentEmail: 'agent@demo.test',
  agentPassword: 'baton-demo',
  agentName: 'Maria',
  identitySecret: 'demo-identity-secret',
} as const;

const DEMO_SETTINGS = {
  botName: 'Assistant',
  color: '#4f46e5',
  // The identity secret signs user ids for Baton('identify', …); demo only — real sites set their own.
  identitySecret: DEMO.identitySecret,
  cannedResponses: [
    { shortcut: 'hello', body: "Hi, I'm here and I've read what you told the assistant — no need to repeat anything." },
    { shortcut: 'refund', body: 'Refunds reach your account **5–10 working days** after we receive the return.' },
    { shortcut: 'check', body: 'Thanks — give me a minute to check that for you.' },
    { shortcut: 'bye', body: 'Glad I could help! If anything else comes up, just write here.' },
  ],
};

export async function seedDemo(store: Store, options: { now: string; extraOrigins?: string[]; secret?: string }) {
  // Idempotent and respectful: what an admin changed since the first start is kept.
  const existingSite = await store.getSiteByKey(DEMO.siteKey);
  const origins = ['http://localhost:*', 'http://127.0.0.1:*', ...(options.extraOrigins ?? [])];
  const site = await store.upsertSite({
    id: existingSite?.id ?? 'site_demo',
    key: DEMO.siteKey,
    name: existingSite?.name ?? DEMO.siteName,
    allowedOrigins: [...new Set([...(existingSite?.allowedOrigins ?? []), ...origins])],
    // The identity secret is sealed with BATON_SECRET at rest.
    settings: {
      ...DEMO_SETTINGS,
      ...(options.secret ? { identitySecret: seal(options.secret, DEMO.identitySecret) } : {}),
      ...(existingSite?.settings ?? {}),
    },
    now: options.now,
  });
  const existing = await store.getAgentByEmail(DEMO.agentEmail);
  const agent =
    existing ??
    (await store.ensureAgent({
      id: 'agent_demo',
      siteId: site.id,
      email: DEMO.agentEmail,
      name: DEMO.agentName,
      role: 'admin',
      passwordHash: await hashPassword(DEMO.agentPassword),
      active: true,
      now: options.now,
    }));
  return { site, agent };
}
