// What a visitor does: comes back, writes, chooses a reply later, leaves, says who they are, rates.
import { BatonError, LIMITS, type Message, type VisitorContext as PageContext, type VisitorConversation } from '@baton/shared';
import { type IdentityClaim, validSecrets, verifyIdentity } from '../../auth/identity.js';
import { conversationOpen } from '../../core/conversation.js';
import type { ConversationRecord } from '../../store/types.js';
import type { InspectedFile } from '../attachments.js';
import { siteSettings } from '../settings.js';
import { agentView } from '../views.js';
import { publish } from '../webhooks.js';
import { answerIfUnanswered, scheduleBotTurn } from './bot.js';
import { copyFor, type Ctx, latestFrom, now, siteOf, type VisitorContext } from './context.js';
import { scheduleAbandon, watchSilence } from './deadlines.js';
import { record } from './events.js';
import { appendWritten, present, systemNotice, type Written } from './messages.js';
import { setChannel } from './voice.js';
import { queueContext, sendQueuePositions, visitorViewOf } from './queue.js';

export async function resume(ctx: Ctx, visitor: VisitorContext, input: { conversationId?: string; afterSeq?: number; context?: PageContext }, userAgent?: string) {
  const { store } = ctx;
  if (input.context) {
    await store.touchVisitor({ id: visitor.visitorId, siteId: visitor.siteId, now: now(ctx) });
    await store.setVisitorContext(visitor.visitorId, { ...input.context, ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}) });
  }
  let conversation = await store.latestConversation(visitor.visitorId);
  if (!conversation || conversation.siteId !== visitor.siteId) return { conversation: null, messages: [] };
  conversation = await visitorReturned(ctx, conversation);
  const afterSeq = input.conversationId === conversation.id ? (input.afterSeq ?? 0) : 0;
  const messages = (await store.listMessages(conversation.id, latestFrom(conversation, afterSeq), LIMITS.resumeBatchMax)).map((m) => present(ctx, m));
  if (conversation.control === 'bot') await answerIfUnanswered(ctx, conversation, messages.at(-1));
  return { conversation: await visitorViewOf(ctx, conversation), messages };
}

/** Last seen is kept to the minute, not written per message. */
async function touchVisitor(ctx: Ctx, visitor: VisitorContext, at: string) {
  const { touched } = ctx.shared;
  const ms = Date.parse(at);
  const last = touched.get(visitor.visitorId);
  if (last !== undefined && ms - last < 60_000 && ms >= last) return;
  await ctx.store.touchVisitor({ id: visitor.visitorId, siteId: visitor.siteId, now: at });
  if (touched.size > 100_000) touched.clear();
  touched.set(visitor.visitorId, ms);
}

/** `open`: the visitor's latest conversation when the caller just read it (saves reading it again). */
export async function visitorSend(
  ctx: Ctx,
  visitor: VisitorContext,
  input: Written & { askPerson?: true },
  open?: ConversationRecord | null,
): Promise<Message> {
  const { store } = ctx;
  const at = now(ctx);
  await touchVisitor(ctx, visitor, at);
  const conversation =
    conversationOpen(open) && open.visitorId === visitor.visitorId
      ? open
      : await store.openConversation({ id: ctx.newId('c'), siteId: visitor.siteId, visitorId: visitor.visitorId, now: at });
  const { message, created } = await appendWritten(ctx, conversation, { kind: 'visitor' }, input, at);
  if (!created) return present(ctx, message); // a retry: it was delivered and answered the first time
  // Speaking is being on voice, whether or not this tab said so first (the agents see it at once).
  if (input.spoken && conversation.channel !== 'voice') await setChannel(ctx, conversation, 'voice');
  // Kept in the log, not in memory: a bot turn finished by another node still sees the button was pressed.
  if (input.askPerson && conversation.control === 'bot') {
    await record(store, conversation.id, { type: 'ask_person', data: { messageId: message.id } }, at);
  }
  if (conversation.control === 'bot') scheduleBotTurn(ctx, conversation.id);
  if (conversation.control === 'agent' && conversation.agentId) await watchSilence(ctx, conversation, message.seq, { keep: true });
  return present(ctx, message);
}

/**
 * Nobody can answer live: the visitor chooses a reply later in this chat, optionally by email too,
 * or (from voice mode) a call back, which the agents see on the conversation.
 */
export async function replyLater(ctx: Ctx, visitor: VisitorContext, input: { email?: string; phone?: string }): Promise<VisitorConversation> {
  const { store } = ctx;
  const conversation = await store.latestConversation(visitor.visitorId);
  if (!conversation || conversation.siteId !== visitor.siteId || conversation.control !== 'queued') {
    throw new BatonError('bad_request', 'A reply later is offered only while you wait for our team.');
  }
  const email = input.email ?? null;
  const phone = input.phone ?? null;
  const updated = await store.updateConversation(conversation.id, { control: 'queued' }, { replyLater: true, contactEmail: email, callbackPhone: phone, abandonedAt: null, updatedAt: now(ctx) });
  if (!updated) throw new BatonError('bad_request', 'The conversation changed; try again.');
  await ctx.timers.cancel(`abandon:${updated.id}`);
  await record(store, updated.id, { type: 'reply_later', data: { email: email !== null, ...(phone ? { callBack: true } : {}) } }, now(ctx));
  if (email) await ctx.timers.schedule(`contact-confirm:${updated.id}`, 'contact_confirm', ctx.clock(), { conversationId: updated.id });
  const site = await siteOf(ctx, updated.siteId);
  const copy = copyFor(ctx, site, updated.language, updated.channel);
  await systemNotice(ctx, updated, 'reply_later', phone ? copy.callBack(phone) : copy.replyLater(email));
  const view = await visitorViewOf(ctx, updated, await queueContext(ctx, site));
  ctx.notifier.toVisitor(visitor.visitorId, 'conversation:updated', view);
  ctx.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
  return view;
}

/** The visitor's last tab closed: a waiting conversation counts as abandoned if they stay away. */
export async function visitorLeft(ctx: Ctx, visitor: VisitorContext) {
  const conversation = await ctx.store.latestConversation(visitor.visitorId);
  if (!conversation || conversation.control !== 'queued' || conversation.replyLater) return;
  // Another node not answering (it may have just died) is no reason to skip the check: the job asks again.
  if (await ctx.presence.visitorConnected(visitor.visitorId).catch(() => false)) return;
  await scheduleAbandon(ctx, conversation.id);
}

/** A visitor who left the queue came back: their conversation re-opens where it was. */
async function visitorReturned(ctx: Ctx, conversation: ConversationRecord): Promise<ConversationRecord> {
  const { store } = ctx;
  await ctx.timers.cancel(`abandon:${conversation.id}`);
  if (!conversation.abandonedAt || conversation.control !== 'queued') return conversation;
  const at = now(ctx);
  const updated = await store.updateConversation(conversation.id, { control: 'queued' }, { abandonedAt: null, updatedAt: at });
  if (!updated) return conversation;
  await record(store, updated.id, { type: 'returned', data: {} }, at);
  ctx.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(store, updated));
  await sendQueuePositions(ctx, updated.siteId, updated.id);
  return updated;
}

/**
 * The host page's identify call: verified only when the site's identity secret signed it (HMAC
 * of the user id or a short-lived JWT). A verified user who already chats from another device
 * continues there: the answer names that visitor, unless this one has a conversation of its own
 * (histories are never merged). Unverified identities are stored as such, or refused when the
 * site requires verification.
 */
export async function identify(ctx: Ctx, visitor: VisitorContext, input: IdentityClaim): Promise<{ verified: boolean; switchTo: string | null; otherUser?: boolean }> {
  const { store } = ctx;
  const settings = siteSettings(await siteOf(ctx, visitor.siteId));
  const unsealed = (v: string | undefined) => (v && ctx.unsealSecret ? ctx.unsealSecret(v) : v);
  const secrets = validSecrets({ ...settings, identitySecret: unsealed(settings.identitySecret), identitySecretPrevious: unsealed(settings.identitySecretPrevious) }, ctx.clock());
  const identity = await verifyIdentity(secrets, input, ctx.clock());
  if (!identity.verified && settings.requireVerifiedIdentity) {
    throw new BatonError('unauthorized', 'This site accepts only identities it has signed.');
  }
  if (!identity.userId) throw new BatonError('bad_request', 'userJwt: not valid for this site (expired, wrongly signed or too long-lived).');
  const profile = {
    siteId: visitor.siteId,
    userId: identity.userId,
    name: identity.name ?? null,
    email: identity.email ?? null,
    verified: identity.verified,
    detailsVerified: identity.detailsVerified,
    now: now(ctx),
  };
  const current = (await store.getVisitor(visitor.visitorId))?.profile;
  if (current && current.userId !== identity.userId) {
    // Another person on this browser (a shared computer, a sign-out the page did not tell us
    // about): they never inherit the previous user's chat. Their own verified history if they
    // have one, else a fresh visitor.
    const theirs = identity.verified ? await store.findVerifiedVisitor(visitor.siteId, identity.userId, visitor.visitorId) : null;
    const switchTo = theirs?.id ?? ctx.newId('v');
    if (!theirs) await store.setVisitorProfile({ id: switchTo, ...profile });
    ctx.logger.info({ visitorId: visitor.visitorId, switchTo }, 'identify: a different user on this browser; switched visitor');
    return { verified: identity.verified, switchTo, otherUser: true };
  }
  await store.setVisitorProfile({ id: visitor.visitorId, ...profile });
  let switchTo: string | null = null;
  if (identity.verified) {
    const other = await store.findVerifiedVisitor(visitor.siteId, identity.userId, visitor.visitorId);
    const own = await store.latestConversation(visitor.visitorId);
    if (other && !own) switchTo = other.id;
  }
  const open = await store.latestConversation(visitor.visitorId);
  if (conversationOpen(open)) ctx.notifier.toSiteAgents(open.siteId, 'conversation:updated', await agentView(store, open));
  return { verified: identity.verified, switchTo };
}

/** CSAT: a rating from 1 to 5 and an optional comment, once, after the conversation was resolved. */
export async function rate(ctx: Ctx, visitor: VisitorContext, input: { conversationId: string; rating: number; comment?: string }) {
  const { store } = ctx;
  const at = now(ctx);
  const comment = input.comment?.trim() || null;
  const rated = await store.transaction(async (tx) => {
    const r = await tx.rateConversation({ id: input.conversationId, visitorId: visitor.visitorId, rating: input.rating, comment, now: at });
    if (!r) return null;
    await record(tx, r.id, { type: 'csat', data: { rating: input.rating, hasComment: comment !== null } }, at);
    await publish(tx, { siteId: r.siteId, type: 'csat.submitted', data: { conversationId: r.id, rating: input.rating, comment }, at, newId: ctx.newId });
    return r;
  });
  if (!rated) {
    const c = await store.getConversation(input.conversationId);
    if (!c || c.visitorId !== visitor.visitorId) throw new BatonError('not_found', 'No such conversation.');
    if (c.csat) throw new BatonError('already_rated', 'You already rated this conversation. Thank you!');
    throw new BatonError('bad_request', 'Only a resolved conversation can be rated.');
  }
  ctx.notifier.toVisitor(visitor.visitorId, 'conversation:updated', await visitorViewOf(ctx, rated));
  ctx.notifier.toSiteAgents(rated.siteId, 'conversation:updated', await agentView(store, rated));
}

export async function visitorTyping(ctx: Ctx, visitor: VisitorContext, typing: boolean) {
  const c = await ctx.store.latestConversation(visitor.visitorId);
  if (conversationOpen(c)) ctx.notifier.toWatchers(c.id, 'typing', { conversationId: c.id, typing });
}
