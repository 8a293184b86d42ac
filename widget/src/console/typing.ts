// The agent's "typing" as the visitor sees it: at most one "typing" every 2 s while keys are
// pressed, and "stopped" once the agent pauses, clears the draft, sends, leaves the conversation,
// hands it back or resolves it, so the widget never shows "… is typing" for someone who left.
import { useEffect, useRef } from 'preact/hooks';
import type { AgentSocket } from './connection.js';

export const TYPING_REFRESH_MS = 2000;
export const TYPING_IDLE_MS = 3000;

export function useAgentTyping(socket: AgentSocket, conversationId: string) {
  const state = useRef({ sentAt: 0, on: false, idle: undefined as ReturnType<typeof setTimeout> | undefined });
  const emit = (typing: boolean) => socket.emit('typing:set', { conversationId, typing }, () => {});

  const stop = () => {
    const s = state.current;
    clearTimeout(s.idle);
    s.idle = undefined;
    if (!s.on) return;
    s.on = false;
    s.sentAt = 0;
    emit(false);
  };

  /** Called with the draft after every edit. */
  const typed = (draft: string) => {
    if (!draft.trim()) return stop();
    const s = state.current;
    clearTimeout(s.idle);
    s.idle = setTimeout(stop, TYPING_IDLE_MS);
    const now = Date.now();
    if (now - s.sentAt < TYPING_REFRESH_MS) return;
    s.sentAt = now;
    s.on = true;
    emit(true);
  };

  // Switching to another conversation (or signing out) unmounts this one: say "stopped".
  useEffect(() => stop, [conversationId]);
  return { typed, stop };
}
