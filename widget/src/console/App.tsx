// The console: sign in, then the live queue beside the open conversation.
import type { Agent, ConversationSummary } from '@baton/shared';
import { useEffect, useState } from 'preact/hooks';
import { useStore } from '../ui/use-store.js';
import { type AgentSocket, connectAgent } from './connection.js';
import { Conversation } from './Conversation.js';
import { triggerLabel } from './Handoff.js';
import { SetPassword, SignIn } from './SignIn.js';
import { applyOpened, consoleStore, queueOrder } from './store.js';

function waited(since: string | null, now: number): string {
  if (!since) return '';
  const s = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function QueueItem({ c, selected, now, onOpen }: { c: ConversationSummary; selected: boolean; now: number; onOpen: () => void }) {
  return (
    <li class={`queue-item ${selected ? 'selected' : ''} control-${c.control}`}>
      <button type="button" onClick={onOpen} aria-current={selected ? 'true' : undefined}>
        <span class="row">
          <span class={`badge badge-${c.control}`}>{c.control === 'agent' ? c.agent?.name ?? 'agent' : c.control}</span>
          {c.handoff && <span class={`status status-${c.handoff.status}`}>{c.handoff.status}</span>}
          {c.control === 'queued' && !c.abandoned && <span class="timer">waiting {waited(c.queuedAt, now)}</span>}
          {c.abandoned && <span class="status status-left">left the chat</span>}
          {c.replyLater && <span class="status status-later">reply later</span>}
          {c.handoff?.riskFlags.map((f) => (
            <span class="flag">{f}</span>
          ))}
        </span>
        {c.handoff && (
          <span class="reason">
            {triggerLabel(c.handoff.trigger)} · {c.handoff.intent}
          </span>
        )}
        <span class="preview">{c.handoff?.summary ?? c.lastMessage ?? 'No messages yet'}</span>
      </button>
    </li>
  );
}

export function App() {
  const agent = useStore(consoleStore, (s) => s.agent);
  const checking = useStore(consoleStore, (s) => s.checkingSession);
  const conversations = useStore(consoleStore, (s) => s.conversations);
  const selectedId = useStore(consoleStore, (s) => s.selectedId);
  const connection = useStore(consoleStore, (s) => s.connection);
  const presence = useStore(consoleStore, (s) => s.presence);
  const [socket, setSocket] = useState<AgentSocket | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    fetch('/api/agent/me', { credentials: 'same-origin' })
      .then((r) => r.json() as Promise<{ ok: boolean; agent?: Agent }>)
      .then((r) => consoleStore.setState({ agent: r.ok && r.agent ? r.agent : null, checkingSession: false }))
      .catch(() => consoleStore.setState({ checkingSession: false }));
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!agent) return;
    const s = connectAgent(() => consoleStore.setState({ agent: null }));
    setSocket(s);
    return () => s.disconnect();
  }, [agent?.id]);

  const list = queueOrder(Object.values(conversations).filter((c) => c.control !== 'closed' || c.id === selectedId));
  const waiting = list.filter((c) => c.control === 'queued').length;
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Baton console` : 'Baton console';
  }, [waiting]);

  if (location.pathname === '/console/set-password' && location.hash.length > 1) {
    return <SetPassword token={location.hash.slice(1)} onDone={() => location.assign('/console')} />;
  }
  if (checking) return <p class="loading">Loading…</p>;
  if (!agent) return <SignIn onSignedIn={(a) => consoleStore.setState({ agent: a })} />;

  async function open(id: string) {
    consoleStore.setState({ selectedId: id });
    if (!socket) return;
    const ack = await socket.emitWithAck('conversation:open', { conversationId: id });
    if (ack.ok) applyOpened(id, ack);
  }

  async function setPresence(presence: 'online' | 'away') {
    consoleStore.setState({ presence });
    await socket?.emitWithAck('presence:set', { presence });
  }

  async function signOut() {
    await fetch('/api/agent/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
    socket?.disconnect();
    consoleStore.setState({ agent: null, conversations: {}, messages: {}, selectedId: null });
  }

  const selected = selectedId ? conversations[selectedId] : undefined;
  return (
    <div class="layout">
      <header class="topbar">
        <strong>Baton</strong>
        <span class={`conn conn-${connection}`}>{connection === 'online' ? 'Live' : 'Reconnecting…'}</span>
        <span class="spacer" />
        <label class="presence">
          <span>{agent.name}</span>
          <select aria-label="Status" value={presence} onChange={(e) => setPresence((e.target as HTMLSelectElement).value as 'online' | 'away')}>
            <option value="online">Online</option>
            <option value="away">Away</option>
          </select>
        </label>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav class="queue" aria-label="Queue">
        <h2>Queue {waiting > 0 && <span class="count">{waiting} waiting</span>}</h2>
        {list.length === 0 ? (
          <p class="muted">No conversations right now.</p>
        ) : (
          <ul>
            {list.map((c) => (
              <QueueItem key={c.id} c={c} now={now} selected={c.id === selectedId} onOpen={() => open(c.id)} />
            ))}
          </ul>
        )}
      </nav>
      <main class="main">{selected && socket ? <Conversation conversation={selected} socket={socket} /> : <p class="muted empty">Pick a conversation from the queue.</p>}</main>
    </div>
  );
}
