// The call area of a conversation whose visitor is on voice (issue 18): Join call, its state,
// mute and hang up. data-call-state and data-bytes-* (from the peer connection's stats, each
// second) say whether audio flows, for e2e tests and for anyone reading devtools.
import type { ConversationSummary } from '@baton/shared';
import { useStore } from '../ui/use-store.js';
import { endCall, joinCall, setMuted } from './call.js';
import type { AgentSocket } from './connection.js';
import { consoleStore } from './store.js';

const STATE_TEXT = { connecting: 'Connecting the call…', connected: 'On a call with the visitor', ended: 'Call ended' } as const;

export function CallArea({ conversation, socket, mine }: { conversation: ConversationSummary; socket: AgentSocket; mine: boolean }) {
  const call = useStore(consoleStore, (s) => (s.call?.conversationId === conversation.id ? s.call : null));
  const live = call && call.state !== 'ended';
  const canJoin = !live && conversation.channel === 'voice' && (conversation.control === 'queued' || mine);
  if (!call && !canJoin) return null;
  return (
    <section
      class="call"
      aria-label="Call"
      data-call-state={call?.state ?? 'idle'}
      data-bytes-received={call?.bytesReceived ?? 0}
      data-bytes-sent={call?.bytesSent ?? 0}
    >
      <p class="call-state" role="status" aria-live="polite">
        {call ? STATE_TEXT[call.state] : 'The visitor is on voice'}
        {live && call.muted ? ' · muted' : ''}
      </p>
      {call?.error && (
        <p class="error" role="alert">
          {call.error}
        </p>
      )}
      {canJoin && (
        <button type="button" class="primary" onClick={() => void joinCall(socket, conversation.id)}>
          Join call
        </button>
      )}
      {live && (
        <>
          <button type="button" aria-pressed={call.muted} onClick={() => setMuted(!call.muted)}>
            Mute
          </button>
          <button type="button" class="danger" onClick={() => endCall(true)}>
            Hang up
          </button>
        </>
      )}
    </section>
  );
}
