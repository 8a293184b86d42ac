// The console's socket: the session cookie authenticates it (same origin).
import type { AgentClientToServer, AgentServerToClient, Message } from '@baton/shared';
import { io, type Socket } from 'socket.io-client';
import { ReorderBuffer } from '../ui/reorder.js';
import { resumeAfter } from '../ui/resume.js';
import { receiveCallSignal } from './call.js';
import { addDecisions, addMessages, addNotes, applyOpened, consoleStore, setVisitorTyping, upsertConversations } from './store.js';

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

/** Where the unbroken run of a conversation's messages in this console ends: what to resume after. */
const shownUpTo = (conversationId: string) => resumeAfter((consoleStore.getState().messages[conversationId] ?? []).map((m) => m.seq));

export function connectAgent(onUnauthorized: () => void): AgentSocket {
  const socket: AgentSocket = io('/agent', { withCredentials: true });
  socket.on('connect', async () => {
    consoleStore.setState({ connection: 'online' });
    const ack = await socket.emitWithAck('queue:list', {});
    if (ack.ok) upsertConversations(ack.conversations);
    const selected = consoleStore.getState().selectedId;
    if (selected) {
      const done = reorder.catchingUp();
      try {
        const opened = await socket.emitWithAck('conversation:open', { conversationId: selected, afterSeq: shownUpTo(selected) });
        if (opened.ok) applyOpened(selected, opened);
      } finally {
        done();
      }
    }
  });
  socket.on('disconnect', () => consoleStore.setState({ connection: 'reconnecting' }));
  socket.on('connect_error', (e: Error & { data?: { code?: string } }) => {
    if (e.data?.code === 'unauthorized') {
      socket.disconnect();
      onUnauthorized();
    } else consoleStore.setState({ connection: 'reconnecting' });
  });
  socket.on('conversation:updated', (c) => upsertConversations([c]));
  // Live messages in seq order (ui/reorder.ts); a gap that outlives the hold is fetched.
  const reorder = new ReorderBuffer<Message>({
    holdMs: 1500,
    shownUpTo,
    show: (ms) => {
      for (const m of ms) addMessages(m.conversationId, [m]);
    },
    gap: (conversationId) => {
      void socket.emitWithAck('conversation:open', { conversationId, afterSeq: shownUpTo(conversationId) }).then((opened) => {
        if (opened.ok) addMessages(conversationId, opened.messages);
        reorder.settle(conversationId);
      }, () => {});
    },
  });
  socket.on('message:new', (m) => reorder.push(m));
  socket.on('conversation:decision', (d) => addDecisions([d]));
  socket.on('note:new', (n) => addNotes(n.conversationId, [n]));
  socket.on('agent:updated', (a) => {
    if (a.id === consoleStore.getState().agent?.id && a.presence !== 'offline') consoleStore.setState({ presence: a.presence });
  });
  socket.on('typing', (t) => setVisitorTyping(t.conversationId, t.typing));
  socket.on('call:signal', (e) => receiveCallSignal(e));
  return socket;
}
