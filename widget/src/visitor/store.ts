// The visitor widget's state: one zustand/vanilla store. Actions are plain functions; the
// connection calls them. Persisted per site (an explicit allowlist): token, conversation, outbox,
// and whether the conversation waits on a person (the loader reads it to connect before a click).
import type { Message, VisitorConversation, WidgetConfig } from '@baton/shared';
import { createStore } from 'zustand/vanilla';
import type { VoiceProblem } from '../voice/capture.js';
import { mergeMessages, type OutboxItem, settleOutbox } from './messages.js';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'unavailable';

/** What voice mode is doing, as the visitor is told (issue 18). */
export type VoiceActivity = 'starting' | 'listening' | 'hearing' | 'thinking' | 'speaking' | 'not_caught';

export interface VoiceView {
  on: boolean;
  activity: VoiceActivity;
  pushToTalk: boolean;
  /** Why voice is off or limited: the widget explains it and text goes on. */
  problem: VoiceProblem | null;
  /** How the microphone is read (a page whose CSP forbids blob: gets the ScriptProcessor), for a bug report. */
  capture?: 'worklet' | 'script-processor';
  /** The agent who joined by call; `connected` once audio flows; the audio counters each second. */
  call: { agent: string; connected: boolean; bytesReceived?: number; bytesSent?: number } | null;
}

export const VOICE_OFF: VoiceView = { on: false, activity: 'starting', pushToTalk: false, problem: null, call: null };

export interface VisitorState {
  siteKey: string;
  open: boolean;
  connection: ConnectionState;
  unavailableReason: string | null;
  config: WidgetConfig | null;
  token: string | null;
  conversation: VisitorConversation | null;
  messages: Message[];
  outbox: OutboxItem[];
  agentTyping: string | null;
  unread: number;
  /** The server asked us to slow down: the outbox waits and the visitor is told, kindly. */
  slowDown: boolean;
  /** Bumped when this browser's visitor changes (sign-out here or in another tab): reconnect. */
  visitorEpoch: number;
  /** Another tab signed out: wait briefly for the new visitor it starts rather than make our own. */
  waitingForTab: boolean;
  voice: VoiceView;
}

interface Persisted {
  token: string | null;
  conversationId: string | null;
  outbox: OutboxItem[];
  /** Queued for or with an agent: replies can come while the visitor is away (loader/index.ts). */
  live: boolean;
}

const isLive = (c: VisitorConversation | null) => c?.control === 'queued' || c?.control === 'agent';
/** What is known of a conversation before the server's resume describes it. */
const placeholder = (id: string, live: boolean): VisitorConversation => ({ id, control: live ? 'queued' : 'bot', agent: null, queuePosition: null, lastSeq: 0 });

const storageKey = (siteKey: string) => `baton:${siteKey}`;

function parse(raw: string | null): Persisted {
  if (raw) {
    try {
      const p = JSON.parse(raw) as Partial<Persisted>;
      return { token: p.token ?? null, conversationId: p.conversationId ?? null, outbox: Array.isArray(p.outbox) ? p.outbox : [], live: p.live === true };
    } catch {
      // a damaged entry: start afresh
    }
  }
  return { token: null, conversationId: null, outbox: [], live: false };
}

function load(siteKey: string): Persisted {
  try {
    return parse(localStorage.getItem(storageKey(siteKey)));
  } catch {
    // storage blocked (private mode, sandboxed iframe): the chat still works for this page view
    return parse(null);
  }
}

const byTime = (a: OutboxItem, b: OutboxItem) => a.createdAt.localeCompare(b.createdAt);

export function createVisitorStore(siteKey: string) {
  const persisted = load(siteKey);
  const store = createStore<VisitorState>(() => ({
    siteKey,
    open: false,
    connection: 'connecting',
    unavailableReason: null,
    config: null,
    token: persisted.token,
    conversation: persisted.conversationId ? placeholder(persisted.conversationId, persisted.live) : null,
    messages: [],
    outbox: persisted.outbox,
    agentTyping: null,
    slowDown: false,
    unread: 0,
    visitorEpoch: 0,
    waitingForTab: false,
    voice: VOICE_OFF,
  }));
  // Several tabs share one entry. Each save merges what other tabs stored (by client id), and a
  // tab adopts the others' outbox as they write it, so a message typed offline in one tab
  // survives another tab's save. Only what this tab saw the server store leaves the entry; a
  // message both tabs send is stored once, because its client id never changes.
  const settled = new Set<string>();
  store.subscribe((s, prev) => {
    if (s.token === prev.token && s.conversation?.id === prev.conversation?.id && isLive(s.conversation) === isLive(prev.conversation) && s.outbox === prev.outbox) return;
    const kept = new Set(s.outbox.map((o) => o.clientId));
    for (const o of prev.outbox) if (!kept.has(o.clientId)) settled.add(o.clientId);
    try {
      const stored = load(siteKey);
      const others = stored.token === s.token ? stored.outbox.filter((o) => !kept.has(o.clientId) && !settled.has(o.clientId)) : [];
      const data: Persisted = { token: s.token, conversationId: s.conversation?.id ?? null, outbox: [...s.outbox, ...others].sort(byTime), live: isLive(s.conversation) };
      localStorage.setItem(storageKey(siteKey), JSON.stringify(data));
    } catch {
      // see load()
    }
  });
  const adopt = (e: StorageEvent) => {
    if (e.key !== storageKey(siteKey)) return;
    const other = parse(e.newValue);
    const s = store.getState();
    if (other.token !== s.token) {
      // Another tab signed out: this tab forgets the visitor too, then joins the one it starts.
      if (other.token === null && parse(e.oldValue).token !== null && s.token !== null) forgetVisitor(store, { waitForOtherTab: true });
      else if (other.token !== null && s.waitingForTab)
        store.setState((now) => ({
          token: other.token,
          conversation: other.conversationId ? placeholder(other.conversationId, other.live) : null,
          waitingForTab: false,
          visitorEpoch: now.visitorEpoch + 1,
        }));
      return;
    }
    const known = new Set([...s.outbox.map((o) => o.clientId), ...s.messages.map((m) => m.clientId)]);
    const fresh = other.outbox.filter((o) => !known.has(o.clientId) && !settled.has(o.clientId));
    if (fresh.length) store.setState({ outbox: [...s.outbox, ...fresh].sort(byTime) });
  };
  window.addEventListener('storage', adopt);
  return store;
}

export type VisitorStore = ReturnType<typeof createVisitorStore>;

// ---- actions ----

export function receiveMessages(store: VisitorStore, incoming: Message[]) {
  store.setState((s) => {
    const fresh = incoming.filter((m) => !s.messages.some((e) => e.id === m.id));
    const unreadNow = s.open ? 0 : s.unread + fresh.filter((m) => m.author.kind === 'agent').length;
    const fromAgent = fresh.some((m) => m.author.kind === 'agent');
    return {
      messages: mergeMessages(s.messages, incoming),
      outbox: settleOutbox(s.outbox, incoming),
      unread: unreadNow,
      agentTyping: fromAgent ? null : s.agentTyping,
    };
  });
}

export function queueOutgoing(store: VisitorStore, item: OutboxItem) {
  store.setState((s) => ({ outbox: [...s.outbox, item] }));
}

export function markFailed(store: VisitorStore, clientId: string, reason: string) {
  store.setState((s) => ({ outbox: s.outbox.map((o) => (o.clientId === clientId ? { ...o, failed: reason } : o)) }));
}

export function setConversation(store: VisitorStore, conversation: VisitorConversation | null) {
  store.setState({ conversation });
}

/** Sign-out on a shared computer: nothing of this visitor stays in this browser for this site. */
export function forgetVisitor(store: VisitorStore, options: { waitForOtherTab: boolean }) {
  store.setState((s) => ({
    token: null,
    conversation: null,
    messages: [],
    outbox: [],
    unread: 0,
    agentTyping: null,
    slowDown: false,
    waitingForTab: options.waitForOtherTab,
    visitorEpoch: s.visitorEpoch + 1,
  }));
}

export function setVoice(store: VisitorStore, patch: Partial<VoiceView>) {
  store.setState((s) => ({ voice: { ...s.voice, ...patch } }));
}

export function setOpen(store: VisitorStore, open: boolean) {
  store.setState((s) => ({ open, unread: open ? 0 : s.unread }));
}
