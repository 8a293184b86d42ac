// One conversation: handoff package, transcript, the agent's controls and composer.
import type { ConversationSummary, Outcome } from '@baton/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { renderMarkdown } from '../ui/markdown.js';
import { MessageList } from '../ui/MessageList.js';
import { filesFrom, uploadFile } from '../ui/upload.js';
import { useStore } from '../ui/use-store.js';
import type { AgentSocket } from './connection.js';
import { CallArea } from './Call.js';
import { Handoff } from './Handoff.js';
import { addMessages, beginSend, cannedMatches, consoleStore, describeDecision, endSend, markSeen, setDraft as storeDraft, upsertConversations } from './store.js';
import { clientId, Notes, Transfer, VerdictPicker, VisitorPanel } from './Tools.js';
import { useAgentTyping } from './typing.js';

/** How long a reply waits for the server's answer before the agent may send it again (same client id). */
const SEND_TIMEOUT_MS = 8000;
const labels = { bot: 'Assistant', you: 'You', visitor: 'Visitor', sending: 'Sending…', notSent: 'Not sent', spoken: 'Spoken' };
const OUTCOMES: Array<[Outcome, string]> = [
  ['solved', 'Solved'],
  ['not_solved', 'Not solved'],
  ['won', 'Won (sale)'],
  ['quote_sent', 'Quote sent'],
  ['lost', 'Lost (sale)'],
  ['spam', 'Spam'],
];

/** What the site vouched for: the user id (HMAC or JWT) and, with a JWT's claims, the name and email too. */
function identityNote(v: { verified: boolean; detailsVerified?: boolean; name: string | null; email: string | null }): string {
  if (!v.verified) return 'unverified — not confirmed by the site';
  if (v.detailsVerified || (!v.name && !v.email)) return 'verified';
  return 'user id verified — name and email as the page gave them, not confirmed';
}

export function Conversation({ conversation, socket }: { conversation: ConversationSummary; socket: AgentSocket }) {
  const agent = useStore(consoleStore, (s) => s.agent);
  const messages = useStore(consoleStore, (s) => s.messages[conversation.id] ?? []);
  const typing = useStore(consoleStore, (s) => s.visitorTyping[conversation.id] ?? false);
  const decisions = useStore(consoleStore, (s) => s.decisions[conversation.id]);
  const notes = decisions ? Object.fromEntries(Object.entries(decisions).map(([id, d]) => [id, describeDecision(d)])) : undefined;
  // Kept in the store per conversation, so switching never carries a reply to another visitor.
  const draft = useStore(consoleStore, (s) => s.drafts[conversation.id] ?? '');
  const agentTyping = useAgentTyping(socket, conversation.id);
  const setDraft = (body: string) => {
    storeDraft(conversation.id, body);
    agentTyping.typed(body);
  };
  const [error, setError] = useState<string | null>(null);
  const [transferring, setTransferring] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(conversation.handoff?.trigger === 'high_value_intent' ? 'quote_sent' : 'solved');
  const conversationNotes = useStore(consoleStore, (s) => s.notes[conversation.id] ?? []);
  const canned = useStore(consoleStore, (s) => s.canned);
  const [preview, setPreview] = useState(false);
  const suggestions = cannedMatches(draft, canned);
  const picker = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<{ name: string; pct: number } | null>(null);
  async function sendFiles(files: File[]) {
    for (const file of files) {
      setUpload({ name: file.name || 'image', pct: 0 });
      const result = await uploadFile('/api/attachments', file, { 'x-conversation-id': conversation.id, 'content-type': file.type || 'application/octet-stream' }, (f) =>
        setUpload({ name: file.name || 'image', pct: Math.round(f * 100) }),
      );
      setUpload(null);
      if (result.ok) addMessages(conversation.id, [result.message]);
      else setError(result.message);
    }
  }
  const panel = useStore(consoleStore, (s) => s.visitorPanels[conversation.id]);
  const mine = conversation.control === 'agent' && conversation.agent?.id === agent?.id;

  // Read receipts: while this agent holds the conversation and the console is visible.
  const lastSeq = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (lastSeq > 0) markSeen(conversation.id, lastSeq);
  }, [lastSeq, conversation.id]);
  useEffect(() => {
    if (!mine || lastSeq === 0 || document.visibilityState !== 'visible') return;
    socket.emit('conversation:read', { conversationId: conversation.id, seq: lastSeq }, () => {});
  }, [mine, lastSeq, conversation.id]);

  async function act(event: 'conversation:claim' | 'conversation:handBack' | 'conversation:resolve') {
    setError(null);
    // "Stopped" goes first: once the agent no longer holds the conversation it would be dropped.
    if (event !== 'conversation:claim') agentTyping.stop();
    const ack = await socket.emitWithAck(event, { conversationId: conversation.id, ...(event === 'conversation:resolve' ? { outcome } : {}) });
    if (ack.ok) upsertConversations([ack.conversation]);
    else setError(ack.error.message);
  }

  const sending = useStore(consoleStore, (s) => s.outgoing[conversation.id]?.sending ?? false);
  async function send(e: Event) {
    e.preventDefault();
    const body = draft.trim();
    if (!body) return;
    const id = beginSend(conversation.id, body, () => clientId('a'));
    if (!id) return; // the same reply is already on its way
    setError(null);
    try {
      const ack = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('message:send', { conversationId: conversation.id, clientId: id, body });
      endSend(conversation.id, ack.ok);
      if (ack.ok) {
        addMessages(conversation.id, [ack.message]);
        // Only what was sent is cleared: words typed while it was on its way stay.
        if ((consoleStore.getState().drafts[conversation.id] ?? '').trim() === body) setDraft('');
        agentTyping.stop();
      } else setError(ack.error.message);
    } catch {
      endSend(conversation.id, false);
      setError('The server has not confirmed this reply yet. Send again: it will not be sent twice.');
    }
  }

  const who = conversation.agent ? conversation.agent.name : null;
  return (
    <section
      class="conversation"
      aria-label="Conversation"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (mine) void sendFiles(filesFrom(e.dataTransfer));
      }}
    >
      <header class="conv-head">
        <div>
          <h2>{conversation.visitor?.name ?? `Visitor ${conversation.visitorId.slice(-6)}`}</h2>
          {conversation.visitor && (
            <p class="identity">
              {[conversation.visitor.email, conversation.visitor.userId && `user ${conversation.visitor.userId}`].filter(Boolean).join(' · ')}{' '}
              <span class={conversation.visitor.verified ? 'verified' : 'unverified'}>{identityNote(conversation.visitor)}</span>
            </p>
          )}
          <p class="muted">
            {conversation.control === 'queued' && 'Waiting in the queue'}
            {conversation.control === 'bot' && 'With the bot'}
            {conversation.control === 'agent' && (mine ? 'You are in this conversation' : `With ${who}`)}
            {conversation.control === 'closed' && 'Resolved'}
            {conversation.channel === 'voice' && <span class="status status-voice">On voice</span>}
          </p>
          {conversation.callbackPhone && (
            <p class="callback" role="note">
              Call back: <a href={`tel:${conversation.callbackPhone.replace(/[^+0-9]/g, '')}`}>{conversation.callbackPhone}</a>
            </p>
          )}
          {conversation.csat && (
            <p class="csat">
              Visitor rated {conversation.csat.rating}/5{conversation.csat.comment ? `: “${conversation.csat.comment}”` : ''}
            </p>
          )}
        </div>
        <div class="actions">
          {(conversation.control === 'queued' || conversation.control === 'bot') && (
            <button type="button" class="primary" aria-keyshortcuts="Alt+T" title="Take over (Alt+T)" onClick={() => act('conversation:claim')}>
              Take over
            </button>
          )}
          {mine && (
            <button type="button" onClick={() => act('conversation:handBack')}>
              Hand back to bot
            </button>
          )}
          {mine && (
            <button type="button" aria-expanded={transferring} onClick={() => setTransferring(!transferring)}>
              Transfer
            </button>
          )}
          {(mine || conversation.control === 'queued') && (
            <span class="resolve">
              <select aria-label="Outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value as Outcome)}>
                {OUTCOMES.map(([value, label]) => (
                  <option value={value}>{label}</option>
                ))}
              </select>
              <button type="button" aria-keyshortcuts="Alt+R" title="Resolve (Alt+R)" onClick={() => act('conversation:resolve')}>
                Resolve
              </button>
            </span>
          )}
        </div>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <CallArea conversation={conversation} socket={socket} mine={mine} />
      {transferring && agent && (
        <Transfer
          conversationId={conversation.id}
          selfId={agent.id}
          socket={socket}
          onStart={agentTyping.stop}
          onDone={(message) => {
            setTransferring(false);
            setError(message);
          }}
        />
      )}
      {conversation.handoff && <Handoff handoff={conversation.handoff} />}
      {(conversation.handoff || conversation.verdict || conversation.control === 'agent') && <VerdictPicker conversation={conversation} socket={socket} />}
      <div class="conv-body">
      <div class="conv-main">
      <MessageList messages={messages} viewer="agent" render={renderMarkdown} labels={labels} label="Transcript" notes={notes} />
      {upload && (
        <p class="typing" aria-live="polite">
          Sending {upload.name}… {upload.pct}%
        </p>
      )}
      <p class="typing" aria-live="polite">{typing ? 'Visitor is typing…' : ''}</p>
      {suggestions.length > 0 && mine && (
        <ul class="canned" aria-label="Canned responses">
          {suggestions.map((c) => (
            <li>
              <button type="button" onClick={() => setDraft(c.body)}>
                <strong>/{c.shortcut}</strong> {c.body}
              </button>
            </li>
          ))}
        </ul>
      )}
      {preview && draft.trim() && (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown sanitizes with DOMPurify
        <div class="preview-pane bt-body" aria-label="Preview" dangerouslySetInnerHTML={{ __html: renderMarkdown(draft) }} />
      )}
      <form class="composer" onSubmit={send}>
        <textarea
          aria-label="Reply"
          placeholder={mine ? 'Reply to the visitor (Markdown; / for canned responses)…' : 'Take over to reply'}
          disabled={!mine}
          value={draft}
          rows={3}
          onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
          onBlur={() => agentTyping.stop()}
          onPaste={(e) => {
            const files = filesFrom(e.clipboardData);
            if (files.length && mine) {
              e.preventDefault();
              void sendFiles(files);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
            // "/" + shortcut, then Tab: the first matching canned response.
            if (e.key === 'Tab' && suggestions[0]) {
              e.preventDefault();
              setDraft(suggestions[0].body);
            }
          }}
        />
        <button type="button" aria-pressed={preview} onClick={() => setPreview(!preview)} disabled={!mine}>
          Preview
        </button>
        <input
          ref={picker}
          type="file"
          hidden
          accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
          onChange={(e) => {
            const el = e.target as HTMLInputElement;
            void sendFiles([...(el.files ?? [])]);
            el.value = '';
          }}
        />
        <button type="button" disabled={!mine || !!upload} onClick={() => picker.current?.click()}>
          Attach file
        </button>
        <button type="submit" class="primary" disabled={!mine || !draft.trim() || sending} aria-busy={sending}>
          Send
        </button>
      </form>
      </div>
      <div class="conv-side">
        <Notes conversationId={conversation.id} notes={conversationNotes} socket={socket} />
        <VisitorPanel panel={panel} visitorId={conversation.visitorId} isAdmin={agent?.role === 'admin'} />
      </div>
      </div>
    </section>
  );
}
