// What visitors and agents see of a stored conversation.
import type { AgentStatus, ConversationSummary, Message, Outcome, Verdict, VisitorConversation } from '@baton/shared';
import type { AgentRecord, ConversationRecord, Store, VisitorRecord } from '../store/types.js';

/** `position`: the place in line when the caller already knows it (one queue read for many visitors). */
export async function visitorView(store: Store, c: ConversationRecord, position?: number | null): Promise<VisitorConversation> {
  return {
    id: c.id,
    control: c.control,
    agent: c.control === 'agent' && c.agentName ? { name: c.agentName } : null,
    queuePosition: c.control !== 'queued' ? null : position !== undefined ? position : await store.queuePosition(c.id),
    lastSeq: c.lastSeq,
    rated: c.csat !== null,
    readSeq: c.agentReadSeq,
    replyLater: c.replyLater,
    contactEmail: c.contactEmail,
    callbackPhone: c.callbackPhone,
    channel: c.channel,
  };
}

/** `latest`: a message the caller holds; when it is the conversation's last, it is not read again. */
/** `latest` and `profile`, when the caller has them, save reading them again. */
export async function agentView(store: Store, c: ConversationRecord, latest?: Message, profile?: VisitorRecord['profile']): Promise<ConversationSummary> {
  const last = latest && latest.seq === c.lastSeq ? [latest] : c.lastSeq > 0 ? await store.listMessages(c.id, c.lastSeq - 1, 1) : [];
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
    visitor: profile !== undefined ? profile : ((await store.getVisitor(c.visitorId))?.profile ?? null),
    priority: c.priority,
    team: c.team,
    outcome: (c.outcome as Outcome | null) ?? null,
    verdict: (c.verdict as Verdict | null) ?? null,
    abandoned: c.abandonedAt !== null,
    replyLater: c.replyLater,
    repeated: c.repeated,
    channel: c.channel,
    callbackPhone: c.callbackPhone,
  };
}

/** An agent as colleagues see them; offline whenever no console tab is open. */
export function agentStatus(a: AgentRecord, connected: boolean, load: number, siteCapacity: number): AgentStatus {
  return {
    id: a.id,
    name: a.name,
    role: a.role,
    presence: connected ? a.presence === 'offline' ? 'online' : a.presence : 'offline',
    active: a.active,
    load,
    capacity: a.capacity ?? siteCapacity,
    teams: a.teams,
  };
}
