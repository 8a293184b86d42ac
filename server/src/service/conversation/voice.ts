// Voice in the conversation (issue 18, seed step 4: voice stays voice): the visitor's channel,
// the agent joining the visitor's call, and the WebRTC signalling relayed between the two. The
// audio itself never passes through here: speech is transcribed by service/voice.ts, and the call
// runs browser to browser.
import { BatonError, type CallSignal, type Channel, type ConversationSummary } from '@baton/shared';
import { conversationOpen } from '../../core/conversation.js';
import type { AgentRecord, ConversationRecord } from '../../store/types.js';
import { agentView } from '../views.js';
import { agentConversation, claim } from './agent.js';
import { type Ctx, now, type VisitorContext } from './context.js';
import { record } from './events.js';
import { visitorViewOf } from './queue.js';

/** The visitor turned voice mode on or off (or spoke): agents see it on the conversation. */
export async function setChannel(ctx: Ctx, conversation: ConversationRecord, channel: Channel): Promise<ConversationRecord> {
  if (conversation.channel === channel || !conversationOpen(conversation)) return conversation;
  const at = now(ctx);
  const updated = await ctx.store.updateConversation(conversation.id, { control: conversation.control }, { channel, updatedAt: at });
  if (!updated) return conversation; // it moved meanwhile; the next turn of voice mode sets it again
  await record(ctx.store, updated.id, { type: 'voice_mode', data: { on: channel === 'voice' } }, at);
  ctx.notifier.toSiteAgents(updated.siteId, 'conversation:updated', await agentView(ctx.store, updated));
  ctx.notifier.toVisitor(updated.visitorId, 'conversation:updated', await visitorViewOf(ctx, updated));
  return updated;
}

/** The visitor's open conversation, if they have one on this site. */
export async function openConversationOf(ctx: Ctx, visitor: VisitorContext): Promise<ConversationRecord | null> {
  const conversation = await ctx.store.latestConversation(visitor.visitorId);
  return conversation && conversation.siteId === visitor.siteId && conversationOpen(conversation) ? conversation : null;
}

export async function visitorVoiceMode(ctx: Ctx, visitor: VisitorContext, on: boolean): Promise<ConversationRecord | null> {
  const conversation = await openConversationOf(ctx, visitor);
  // Before the first word there is no conversation: the first spoken message marks it.
  return conversation ? setChannel(ctx, conversation, on ? 'voice' : 'chat') : null;
}

/**
 * The agent joins the call of a visitor on voice: takes the conversation if it waits (the visitor
 * hears who is joining, in the voice line), then the console offers the call.
 */
export async function joinCall(ctx: Ctx, agent: AgentRecord, conversationId: string): Promise<ConversationSummary> {
  let conversation = await agentConversation(ctx, agent, conversationId);
  if (conversation.channel !== 'voice') throw new BatonError('bad_request', 'The visitor is not on voice; reply in the chat.');
  if (conversation.control !== 'agent' || conversation.agentId !== agent.id) {
    // Claim refuses a conversation another agent holds (already_claimed) or a closed one.
    await claim(ctx, agent, conversationId);
    conversation = (await ctx.store.getConversation(conversationId)) ?? conversation;
  }
  await record(ctx.store, conversationId, { type: 'call', data: { agentId: agent.id, state: 'joined' } }, now(ctx));
  return agentView(ctx.store, conversation);
}

/** Signalling from the agent in control to every tab of the visitor (the one in voice mode answers). */
export async function agentSignal(ctx: Ctx, agent: AgentRecord, input: { conversationId: string; signal: CallSignal }) {
  const conversation = await agentConversation(ctx, agent, input.conversationId);
  if (conversation.control !== 'agent' || conversation.agentId !== agent.id) throw new BatonError('not_in_control', 'Join the call before signalling.');
  if (input.signal.kind === 'hangup') await record(ctx.store, conversation.id, { type: 'call', data: { agentId: agent.id, state: 'ended' } }, now(ctx));
  ctx.notifier.toVisitor(conversation.visitorId, 'call:signal', { conversationId: conversation.id, agent: { name: agent.name }, signal: input.signal });
}

/** Signalling from the visitor to the agent who holds their conversation; nobody else hears it. */
export async function visitorSignal(ctx: Ctx, visitor: VisitorContext, signal: CallSignal) {
  const conversation = await openConversationOf(ctx, visitor);
  if (!conversation || conversation.control !== 'agent' || !conversation.agentId) throw new BatonError('not_in_control', 'No one has joined a call with you.');
  if (signal.kind === 'hangup') await record(ctx.store, conversation.id, { type: 'call', data: { agentId: conversation.agentId, state: 'ended' } }, now(ctx));
  ctx.notifier.toAgent(conversation.agentId, 'call:signal', { conversationId: conversation.id, signal });
}
