// What happens later, as durable jobs (service/jobs.ts): abandonment, a silent agent's
// conversation going back to the queue, reply-later emails, retention, closing idle conversations.
import { BatonError, LIMITS, type Message } from '@baton/shared';
import type { ConversationRecord } from '../../store/types.js';
import { siteSettings } from '../settings.js';
import { agentView } from '../views.js';
import { type Ctx, now, siteOf } from './context.js';
import { silentMs } from './deadlines.js';
import { eventsOf, record } from './events.js';
import { sendQueuePositions } from './queue.js';
import { apply } from './transitions.js';

/** What a reply-later email carries. */
export interface PendingReplies {
  to: string;
  conversationId: string;
  replies: Message[];
  pageUrl: string | null;
}

/** Job: still away and still waiting → abandoned (for the metrics); positions behind move up. */
export async function abandonIfGone(ctx: Ctx, conversationId: string) {
  const { store } = ctx;
  const conversation = await store.getConversation(conversationId);
  if (!conversation || conversation.control !== 'queued' || conversation.replyLater || conversation.abandonedAt) return;
  if (await ctx.presence.visitorConnected(conversation.visitorId)) return;
  const at = now(ctx);
  const updated = await store.updateConversation(conversation.id, { control: 'queued' }, { abandonedAt: at, updatedAt: at });
  if (!updated) return;
  await record(store, updated.id, { type: 'abandoned', data: { waitedSeconds: secondsBetween(updated.queuedAt, at) } }, at);
  ctx.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
  await sendQueuePositions(ctx, updated.siteId, updated.id);
}

/**
 * Job: the silence timer of the agent holding the conversation ran out. Requeued if the agent
 * has not answered since `sinceSeq`; if they answered but the visitor wrote again after the
 * answer, the timer runs on from that message (replies do not cancel it).
 */
export async function agentSilent(ctx: Ctx, input: { conversationId: string; agentId: string; sinceSeq: number }) {
  const { store } = ctx;
  const conversation = await store.getConversation(input.conversationId);
  if (!conversation || conversation.control !== 'agent' || conversation.agentId !== input.agentId) return;
  let answered = false;
  let unanswered: Message | null = null; // the first visitor message after the agent's last answer
  for (let after = input.sinceSeq; ; ) {
    const page = await store.listMessages(conversation.id, after, LIMITS.resumeBatchMax);
    for (const m of page) {
      if (m.author.kind === 'agent' && m.author.id === input.agentId) {
        answered = true;
        unanswered = null;
      } else if (m.author.kind === 'visitor' && !unanswered) unanswered = m;
    }
    if (page.length < LIMITS.resumeBatchMax) break;
    after = page.at(-1)!.seq;
  }
  if (!answered) return requeue(ctx, conversation, 'agent_silent');
  if (!unanswered) return; // answered, and nothing since: the next visitor message starts a timer
  const due = Date.parse(unanswered.createdAt) + silentMs(await siteOf(ctx, conversation.siteId));
  if (due <= ctx.clock().getTime()) return requeue(ctx, conversation, 'agent_silent');
  await ctx.timers.schedule(`silent:${conversation.id}`, 'agent_silent', new Date(due), { conversationId: conversation.id, agentId: input.agentId, sinceSeq: unanswered.seq });
}

/**
 * Back to the queue at the place the visitor had (when they last joined the line), and not
 * straight back to the agent who let them down: auto-assign passes over that agent for it.
 */
export async function requeue(ctx: Ctx, conversation: ConversationRecord, reason: 'agent_silent' | 'agent_offline') {
  await ctx.timers.cancel(`silent:${conversation.id}`);
  const transitions = await eventsOf(ctx.store, conversation.id, 'transition');
  const since = [...transitions].reverse().find((e) => e.data.to === 'queued')?.at ?? null;
  await apply(ctx, conversation, { type: 'requeue', reason, at: now(ctx), since }, { passedOver: conversation.agentId }, { kind: 'system', reason, agentId: conversation.agentId });
}

/** Job: one email with the agent's replies the visitor has not seen, linking back to the chat. */
export async function replyEmail(ctx: Ctx, conversationId: string): Promise<PendingReplies | null> {
  const { store } = ctx;
  const conversation = await store.getConversation(conversationId);
  if (!conversation?.contactEmail) return null;
  // Only to an address its owner confirmed: anyone can type anyone's address into a chat.
  if (!(await contactConfirmed(ctx, conversation.id, conversation.contactEmail))) return null;
  if (await ctx.presence.visitorConnected(conversation.visitorId)) return null; // they saw it live
  const mailed = (await eventsOf(store, conversation.id, 'reply_emailed')).reduce((max, e) => Math.max(max, Number(e.data.upToSeq ?? 0)), 0);
  const replies = (await store.listMessages(conversation.id, mailed, LIMITS.resumeBatchMax)).filter((m) => m.author.kind === 'agent');
  if (replies.length === 0) return null;
  const visitor = await store.getVisitor(conversation.visitorId);
  return { to: conversation.contactEmail, conversationId: conversation.id, replies, pageUrl: visitor?.context?.pageUrl ?? null };
}

async function contactConfirmed(ctx: Ctx, conversationId: string, email: string): Promise<boolean> {
  return (await eventsOf(ctx.store, conversationId, 'contact_confirmed')).some((e) => e.data.email === email);
}

/** What the confirmation email needs, while the address still waits to be confirmed. */
export async function contactToConfirm(ctx: Ctx, conversationId: string): Promise<{ to: string; conversationId: string; siteId: string } | null> {
  const conversation = await ctx.store.getConversation(conversationId);
  if (!conversation?.contactEmail || (await contactConfirmed(ctx, conversation.id, conversation.contactEmail))) return null;
  return { to: conversation.contactEmail, conversationId: conversation.id, siteId: conversation.siteId };
}

/** The owner of the address followed the confirmation link: replies may now be emailed there. */
export async function confirmContact(ctx: Ctx, conversationId: string, email: string): Promise<boolean> {
  const conversation = await ctx.store.getConversation(conversationId);
  if (conversation?.contactEmail !== email) return false; // changed since the email was sent
  if (!(await contactConfirmed(ctx, conversationId, email))) await record(ctx.store, conversationId, { type: 'contact_confirmed', data: { email } }, now(ctx));
  // Replies that came while it waited go out now.
  await ctx.timers.schedule(`reply-email:${conversationId}`, 'reply_email', ctx.clock(), { conversationId });
  return true;
}

export async function replyEmailed(ctx: Ctx, conversationId: string, upToSeq: number) {
  await record(ctx.store, conversationId, { type: 'reply_emailed', data: { upToSeq } }, now(ctx));
}

/** Job: delete what is older than each site's retention; runs daily on whichever node is up. */
export async function applyRetention(ctx: Ctx): Promise<number> {
  const { store, logger } = ctx;
  let total = 0;
  for (const site of await store.listSites()) {
    const days = siteSettings(site).retentionDays;
    if (!days) continue;
    const before = new Date(ctx.clock().getTime() - days * 86_400_000).toISOString();
    let deleted = 0;
    for (let n = await store.deleteConversationsBefore(site.id, before); n > 0; n = await store.deleteConversationsBefore(site.id, before)) deleted += n;
    // Then who they were (name, email, user id, page): a visitor with nothing left, not seen since.
    let visitors = 0;
    for (let n = await store.deleteVisitorsBefore(site.id, before); n > 0; n = await store.deleteVisitorsBefore(site.id, before)) visitors += n;
    if (deleted > 0 || visitors > 0) {
      await store.recordAudit({ siteId: site.id, actorId: 'system', action: 'retention.purged', target: null, data: { conversations: deleted, visitors, olderThanDays: days }, at: now(ctx) });
      logger.info({ site: site.id, deleted, visitors, days }, 'retention applied');
    }
    total += deleted;
  }
  await ctx.timers.schedule('retention', 'retention', new Date(ctx.clock().getTime() + 24 * 3600_000), {});
  return total;
}

/**
 * Job, every few minutes on any node: conversations still with the bot and quiet for the site's
 * `botIdleCloseHours` are closed by the system (a visitor back later starts afresh; the metrics
 * count bot-only conversations only once they are closed). Returns how many were closed.
 */
export async function closeIdle(ctx: Ctx, batch = 200): Promise<number> {
  const { store, logger } = ctx;
  let closed = 0;
  for (const site of await store.listSites()) {
    const before = new Date(ctx.clock().getTime() - siteSettings(site).botIdleCloseHours * 3600_000).toISOString();
    for (const c of await store.listQuietConversations(site.id, 'bot', before, batch)) {
      try {
        await apply(ctx, c, { type: 'resolve', by: { kind: 'system' }, at: now(ctx) }, {}, { kind: 'system', reason: 'idle' }, site);
        closed += 1;
      } catch (error) {
        // The visitor wrote, or an agent took it, meanwhile: it is not idle.
        if (!(error instanceof BatonError)) throw error;
      }
    }
  }
  if (closed > 0) logger.info({ closed }, 'idle conversations with the bot closed');
  return closed;
}

function secondsBetween(from: string | null, to: string): number | null {
  return from ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : null;
}
