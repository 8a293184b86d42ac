// The agent console's state: one zustand/vanilla store, actions as functions.
import type { Agent, ConversationSummary, DecisionNote, Message, Note, VisitorPanel } from '@baton/shared';
import { queueOrder as sharedQueueOrder } from '@baton/shared/queue-order';
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
  /** Internal notes per conversation (agents only). */
  notes: Record<string, Note[]>;
  visitorPanels: Record<string, VisitorPanel>;
  presence: 'online' | 'away';
  /** The last seq this agent has seen per conversation (unread counts). */
  seenSeq: Record<string, number>;
  canned: Array<{ shortcut: string; body: string }>;
  /** Sound and desktop notifications for new arrivals in the queue. */
  alerts: boolean;
  /** The reply being written, per conversation: it stays with its conversation when the agent switches. */
  drafts: Record<string, string>;
  /** A reply on its way, per conversation: one client id until the server acknowledges it. */
  outgoing: Record<string, Outgoing>;
  /** The voice call this agent is in (one at a time), or the last one's end (issue 18). */
  call: ConsoleCall | null;
}

export interface ConsoleCall {
  conversationId: string;
  state: 'connecting' | 'connected' | 'ended';
  muted: boolean;
  error?: string;
  /** Audio counters from the peer connection's stats, each second. */
  bytesReceived?: number;
  bytesSent?: number;
}

export interface Outgoing {
  clientId: string;
  body: string;
  /** An attempt is in flight: a second Send waits for its answer (or its timeout). */
  sending: boolean;
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
  notes: {},
  visitorPanels: {},
  presence: 'online',
  seenSeq: {},
  canned: [],
  alerts: false,
  drafts: {},
  outgoing: {},
  call: null,
}));

/**
 * Starts sending `body`: the client id of the unacknowledged attempt at the same text (a retry
 * after a timeout is then stored once), or a new one; null while an attempt is still in flight.
 */
export function beginSend(conversationId: string, body: string, newId: () => string): string | null {
  const current = consoleStore.getState().outgoing[conversationId];
  if (current?.sending) return null;
  const clientId = current && current.body === body ? current.clientId : newId();
  consoleStore.setState((s) => ({ outgoing: { ...s.outgoing, [conversationId]: { clientId, body, sending: true } } }));
  return clientId;
}

/** The attempt ended: acknowledged (the id is spent) or not (the next Send retries with the same id). */
export function endSend(conversationId: string, acknowledged: boolean) {
  consoleStore.setState((s) => {
    const { [conversationId]: current, ...rest } = s.outgoing;
    if (!current) return s;
    return { outgoing: acknowledged ? rest : { ...rest, [conversationId]: { ...current, sending: false } } };
  });
}

/** A visitor's "typing" lasts this long unless refreshed (the widget repeats it every 2 s while they type). */
export const VISITOR_TYPING_TTL_MS = 6000;
const typingExpiry = new Map<string, ReturnType<typeof setTimeout>>();

/** Shows or clears "Visitor is typing…"; it clears itself when no refresh comes (a lost "stopped"). */
export function setVisitorTyping(conversationId: string, typing: boolean) {
  clearTimeout(typingExpiry.get(conversationId));
  typingExpiry.delete(conversationId);
  if (typing) typingExpiry.set(conversationId, setTimeout(() => setVisitorTyping(conversationId, false), VISITOR_TYPING_TTL_MS));
  consoleStore.setState((s) => (s.visitorTyping[conversationId] === typing ? s : { visitorTyping: { ...s.visitorTyping, [conversationId]: typing } }));
}

export function setDraft(conversationId: string, body: string) {
  consoleStore.setState((s) => ({ drafts: { ...s.drafts, [conversationId]: body } }));
}

const seenKey = (agentId: string) => `baton:console:seen:${agentId}`;
const SEEN_KEPT = 500;

/** What this agent has seen, from earlier visits to the console in this browser. */
export function loadSeen(agentId: string) {
  let stored: Record<string, number> = {};
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(seenKey(agentId)) ?? '{}');
    if (parsed && typeof parsed === 'object') stored = Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  } catch {
    // unreadable: start from nothing
  }
  consoleStore.setState((s) => {
    const merged = { ...stored };
    for (const [id, seq] of Object.entries(s.seenSeq)) merged[id] = Math.max(seq, merged[id] ?? 0);
    return { seenSeq: merged };
  });
}

export function markSeen(conversationId: string, seq: number) {
  const before = consoleStore.getState().seenSeq;
  if ((before[conversationId] ?? 0) >= seq) return;
  const { [conversationId]: _old, ...rest } = before;
  // Most recently seen last, so the oldest fall off when the list is trimmed.
  const seenSeq = { ...rest, [conversationId]: seq };
  consoleStore.setState({ seenSeq });
  const agentId = consoleStore.getState().agent?.id;
  if (!agentId) return;
  try {
    localStorage.setItem(seenKey(agentId), JSON.stringify(Object.fromEntries(Object.entries(seenSeq).slice(-SEEN_KEPT))));
  } catch {
    // storage full or off: counts still work for this tab
  }
}

/**
 * New messages since this agent last looked. A conversation they never opened counts only when it
 * is theirs (assigned or transferred to them): then every message is new to them.
 */
export function unreadCount(c: Pick<ConversationSummary, 'id' | 'lastSeq' | 'control' | 'agent'>, seen: Record<string, number>, agentId: string | undefined): number {
  const mine = c.control === 'agent' && !!agentId && c.agent?.id === agentId;
  const base = seen[c.id] ?? (mine ? 0 : undefined);
  return base === undefined ? 0 : Math.max(0, c.lastSeq - base);
}

/** Canned responses matching what follows "/" in the composer. */
export function cannedMatches(draft: string, canned: Array<{ shortcut: string; body: string }>) {
  if (!draft.startsWith('/')) return [];
  const q = draft.slice(1).trim().toLowerCase();
  return canned.filter((c) => c.shortcut.toLowerCase().startsWith(q) || (q.length > 1 && c.body.toLowerCase().includes(q))).slice(0, 8);
}

export function addNotes(conversationId: string, incoming: Note[]) {
  consoleStore.setState((s) => {
    const byId = new Map((s.notes[conversationId] ?? []).map((n) => [n.id, n]));
    for (const n of incoming) byId.set(n.id, n);
    const sorted = [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { notes: { ...s.notes, [conversationId]: sorted } };
  });
}

/** What conversation:open returns, applied in one place (first open and every reconnect). */
export function applyOpened(
  conversationId: string,
  opened: { conversation: ConversationSummary; messages: Message[]; decisions: DecisionNote[]; notes: Note[]; visitor: VisitorPanel },
) {
  upsertConversations([opened.conversation]);
  addMessages(conversationId, opened.messages);
  addDecisions(opened.decisions);
  addNotes(conversationId, opened.notes);
  consoleStore.setState((s) => ({ visitorPanels: { ...s.visitorPanels, [conversationId]: opened.visitor } }));
}

/** Called with each conversation that newly entered the queue (sound, desktop notification). */
let onArrival: (c: ConversationSummary) => void = () => {};
export function onQueueArrival(fn: (c: ConversationSummary) => void) {
  onArrival = fn;
}

export function upsertConversations(list: ConversationSummary[]) {
  const arrived: ConversationSummary[] = [];
  consoleStore.setState((s) => {
    const next = { ...s.conversations };
    for (const c of list) {
      const before = next[c.id];
      if (c.control === 'queued' && before && before.control !== 'queued') arrived.push(c);
      if (c.control === 'queued' && !before && Object.keys(s.conversations).length > 0) arrived.push(c);
      next[c.id] = c;
    }
    return { conversations: next };
  });
  for (const c of arrived) onArrival(c);
}

export function addMessages(conversationId: string, incoming: Message[]) {
  consoleStore.setState((s) => {
    const byId = new Map((s.messages[conversationId] ?? []).map((m) => [m.id, m]));
    for (const m of incoming) byId.set(m.id, m);
    const sorted = [...byId.values()].sort((a, b) => a.seq - b.seq);
    return { messages: { ...s.messages, [conversationId]: sorted } };
  });
  if (incoming.some((m) => m.author.kind === 'visitor')) setVisitorTyping(conversationId, false);
}

/** Most urgent first: waiting conversations (urgent status, then longest wait), then with agents, then with the bot. */
export function queueOrder(list: ConversationSummary[]): ConversationSummary[] {
  const rank = { queued: 0, agent: 1, bot: 2, closed: 3 } as const;
  return [...list].sort((a, b) => {
    if (rank[a.control] !== rank[b.control]) return rank[a.control] - rank[b.control];
    if (a.control === 'queued') {
      // The server's order: those still here first, then priority (urgent, risk flags), then longest waiting.
      if (!!a.abandoned !== !!b.abandoned) return a.abandoned ? 1 : -1;
      const rank = (c: ConversationSummary) => ({ priority: c.priority ?? (c.handoff?.status === 'urgent' ? 2 : 0), queuedAt: c.queuedAt ?? null, id: c.id });
      return sharedQueueOrder(rank(a), rank(b));
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
