// The agent's tools around a conversation: internal notes, the escalation verdict, transfer,
// and the visitor panel.
import type { AgentStatus, ConversationSummary, Note, Trigger, Verdict, VisitorPanel as Panel } from '@baton/shared';
import { useState } from 'preact/hooks';
import type { AgentSocket } from './connection.js';
import { TRIGGERS, triggerLabel } from './Handoff.js';
import { addNotes, upsertConversations } from './store.js';

let counter = 0;
// Random as well as counted: two agents (or two tabs) writing in the same conversation never collide.
export const clientId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

export function Notes({ conversationId, notes, socket }: { conversationId: string; notes: Note[]; socket: AgentSocket }) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function add(e: Event) {
    e.preventDefault();
    const body = draft.trim();
    if (!body) return;
    const ack = await socket.emitWithAck('note:add', { conversationId, clientId: clientId('n'), body });
    if (ack.ok) {
      addNotes(conversationId, [ack.note]);
      setDraft('');
      setError(null);
    } else setError(ack.error.message);
  }
  return (
    <section class="notes" aria-label="Internal notes">
      <h3>Internal notes <span class="muted">— only agents see these</span></h3>
      {notes.length > 0 && (
        <ul>
          {notes.map((n) => (
            <li key={n.id}>
              <strong>{n.author.name}</strong> <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
      )}
      <form class="note-form" onSubmit={add}>
        <input aria-label="Internal note" placeholder="Add a note for colleagues…" maxLength={4000} value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled={!draft.trim()}>
          Add note
        </button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

const VERDICTS: Array<[Verdict, string]> = [
  ['right', 'Right call'],
  ['too_early', 'Too early'],
  ['too_late', 'Too late'],
  ['wrong_reason', 'Wrong reason'],
];

/**
 * Seed step 6: was this escalation right? One click; the latest answer counts. "Wrong reason"
 * asks which trigger would have been right (and an optional comment), so the verdict exports as
 * an eval case.
 */
export function VerdictPicker({ conversation, socket }: { conversation: ConversationSummary; socket: AgentSocket }) {
  const [error, setError] = useState<string | null>(null);
  const [explaining, setExplaining] = useState(false);
  const [correct, setCorrect] = useState<Trigger | ''>('');
  const [comment, setComment] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const used = conversation.handoff?.trigger;
  async function judge(verdict: Verdict, extra: { correctTrigger?: Trigger; comment?: string } = {}) {
    setError(null);
    const ack = await socket.emitWithAck('conversation:verdict', { conversationId: conversation.id, verdict, ...extra });
    if (!ack.ok) return setError(ack.error.message);
    upsertConversations([ack.conversation]);
    setExplaining(false);
    setSaved(extra.correctTrigger ? `Saved: the right trigger was ${triggerLabel(extra.correctTrigger)}.` : null);
  }
  return (
    <div class="verdict" role="group" aria-label="Was this escalation right?">
      <span class="muted">Escalation:</span>
      {VERDICTS.map(([value, label]) => (
        <button
          type="button"
          class="chip"
          aria-pressed={conversation.verdict === value}
          aria-expanded={value === 'wrong_reason' ? explaining : undefined}
          onClick={() => (value === 'wrong_reason' ? setExplaining(!explaining) : judge(value))}
        >
          {label}
        </button>
      ))}
      <label class="repeat">
        <input
          type="checkbox"
          checked={conversation.repeated ?? false}
          onChange={async (e) => {
            const ack = await socket.emitWithAck('conversation:repeated', { conversationId: conversation.id, repeated: (e.target as HTMLInputElement).checked });
            if (ack.ok) upsertConversations([ack.conversation]);
            else setError(ack.error.message);
          }}
        />{' '}
        Customer had to repeat
      </label>
      {explaining && (
        <form
          class="wrong-reason"
          aria-label="Wrong reason"
          onSubmit={(e) => {
            e.preventDefault();
            if (correct) void judge('wrong_reason', { correctTrigger: correct, ...(comment.trim() ? { comment: comment.trim() } : {}) });
          }}
        >
          <select aria-label="The right trigger" value={correct} onChange={(e) => setCorrect((e.target as HTMLSelectElement).value as Trigger | '')}>
            <option value="" disabled>
              Which trigger would have been right?
            </option>
            {TRIGGERS.filter((t) => t !== used).map((t) => (
              <option value={t}>{triggerLabel(t)}</option>
            ))}
          </select>
          <input aria-label="Comment (optional)" placeholder="What the bot missed (optional)" maxLength={1000} value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
          <button type="submit" class="primary" disabled={!correct}>
            Save verdict
          </button>
          <button type="button" onClick={() => setExplaining(false)}>
            Cancel
          </button>
        </form>
      )}
      {saved && !explaining && <span role="status">{saved}</span>}
      {error && <span class="error" role="alert">{error}</span>}
    </div>
  );
}

export function Transfer({
  conversationId,
  selfId,
  socket,
  onStart,
  onDone,
}: { conversationId: string; selfId: string; socket: AgentSocket; onStart?: () => void; onDone: (error: string | null) => void }) {
  const [agents, setAgents] = useState<AgentStatus[] | null>(null);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  if (agents === null) {
    void socket.emitWithAck('agents:list', {}).then((ack) => {
      const list = ack.ok ? ack.agents.filter((a) => a.id !== selfId) : [];
      setAgents(list);
      const online = list.find((a) => a.presence !== 'offline');
      setTo(online ? `agent:${online.id}` : '');
    });
  }
  const teams = [...new Set(['support', 'billing', 'technical', 'sales', ...(agents ?? []).flatMap((a) => a.teams)])].sort();
  async function submit(e: Event) {
    e.preventDefault();
    if (!to) return;
    const [kind, value] = [to.slice(0, to.indexOf(':')), to.slice(to.indexOf(':') + 1)];
    const target = kind === 'team' ? { toTeam: value } : { toAgentId: value };
    onStart?.();
    const ack = await socket.emitWithAck('conversation:transfer', { conversationId, ...target, ...(note.trim() ? { note: note.trim() } : {}) });
    if (ack.ok) upsertConversations([ack.conversation]);
    onDone(ack.ok ? null : ack.error.message);
  }
  return (
    <form class="transfer" aria-label="Transfer" onSubmit={submit}>
      <select aria-label="Transfer to" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
        <option value="" disabled>
          Choose a colleague or team
        </option>
        <optgroup label="Colleagues">
          {(agents ?? []).map((a) => (
            <option value={`agent:${a.id}`} disabled={a.presence === 'offline'}>
              {a.name} — {a.presence}
              {a.teams.length ? ` (${a.teams.join(', ')})` : ''}, {a.load}/{a.capacity}
            </option>
          ))}
        </optgroup>
        <optgroup label="Teams (back to the queue, first in line)">
          {teams.map((t) => (
            <option value={`team:${t}`}>{t}</option>
          ))}
        </optgroup>
      </select>
      <input aria-label="Transfer note" placeholder="Note for your colleague (internal)" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary" disabled={!to}>
        Transfer now
      </button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
}

function browserOf(ua: string | undefined): string | null {
  if (!ua) return null;
  const m = /(Edg|OPR|Firefox|Chrome|Safari)\/(\d+)/.exec(ua);
  const name = m ? { Edg: 'Edge', OPR: 'Opera' }[m[1]!] ?? m[1] : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Linux/.test(ua) ? 'Linux' : '';
  return `${name}${m ? ` ${m[2]}` : ''}${os ? ` on ${os}` : ''}`;
}

function localTime(timeZone: string | undefined): string | null {
  if (!timeZone) return null;
  try {
    return new Date().toLocaleTimeString([], { timeZone, hour: '2-digit', minute: '2-digit' }) + ` (${timeZone})`;
  } catch {
    return null;
  }
}

export function VisitorPanel({ panel, visitorId, isAdmin }: { panel: Panel | undefined; visitorId: string; isAdmin: boolean }) {
  const [erased, setErased] = useState<string | null>(null);
  if (!panel) return null;
  async function erase() {
    if (!confirm('Erase everything this visitor said and shared, in every conversation? This cannot be undone.')) return;
    const res = await fetch(`/api/admin/visitors/${visitorId}/erase`, { method: 'POST', credentials: 'same-origin' }).catch(() => null);
    const body = res ? ((await res.json()) as { ok: boolean; messages?: number; error?: { message: string } }) : null;
    setErased(body?.ok ? `Erased (${body.messages ?? 0} messages).` : (body?.error?.message ?? 'Erasure failed.'));
  }
  const c = panel.context;
  const rows: Array<[string, string | null | undefined]> = [
    ['Page', c?.pageTitle ? `${c.pageTitle}` : null],
    ['URL', c?.pageUrl],
    ['Referrer', c?.referrer],
    ['Browser', browserOf(c?.userAgent)],
    ['Locale', c?.locale],
    ['Local time', localTime(c?.timeZone)],
  ];
  return (
    <aside class="visitor-panel" aria-label="Visitor">
      <h3>Visitor</h3>
      <dl>
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{k === 'URL' ? <span class="url">{v}</span> : v}</dd>
            </>
          ))}
      </dl>
      {isAdmin && (
        <p class="privacy">
          <a class="button" href={`/api/admin/visitors/${visitorId}/export`} download>
            Export visitor data
          </a>{' '}
          <button type="button" onClick={erase}>
            Erase visitor
          </button>
          {erased && <span role="status"> {erased}</span>}
        </p>
      )}
      <h4>Earlier conversations</h4>
      {panel.earlier.length === 0 ? (
        <p class="muted">None</p>
      ) : (
        <ul>
          {panel.earlier.map((e) => (
            <li>
              {new Date(e.createdAt).toLocaleDateString()} · {e.outcome ?? e.control}
              {e.summary ? ` · ${e.summary}` : ''}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
