// Agents coming and going: who is online, an agent's own presence, their console tabs opening
// and closing, and the grace period after the last one closed.
import type { AgentStatus } from '@baton/shared';
import type { AgentRecord } from '../../store/types.js';
import { siteSettings } from '../settings.js';
import { agentStatus } from '../views.js';
import { type Ctx, siteOf } from './context.js';
import { requeue } from './lifecycle.js';
import { queueMoved } from './queue.js';

export async function agents(ctx: Ctx, agent: AgentRecord): Promise<AgentStatus[]> {
  const { store } = ctx;
  const site = await siteOf(ctx, agent.siteId);
  const [all, connected, loads] = await Promise.all([store.listAgents(site.id), ctx.presence.connectedAgents(site.id), store.agentLoads(site.id)]);
  const capacity = siteSettings(site).agentCapacity;
  return all.filter((a) => a.active).map((a) => agentStatus(a, connected.has(a.id), loads.get(a.id) ?? 0, capacity));
}

export async function setPresence(ctx: Ctx, agent: AgentRecord, presence: 'online' | 'away'): Promise<AgentStatus> {
  const updated = (await ctx.store.updateAgent(agent.id, { presence })) ?? agent;
  const status = await statusOf(ctx, updated);
  ctx.notifier.toSiteAgents(agent.siteId, 'agent:updated', status);
  await queueMoved(ctx, agent.siteId);
  return status;
}

async function statusOf(ctx: Ctx, agent: AgentRecord): Promise<AgentStatus> {
  const site = await siteOf(ctx, agent.siteId);
  const connected = await ctx.presence.connectedAgents(agent.siteId);
  const loads = await ctx.store.agentLoads(agent.siteId);
  return agentStatus(agent, connected.has(agent.id), loads.get(agent.id) ?? 0, siteSettings(site).agentCapacity);
}

/** A console tab connected: an offline agent comes online; a pending "gone" check is cancelled. */
export async function agentConnected(ctx: Ctx, agent: AgentRecord) {
  const { store } = ctx;
  await ctx.timers.cancel(`presence:${agent.id}`);
  const fresh = (await store.getAgent(agent.id)) ?? agent;
  const updated = fresh.presence === 'offline' ? ((await store.updateAgent(agent.id, { presence: 'online' })) ?? fresh) : fresh;
  ctx.notifier.toSiteAgents(agent.siteId, 'agent:updated', await statusOf(ctx, updated));
  await queueMoved(ctx, agent.siteId);
}

/** A console tab closed: if it was the last, the agent is gone after the grace period. */
export async function agentDisconnected(ctx: Ctx, agent: AgentRecord) {
  const connected = await ctx.presence.connectedAgents(agent.siteId);
  if (!connected.has(agent.id)) {
    await ctx.timers.schedule(`presence:${agent.id}`, 'agent_gone', new Date(ctx.clock().getTime() + ctx.timing.presenceGraceMs), {
      agentId: agent.id,
    });
  }
  await queueMoved(ctx, agent.siteId);
}

/** Job: the grace period ran out and the agent has not come back: offline, and their visitors go back to the queue. */
export async function agentGone(ctx: Ctx, agentId: string) {
  const { store } = ctx;
  const agent = await store.getAgent(agentId);
  if (!agent) return;
  if ((await ctx.presence.connectedAgents(agent.siteId)).has(agent.id)) return;
  const updated = (await store.updateAgent(agent.id, { presence: 'offline' })) ?? agent;
  const held = (await store.listConversations(agent.siteId, ['agent'])).filter((c) => c.agentId === agent.id);
  for (const c of held) {
    await requeue(ctx, c, 'agent_offline').catch((err) => ctx.logger.warn({ err, conversationId: c.id }, 'requeue failed'));
  }
  ctx.notifier.toSiteAgents(agent.siteId, 'agent:updated', await statusOf(ctx, updated));
  await queueMoved(ctx, agent.siteId);
}
