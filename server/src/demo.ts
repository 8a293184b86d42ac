// Demo mode: a demo site and a demo agent, seeded idempotently (safe when two nodes start at once).
import { hashPassword } from './auth/password.js';
import type { Store } from './store/types.js';

export const DEMO = {
  siteKey: 'demo',
  siteName: 'Demo Shop',
  agentEmail: 'agent@demo.test',
  agentPassword: 'baton-demo',
  agentName: 'Maria',
  identitySecret: 'demo-identity-secret',
} as const;

export async function seedDemo(store: Store, options: { now: string; extraOrigins?: string[] }) {
  const site = await store.upsertSite({
    id: 'site_demo',
    key: DEMO.siteKey,
    name: DEMO.siteName,
    allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', ...(options.extraOrigins ?? [])],
    // The identity secret signs user ids for Baton('identify', …); demo only — real sites set their own.
    settings: { botName: 'Assistant', color: '#4f46e5', identitySecret: DEMO.identitySecret },
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
