// The visitor's live connection: resume after every (re)connect, flush the outbox, apply
// server events to the store. Socket.IO reconnects with backoff on its own.
import type { AckOf, Message, RequestOf, VisitorClientToServer, VisitorRequests, VisitorServerToClient } from '@baton/shared';
import { io, type Socket } from 'socket.io-client';
import { uploadFile } from '../ui/upload.js';
import { lastSeq, newClientId } from './messages.js';
import { forgetVisitor, markFailed, queueOutgoing, receiveMessages, setConversation, type VisitorStore } from './store.js';
import { ReorderBuffer } from '../ui/reorder.js';
import { realTimers, type TimerId, type Timers } from '../ui/timers.js';

type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>;
const ACK_TIMEOUT_MS = 10_000;
/** Refusals that will not change by retrying: shown to the visitor, not resent. */
const FINAL_CODES = new Set(['bad_request', 'conversation_closed', 'payload_too_large']);

export interface Identity {
  userId?: string;
  name?: string;
  email?: string;
  userHash?: string;
  userJwt?: string;
}

export interface Connection {
  /** `askPerson`: the "Talk to a person" button, an ask the server honours whatever the words. */
  send(body: string, options?: { askPerson?: true }): void;
  /** The host page's identify: sent now and again after every reconnect. */
  identify(user: Identity): void;
  /** CSAT for a resolved conversation; resolves with an error message, or null when stored. */
  rate(conversationId: string, rating: number, comment: string): Promise<string | null>;
  typing(on: boolean): void;
  /** The host page's user signed out: forget this visitor here and start as a new one. */
  logout(): void;
  /** Nobody can answer live: ask for a reply later in this chat (and by email, or a call back on a phone, when given). */
  replyLater(contact: { email?: string; phone?: string }): Promise<string | null>;
  /** What the voice chunk needs of the socket; it loads only when voice is used (issue 18). */
  voice: VoiceTransport;
  /** Sends a file (image or PDF); resolves with an error message, or null when it was sent. */
  upload(file: File, onProgress: (fraction: number) => void): Promise<string | null>;
  close(): void;
}

export type VoiceRequest = 'voice:mode' | 'voice:frame' | 'voice:end' | 'voice:cancel' | 'voice:speak' | 'call:signal';
export type CallSignalEvent = Parameters<VisitorServerToClient['call:signal']>[0];

export interface VoiceTransport {
  /** Rejects when no ack came in time (or there is no connection). */
  request<K extends VoiceRequest>(event: K, payload: RequestOf<VisitorRequests, K>): Promise<AckOf<VisitorRequests, K>>;
  /** Where the agent's call signals go; main.tsx loads the voice chunk when the first one comes. */
  onCallSignal(handler: (e: CallSignalEvent) => void): void;
}

/** Where the visitor is, for the agent's visitor panel (the fragment is left out). */
function pageContext() {
  const url = location.href.split('#')[0]!.slice(0, 2048);
  let timeZone: string | undefined;
  try {
    // Temporal answers at once; a first Intl.DateTimeFormat loads locale data for tens of
    // milliseconds, on the path of every chat's first connect (#17).
    const temporal = (globalThis as { Temporal?: { Now?: { timeZoneId?: () => string } } }).Temporal;
    timeZone = temporal?.Now?.timeZoneId?.() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    timeZone = undefined;
  }
  return {
    pageUrl: url,
    pageTitle: document.title.slice(0, 300),
    ...(document.referrer ? { referrer: document.referrer.slice(0, 2048) } : {}),
    locale: navigator.language.slice(0, 35),
    ...(timeZone ? { timeZone: timeZone.slice(0, 64) } : {}),
  };
}

export interface ConnectionTiming {
  /** The visitor's "typing" goes out at most this often while they keep typing. */
  typingThrottleMs: number;
  /** No keystroke for this long: "stopped typing" goes out. */
  typingIdleMs: number;
  /** An agent's "typing" not refreshed for this long is taken down (it never sticks). */
  agentTypingExpiryMs: number;
  /** A message that overtook an earlier one waits this long for it before it is shown (ui/reorder.ts). */
  reorderHoldMs: number;
}
const DEFAULT_TIMING: ConnectionTiming = { typingThrottleMs: 2000, typingIdleMs: 4000, agentTypingExpiryMs: 6000, reorderHoldMs: 1500 };

/** The visitor token as soon as the session has one, or null after `ms`. */
function tokenWithin(store: VisitorStore, ms: number, timers: Timers): Promise<string | null> {
  const now = store.getState().token;
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => {
      unsubscribe();
      resolve(null);
    }, ms);
    const unsubscribe = store.subscribe((s) => {
      if (!s.token) return;
      timers.clearTimeout(timer);
      unsubscribe();
      resolve(s.token);
    });
  });
}

export interface ConnectOptions extends Partial<ConnectionTiming> {
  /** The clock of the widget's own waits (ui/timers.ts); tests pass one they move by hand. */
  timers?: Timers;
}

export function connect(store: VisitorStore, serverUrl: string, onMessage: (m: Message) => void, { timers = realTimers, ...timingOverrides }: ConnectOptions = {}): Connection {
  const timing = { ...DEFAULT_TIMING, ...timingOverrides };
  const socket: VisitorSocket = io(`${serverUrl}/visitor`, {
    auth: (cb) => {
      const { siteKey, token } = store.getState();
      cb(token ? { siteKey, visitorToken: token } : { siteKey });
    },
    // WebSocket first: one request, where long-polling first takes a handshake, polls and an
    // upgrade (#17). A network that refuses WebSockets gets long-polling at once; one that lets
    // them hang gets it from the next attempt on (connect_error below).
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
  });
  let flushing = false;
  let identity: Identity | null = null;
  const sendIdentity = () => {
    if (!identity || !socket.connected) return;
    socket.emit('visitor:identify', identity, (ack) => {
      // This verified user already chats on another device: continue that conversation here
      // (with what this browser has not sent yet: the same person typed it). Another user signed
      // in on this browser: what the previous one left unsent is theirs, never sent as this one.
      if (ack.ok && ack.visitorToken && ack.visitorToken !== store.getState().token) {
        store.setState({ token: ack.visitorToken, conversation: null, messages: [], ...(ack.otherUser ? { outbox: [] } : {}) });
        socket.disconnect().connect();
      }
    });
  };

  // The outbox is sent one item at a time, in order, by at most one loop per connection: each
  // (re)connect starts a new epoch, and a loop from an older epoch stops at its next step. An
  // item keeps its client id for life, so a resend after a lost ack is never stored twice.
  let epoch = 0;
  let flushingEpoch = -1;
  let retryTimer: TimerId | null = null;
  let failures = 0;
  const retryLater = (delayMs: number) => {
    if (retryTimer) timers.clearTimeout(retryTimer);
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      store.setState({ slowDown: false });
      void flush();
    }, delayMs);
  };
  /** After a fault: 1 s, 2 s, 4 s … up to 30 s, with jitter so many widgets do not return at once. */
  const backoff = () => Math.min(30_000, 1000 * 2 ** Math.min(failures++, 5)) * (0.75 + Math.random() * 0.5);

  async function flush() {
    const mine = epoch;
    if (flushingEpoch === mine || retryTimer || !socket.connected) return;
    flushingEpoch = mine;
    try {
      // Read the outbox afresh each turn: what was queued while a send awaited its ack goes too.
      for (;;) {
        if (mine !== epoch || !socket.connected) return;
        const item = store.getState().outbox.find((o) => !o.failed);
        if (!item) return;
        let ack;
        try {
          ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { clientId: item.clientId, body: item.body, ...(item.askPerson ? { askPerson: true } : {}) });
        } catch {
          // No ack: dropped (the reconnect starts a new loop) or a server too slow (try again later).
          if (mine === epoch && socket.connected) retryLater(backoff());
          return;
        }
        if (ack.ok) {
          failures = 0;
          receiveMessages(store, [ack.message]);
          // Stored: out of the outbox even if the reply named it differently, so the loop moves on.
          store.setState((s) => ({ outbox: s.outbox.filter((o) => o.clientId !== item.clientId) }));
        } else if (FINAL_CODES.has(ack.error.code)) {
          markFailed(store, item.clientId, ack.error.message);
        } else if (ack.error.code === 'rate_limited') {
          // Kept in the outbox; sent when the server says we may.
          const wait = Number((ack.error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 2000);
          store.setState({ slowDown: true });
          retryLater(Math.min(60_000, Math.max(500, wait)));
          return;
        } else {
          // A server fault: kept, and tried again with backoff.
          retryLater(backoff());
          return;
        }
      }
    } finally {
      if (flushingEpoch === mine) flushingEpoch = -1;
    }
  }

  // Items adopted from another tab's outbox go out too, not only what this tab typed.
  store.subscribe((s, prev) => {
    if (s.outbox.length > prev.outbox.length) void flush();
  });

  // A new visitor in this browser: drop the old connection (and what it was sending) and resume
  // as the new one; after another tab's sign-out, wait a moment for the visitor it starts.
  let tabWait: TimerId | null = null;
  store.subscribe((s, prev) => {
    if (s.visitorEpoch === prev.visitorEpoch) return;
    identity = null; // the signed-out user is never identified again from this page
    epoch += 1;
    if (retryTimer) timers.clearTimeout(retryTimer);
    retryTimer = null;
    if (tabWait) timers.clearTimeout(tabWait);
    tabWait = null;
    socket.disconnect();
    if (!s.waitingForTab) socket.connect();
    else
      tabWait = timers.setTimeout(() => {
        tabWait = null;
        if (!store.getState().waitingForTab) return;
        store.setState({ waitingForTab: false });
        socket.connect();
      }, 3000);
  });

  /** Everything after the unbroken run of messages held: on every connect, and when a gap outlived the hold. */
  const resume = async () => {
    const { conversation, messages } = store.getState();
    const conversationId = conversation?.id;
    const done = reorder.catchingUp();
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:resume', {
        ...(conversationId ? { conversationId, afterSeq: lastSeq(messages, conversationId) } : {}),
        context: pageContext(),
      });
      if (!ack.ok) return null;
      store.setState({ token: ack.visitorToken, connection: 'online', unavailableReason: null });
      setConversation(store, ack.conversation);
      receiveMessages(store, ack.messages);
      return ack;
    } finally {
      done();
    }
  };
  const reorder = new ReorderBuffer<Message>({
    holdMs: timing.reorderHoldMs,
    shownUpTo: (id) => lastSeq(store.getState().messages, id),
    show: (ms) => {
      for (const m of ms) {
        const known = store.getState().messages.some((e) => e.id === m.id);
        receiveMessages(store, [m]);
        if (!known) onMessage(m);
      }
    },
    gap: () => {
      if (socket.connected) resume().catch(() => {});
    },
    timers,
  });

  socket.on('connect', async () => {
    try {
      const ack = await resume();
      if (!ack) return;
      sendIdentity();
      // A fresh connection: a loop left from before the drop stops, and waiting retries go now.
      epoch += 1;
      failures = 0;
      if (retryTimer) timers.clearTimeout(retryTimer);
      retryTimer = null;
      store.setState({ slowDown: false });
      void flush();
    } catch {
      // the resume ack timed out: socket.io will reconnect and we resume again
    }
  });

  socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
    const code = error.data?.code;
    if (code === 'unauthorized') {
      // Our token is not valid any more: start as a new visitor rather than lock the chat.
      store.setState({ token: null, conversation: null });
      socket.connect();
    } else if (code === 'origin_not_allowed' || code === 'not_found' || code === 'bad_request') {
      store.setState({ connection: 'unavailable', unavailableReason: error.data?.message ?? null });
    } else {
      socket.io.opts.transports = ['polling', 'websocket'];
      store.setState((s) => ({ connection: s.connection === 'unavailable' ? s.connection : 'reconnecting' }));
    }
  });
  socket.on('disconnect', () => store.setState((s) => ({ connection: s.connection === 'unavailable' ? s.connection : 'reconnecting' })));

  socket.on('message:new', (m) => reorder.push(m));
  let callSignal: (e: CallSignalEvent) => void = () => {};
  socket.on('call:signal', (e) => callSignal(e));
  socket.on('conversation:updated', (c) => setConversation(store, c));
  let agentTypingTimer: TimerId | null = null;
  socket.on('typing', (t) => {
    if (agentTypingTimer) timers.clearTimeout(agentTypingTimer);
    agentTypingTimer = t.typing ? timers.setTimeout(() => store.setState({ agentTyping: null }), timing.agentTypingExpiryMs) : null;
    store.setState({ agentTyping: t.typing ? t.name : null });
  });

  // The browser knows about a lost network long before a ping times out.
  const offline = () => socket.disconnect();
  const online = () => socket.connect();
  window.addEventListener('offline', offline);
  window.addEventListener('online', online);

  let lastTyping = 0;
  let typingIdle: TimerId | null = null;
  const emitTyping = (typing: boolean) => {
    if (socket.connected) socket.emit('typing:set', { typing }, () => {});
  };
  return {
    send(body, options) {
      queueOutgoing(store, { clientId: newClientId(), body, createdAt: new Date().toISOString(), ...(options?.askPerson ? { askPerson: true } : {}) });
      void flush();
    },
    identify(user) {
      if (!user || (typeof user.userId !== 'string' && typeof user.userJwt !== 'string')) return;
      identity = {
        ...(typeof user.userId === 'string' ? { userId: user.userId } : {}),
        ...(typeof user.userJwt === 'string' ? { userJwt: user.userJwt } : {}),
        ...(typeof user.name === 'string' ? { name: user.name } : {}),
        ...(typeof user.email === 'string' ? { email: user.email } : {}),
        ...(typeof user.userHash === 'string' ? { userHash: user.userHash } : {}),
      };
      sendIdentity();
    },
    async rate(conversationId, rating, comment) {
      try {
        const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:rate', {
          conversationId,
          rating,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        });
        if (ack.ok || ack.error.code === 'already_rated') {
          store.setState((s) => ({ conversation: s.conversation && s.conversation.id === conversationId ? { ...s.conversation, rated: true } : s.conversation }));
          return null;
        }
        return ack.error.message;
      } catch {
        return 'No connection. Please try again.';
      }
    },
    async upload(file, onProgress) {
      // A file picked the moment the chat opened waits for the session rather than fail.
      const token = await tokenWithin(store, 10_000, timers);
      const { siteKey } = store.getState();
      if (!token) return 'Not connected yet. Please try again in a moment.';
      const result = await uploadFile(`${serverUrl}/api/attachments`, file, { authorization: `Bearer ${token}`, 'x-baton-site': siteKey, 'content-type': file.type || 'application/octet-stream' }, onProgress);
      if (!result.ok) return result.message;
      receiveMessages(store, [result.message]);
      return null;
    },
    async replyLater({ email, phone }) {
      try {
        const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:replyLater', {
          ...(email?.trim() ? { email: email.trim() } : {}),
          ...(phone?.trim() ? { phone: phone.trim() } : {}),
        });
        if (ack.ok) {
          setConversation(store, ack.conversation);
          return null;
        }
        return ack.error.message;
      } catch {
        return 'No connection. Please try again.';
      }
    },
    voice: {
      request(event, payload) {
        if (!socket.connected) return Promise.reject(new Error('not connected'));
        // One cast: socket.io's typed emitWithAck cannot follow a generic event name.
        const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<never> };
        return timed.emitWithAck(event, payload);
      },
      onCallSignal(handler) {
        callSignal = handler;
      },
    },
    typing(on: boolean) {
      // "typing" at most once per throttle window while keystrokes go on; "stopped" after a
      // pause, on send and when the draft is cleared, and only if "typing" went out.
      if (typingIdle) timers.clearTimeout(typingIdle);
      typingIdle = null;
      if (!on) {
        if (lastTyping) emitTyping(false);
        lastTyping = 0;
        return;
      }
      typingIdle = timers.setTimeout(() => {
        typingIdle = null;
        if (lastTyping) emitTyping(false);
        lastTyping = 0;
      }, timing.typingIdleMs);
      const now = timers.now();
      if (lastTyping && now - lastTyping < timing.typingThrottleMs) return;
      lastTyping = now;
      emitTyping(true);
    },
    logout() {
      identity = null;
      if (typingIdle) timers.clearTimeout(typingIdle);
      typingIdle = null;
      lastTyping = 0;
      reorder.reset(); // nothing of the previous visitor's is shown after the logout
      forgetVisitor(store, { waitForOtherTab: false });
    },
    close() {
      reorder.reset();
      if (retryTimer) timers.clearTimeout(retryTimer);
      if (tabWait) timers.clearTimeout(tabWait);
      if (typingIdle) timers.clearTimeout(typingIdle);
      if (agentTypingTimer) timers.clearTimeout(agentTypingTimer);
      epoch += 1;
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      socket.disconnect();
    },
  };
}
