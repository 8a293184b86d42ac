// The console: sign in, then the live queue beside the open conversation.
import type { Agent, ConversationSummary, HandoffPackage } from '@baton/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useStore } from '../ui/use-store.js';
import { type AgentSocket, connectAgent } from './connection.js';
import { Admin } from './Admin.js';
import { endCall } from './call.js';
import { Analytics } from './Analytics.js';
import { Conversation } from './Conversation.js';
import { triggerLabel } from './Handoff.js';
import { SetPassword, SignIn } from './SignIn.js';
import { applyOpened, consoleStore, loadSeen, onQueueArrival, queueOrder, unreadCount } from './store.js';

function waited(since: string | null, now: number): string {
  if (!since) return '';
  const s = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** The rest of the handoff package, a line each, so the agent can choose before opening. */
function HandoffLines({ handoff }: { handoff: HandoffPackage }) {
  const details = Object.entries(handoff.customerDetails);
  return (
    <>
      <span class="card-line why">
        {handoff.reason}
        {handoff.evidence.length > 0 && <span class="muted"> — {handoff.evidence.join(' · ')}</span>}
      </span>
      {details.length > 0 && (
        <span class="card-line">
          {details.map(([k, v]) => (
            <span class="detail">
              {k}: {v}
            </span>
          ))}
        </span>
      )}
      {handoff.attempted.length > 0 && (
        <span class="card-line tried">Tried: {handoff.attempted.map((a) => `${a.action}: ${a.outcome}`).join(' · ')}</span>
      )}
    </>
  );
}

function QueueItem({ c, selected, now, unread, onOpen }: { c: ConversationSummary; selected: boolean; now: number; unread: number; onOpen: () => void }) {
  return (
    <li class={`queue-item ${selected ? 'selected' : ''} control-${c.control}`}>
      <button type="button" onClick={onOpen} aria-current={selected ? 'true' : undefined}>
        <span class="row">
          <span class={`badge badge-${c.control}`}>{c.control === 'agent' ? c.agent?.name ?? 'agent' : c.control}</span>
          {c.handoff && <span class={`status status-${c.handoff.status}`}>{c.handoff.status}</span>}
          {c.control === 'queued' && !c.abandoned && <span class="timer">waiting {waited(c.queuedAt, now)}</span>}
          {c.abandoned && <span class="status status-left">left the chat</span>}
          {unread > 0 && !selected && <span class="unread">{unread} new</span>}
          {c.replyLater && <span class="status status-later">{c.callbackPhone ? 'call back' : 'reply later'}</span>}
          {c.channel === 'voice' && <span class="status status-voice">On voice</span>}
          {c.handoff?.riskFlags.map((f) => (
            <span class="flag">{f}</span>
          ))}
        </span>
        {c.handoff && (
          <span class="reason">
            {triggerLabel(c.handoff.trigger)} · {c.handoff.intent}
          </span>
        )}
        {c.handoff && <HandoffLines handoff={c.handoff} />}
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
  const seen = useStore(consoleStore, (s) => s.seenSeq);
  const alerts = useStore(consoleStore, (s) => s.alerts);
  const call = useStore(consoleStore, (s) => s.call);
  const [socket, setSocket] = useState<AgentSocket | null>(null);
  const [now, setNow] = useState(Date.now());
  const openRef = useRef<((id: string) => Promise<void>) | null>(null);
  const [view, setView] = useState<'queue' | 'analytics' | 'admin'>('queue');

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
    loadSeen(agent.id);
    const s = connectAgent(() => consoleStore.setState({ agent: null }));
    setSocket(s);
    fetch('/api/agent/site', { credentials: 'same-origin' })
      .then((r) => r.json() as Promise<{ ok: boolean; site?: { cannedResponses: Array<{ shortcut: string; body: string }> } }>)
      .then((r) => r.ok && r.site && consoleStore.setState({ canned: r.site.cannedResponses }))
      .catch(() => {});
    return () => s.disconnect();
  }, [agent?.id]);

  // New arrivals: a short tone and a desktop notification, when the agent turned alerts on.
  useEffect(() => {
    onQueueArrival((c) => {
      if (!consoleStore.getState().alerts) return;
      try {
        const audio = new AudioContext();
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        gain.gain.value = 0.05;
        tone.frequency.value = 660;
        tone.connect(gain).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.15);
      } catch {
        // no audio: the title badge still counts
      }
      if ('Notification' in window && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
        new Notification('New conversation waiting', { body: c.handoff?.summary ?? c.lastMessage ?? '', tag: c.id });
      }
    });
  }, []);

  // Keyboard: Alt+↓ / Alt+↑ move through the list, Alt+T takes over, Alt+R resolves.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const state = consoleStore.getState();
      const ids = queueOrder(Object.values(state.conversations).filter((c) => c.control !== 'closed')).map((c) => c.id);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const at = state.selectedId ? ids.indexOf(state.selectedId) : -1;
        const next = ids[Math.min(ids.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) void openRef.current?.(next);
      } else if (e.code === 'KeyT' || e.code === 'KeyR') {
        // The physical key: on macOS Alt+T types "†", so e.key is no help.
        const label = e.code === 'KeyT' ? 'Take over' : 'Resolve';
        const button = [...document.querySelectorAll<HTMLButtonElement>('.conversation .actions button')].find((b) => b.textContent?.trim() === label);
        if (button) {
          e.preventDefault();
          button.click();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

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

  openRef.current = open;

  async function toggleAlerts() {
    const on = !alerts;
    if (on && 'Notification' in window && Notification.permission === 'default') await Notification.requestPermission().catch(() => {});
    consoleStore.setState({ alerts: on });
  }

  async function setPresence(presence: 'online' | 'away') {
    consoleStore.setState({ presence });
    await socket?.emitWithAck('presence:set', { presence });
  }

  async function signOut() {
    endCall(true); // the hangup goes out before the socket closes
    await fetch('/api/agent/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
    socket?.disconnect();
    consoleStore.setState({ agent: null, conversations: {}, messages: {}, selectedId: null, drafts: {}, seenSeq: {} });
  }

  const selected = selectedId ? conversations[selectedId] : undefined;
  return (
    <div class="layout">
      <header class="topbar">
        <strong>Baton</strong>
        <span class={`conn conn-${connection}`}>{connection === 'online' ? 'Live' : 'Reconnecting…'}</span>
        {agent.role === 'admin' && (
          <span class="tabs">
            <button type="button" aria-pressed={view === 'queue'} onClick={() => setView('queue')}>
              Conversations
            </button>
            <button type="button" aria-pressed={view === 'analytics'} onClick={() => setView('analytics')}>
              Analytics
            </button>
            <button type="button" aria-pressed={view === 'admin'} onClick={() => setView('admin')}>
              Team
            </button>
          </span>
        )}
        <span class="spacer" />
        {call && call.state !== 'ended' && (call.conversationId !== selectedId || view !== 'queue') && (
          // The call goes on while the agent looks elsewhere; its controls are one click away.
          <button
            type="button"
            class="primary"
            onClick={() => {
              setView('queue');
              void open(call.conversationId);
            }}
          >
            Back to the call
          </button>
        )}
        <button type="button" aria-pressed={alerts} onClick={toggleAlerts} title="Sound and desktop notifications for new arrivals">
          Alerts
        </button>
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
              <QueueItem key={c.id} c={c} now={now} unread={unreadCount(c, seen, agent.id)} selected={c.id === selectedId} onOpen={() => open(c.id)} />
            ))}
          </ul>
        )}
      </nav>
      <main class="main">
        {view === 'admin' ? (
          <Admin />
        ) : view === 'analytics' ? (
          <Analytics
            onOpenConversation={(id) => {
              setView('queue');
              void open(id);
            }}
          />
        ) : selected && socket ? (
          // Keyed: the outcome, transfer form and note draft belong to one conversation, never the next.
          <Conversation key={selected.id} conversation={selected} socket={socket} />
        ) : (
          <p class="muted empty">Pick a conversation from the queue.</p>
        )}
      </main>
    </div>
  );
}
