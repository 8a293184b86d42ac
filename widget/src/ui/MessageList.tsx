// The transcript, shared by the visitor widget and the agent console: bot, agent, visitor and
// system entries look different; the bot is labelled as automated.
import type { Message } from '@baton/shared';
import { useEffect, useRef } from 'preact/hooks';

export interface ListedMessage extends Message {
  /** Shown before the server acknowledged it (outbox). */
  pending?: boolean;
  failed?: string;
}

export interface MessageListProps {
  messages: ListedMessage[];
  /** Whose point of view: the visitor's own messages, or the agent's. */
  viewer: 'visitor' | 'agent';
  /** Markdown → sanitized HTML, or null while the renderer loads (text is shown as is). */
  render: ((markdown: string) => string) | null;
  /** `spoken`: the label of the mark on a message said aloud (its body is a transcript). */
  labels: { bot: string; you: string; visitor: string; sending: string; notSent: string; spoken?: string };
  onQuickReply?: (text: string) => void;
  label: string;
  /** Notes shown under a message (the console shows the bot's decision under the visitor turn it answered). */
  notes?: Record<string, string>;
  /** Delivery state shown under one message (the visitor's latest): "Delivered" or "Read". */
  receipt?: { id: string; label: string };
  /** Where attachment links point (the Baton server; '' when same-origin). */
  fileBase?: string;
}

function Files({ m, base }: { m: Message; base: string }) {
  return (
    <div class="bt-files">
      {m.attachments!.map((a) =>
        a.thumbUrl && a.url ? (
          <a href={base + a.url} target="_blank" rel="noopener noreferrer" class="bt-image">
            <img src={base + a.thumbUrl} alt={a.name} loading="lazy" width={Math.min(a.width ?? 160, 160)} />
          </a>
        ) : a.url ? (
          <a href={base + a.url} download={a.name} rel="noopener noreferrer" class="bt-file">
            {a.name} ({Math.max(1, Math.round(a.size / 1024))} KB)
          </a>
        ) : (
          <span class="bt-file">{a.name}</span>
        ),
      )}
    </div>
  );
}

/** A message said aloud in voice mode or a call: the body is what the speech engine heard. */
function SpokenMark({ label }: { label: string }) {
  return (
    <span class="bt-spoken" role="img" aria-label={label} title={label}>
      <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true">
        <path d="M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
      </svg>
    </span>
  );
}

function Body({ text, render }: { text: string; render: MessageListProps['render'] }) {
  if (!render) return <div class="bt-body bt-plain">{text}</div>;
  return <div class="bt-body" dangerouslySetInnerHTML={{ __html: render(text) }} />;
}

export function MessageList({ messages, viewer, render, labels, onQuickReply, label, notes, receipt, fileBase = '' }: MessageListProps) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length]);
  const last = messages.at(-1);
  return (
    // The log is the scrolling region (focusable, so keyboard users can scroll it); the list inside keeps list semantics.
    <div class="bt-log" role="log" aria-live="polite" aria-label={label} tabIndex={0}>
      <ol class="bt-list">
      {messages.map((m) => {
        if (m.author.kind === 'system') {
          return (
            <li key={m.id} class="bt-msg bt-system" data-notice={m.notice}>
              <Body text={m.body} render={render} />
            </li>
          );
        }
        const own = m.author.kind === viewer;
        const who =
          m.author.kind === 'bot'
            ? `${m.author.name ?? labels.bot} · automated`
            : m.author.kind === 'agent'
              ? (m.author.name ?? 'Agent')
              : own
                ? labels.you
                : labels.visitor;
        return (
          <li key={m.id} class={`bt-msg bt-${m.author.kind}${own ? ' bt-own' : ''}${m.pending ? ' bt-pending' : ''}`}>
            <div class="bt-author">
              {m.author.kind === 'agent' && <span class="bt-avatar" aria-hidden="true">{(m.author.name ?? 'A').slice(0, 1)}</span>}
              {who}
              {m.spoken && <SpokenMark label={labels.spoken ?? 'Spoken'} />}
            </div>
            {!(m.attachments?.length && m.attachments[0]!.name === m.body) && <Body text={m.body} render={render} />}
            {m.attachments?.length ? <Files m={m} base={fileBase} /> : null}
            {m.pending && !m.failed && <div class="bt-meta">{labels.sending}</div>}
            {m.failed && <div class="bt-meta bt-error">{labels.notSent}: {m.failed}</div>}
            {notes?.[m.id] && <div class="bt-decision">{notes[m.id]}</div>}
            {receipt?.id === m.id && <div class="bt-meta bt-receipt">{receipt.label}</div>}
            {onQuickReply && m === last && m.quickReplies && m.quickReplies.length > 0 && (
              <div class="bt-quick" role="group" aria-label="Suggested replies">
                {m.quickReplies.map((q) => (
                  <button type="button" class="bt-chip" onClick={() => onQuickReply(q)}>
                    {q}
                  </button>
                ))}
              </div>
            )}
          </li>
        );
      })}
        <li ref={end} class="bt-end" aria-hidden="true" />
      </ol>
    </div>
  );
}
