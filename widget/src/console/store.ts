// The agent console's state: one zustand/vanilla store, actions as functions.
import type { Agent, ConversationSummary, DecisionNote, Message } from '@baton/shared';
import { createStore } from 'zustand/vanilla';

export interface ConsoleState {
  agent: Agent | null;
  checkingSession: boolean;
  connection: 'offline' | 'online' | 'reconnecting';
  conversations: Record<string, ConversationSummary>;
  selectedId: string | null;
  messages: Record<string, Message[]>;
  /** Bot decisions per conversation, keyed by the visitor message they answered. */
  decisions: Record<string, Record<string, DecisionNote>>;
  visitorTyping: Record<string, boolean>;
  notice: string | null;
}

export const consoleStore = createStore<ConsoleState>(() => ({
  agent: null,
  checkingSession: true,
  connection: 'offline',
  conversations: {},
  selectedId: null,
  messages: {},
  decisions: {},
  visitorTyping: {},
  notice: null,
}));

export function upsertConversations(list: ConversationSummary[]) {
  consoleStore.setState((s) => {
    const next = { ...s.conversations };
    for (const c of list) next[c.id] = c;
    return { conversations: next };
  });
}

export function addMessages(conversationId: string, incoming: Message[]) {
  consoleStore.setState((s) => {
    const byId = new Map((s.messages[conversationId] ?? []).map((m) => [m.id, m]));
    for (const m of incoming) byId.set(m.id, m);
    const sorted = [...byId.values()].sort((a, b) => a.seq - b.seq);
    const typing = incoming.some((m) => m.author.kind === 'visitor') ? { ...s.visitorTyping, [conversationId]: false } : s.visitorTyping;
    return { messages: { ...s.messages, [conversationId]: sorted }, visitorTyping: typing };
  });
}

/** Most urgent first: waiting conversations (urgent status, then longest wait), then with agents, then with the bot. */
export function queueOrder(list: ConversationSummary[]): ConversationSummary[] {
  const rank = { queued: 0, agent: 1, bot: 2, closed: 3 } as const;
  return [...list].sort((a, b) => {
    if (rank[a.control] !== rank[b.control]) return rank[a.control] - rank[b.control];
    if (a.control === 'queued') {
      const ua = a.handoff?.status === 'urgent' ? 0 : 1;
      const ub = b.handoff?.status === 'urgent' ? 0 : 1;
      if (ua !== ub) return ua - ub;
      return (a.queuedAt ?? '').localeCompare(b.queuedAt ?? '');
    }
    return b.updatedAt.localeCompare(a.updatedAt);
  });
}

export function addDecisions(notes: DecisionNote[]) {
  consoleStore.setState((s) => {
    const next = { ...s.decisions };
    for (const n of notes) next[n.conversationId] = { ...next[n.conversationId], [n.inReplyTo]: n };
    return { decisions: next };
  });
}

export function describeDecision(n: DecisionNote): string {
  const head = n.mode === 'escalate' ? `Bot escalated (${n.trigger})` : n.mode === 'clarify' ? 'Bot asked to clarify' : 'Bot answered';
  return `${head} · ${n.rule}${n.evidence.length ? ` · ${n.evidence.join(' · ')}` : ''}`;
}
