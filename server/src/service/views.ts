// What visitors and agents see of a stored conversation.
import type { ConversationSummary, VisitorConversation } from '@baton/shared';
import type { ConversationRecord, Store } from '../store/types.js';

export async function visitorView(store: Store, c: ConversationRecord): Promise<VisitorConversation> {
  return {
    id: c.id,
    control: c.control,
    agent: c.control === 'agent' && c.agentName ? { name: c.agentName } : null,
    queuePosition: c.control === 'queued' ? await store.queuePosition(c.id) : null,
    lastSeq: c.lastSeq,
    rated: c.csat !== null,
    readSeq: c.agentReadSeq,
  };
}

export async function agentView(store: Store, c: ConversationRecord): Promise<ConversationSummary> {
  const last = c.lastSeq > 0 ? await store.listMessages(c.id, c.lastSeq - 1, 1) : [];
  return {
    id: c.id,
    siteId: c.siteId,
    visitorId: c.visitorId,
    control: c.control,
    agent: c.agentId && c.agentName ? { id: c.agentId, name: c.agentName } : null,
    handoff: c.handoff,
    queuedAt: c.queuedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastSeq: c.lastSeq,
    lastMessage: last[0]?.body.slice(0, 200) ?? null,
    csat: c.csat,
    visitor: (await store.getVisitor(c.visitorId))?.profile ?? null,
  };
}
