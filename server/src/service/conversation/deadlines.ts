// The durable timers a conversation runs on (jobs in the store, see service/jobs.ts): a silent
// agent's conversation goes back to the queue; a waiting visitor who left counts as abandoned.
import type { ConversationRecord, SiteRecord } from '../../store/types.js';
import { siteSettings } from '../settings.js';
import { type Ctx, siteOf } from './context.js';

/** The abandonment clock of a waiting conversation whose visitor is away (the `abandon` job). */
export async function scheduleAbandon(ctx: Ctx, conversationId: string) {
  await ctx.timers.schedule(`abandon:${conversationId}`, 'abandon', new Date(ctx.clock().getTime() + ctx.timing.abandonAfterMs), { conversationId });
}

/**
 * An agent just took over (a new timer), or the visitor wrote to one (`keep`: a pending timer
 * stays, so the agent's silence counts from the first unanswered message, however often the
 * visitor writes again): if the agent stays silent, the conversation goes back to the queue.
 */
export async function watchSilence(ctx: Ctx, conversation: ConversationRecord, sinceSeq: number, options: { keep?: boolean; site?: SiteRecord } = {}) {
  const site = options.site ?? (await siteOf(ctx, conversation.siteId));
  const runAt = new Date(ctx.clock().getTime() + silentMs(site));
  await ctx.timers.schedule(`silent:${conversation.id}`, 'agent_silent', runAt, { conversationId: conversation.id, agentId: conversation.agentId, sinceSeq }, options.keep ? { keep: true } : {});
}

/** How long an agent may stay silent before the conversation goes back to the queue (site setting). */
export function silentMs(site: SiteRecord): number {
  return siteSettings(site).agentSilentSeconds * 1000;
}
