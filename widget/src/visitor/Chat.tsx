// The chat panel a visitor sees: header with live status, the transcript, the composer.
import type { VisitorConversation } from '@baton/shared';
import { LIMITS } from '@baton/shared/limits';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MessageList } from '../ui/MessageList.js';
import { useStore } from '../ui/use-store.js';
import type { Connection } from './connection.js';
import type { Strings } from './i18n.js';
import { visibleMessages } from './messages.js';
import type { VisitorStore } from './store.js';

export interface ChatProps {
  store: VisitorStore;
  connection: Connection;
  strings: Strings;
  render: ((markdown: string) => string) | null;
  onClose: () => void;
}

function statusLine(c: VisitorConversation | null, t: Strings): string {
  if (!c) return t.withBot;
  switch (c.control) {
    case 'queued': {
      if (c.replyLater) return t.replyLaterChosen(c.contactEmail ?? null);
      if (c.unavailable?.kind === 'closed') {
        const opens = c.unavailable.opensAt ? new Date(c.unavailable.opensAt) : null;
        return opens ? t.closedUntil(opens.toLocaleString(undefined, { weekday: 'long', hour: '2-digit', minute: '2-digit' })) : t.closedNow;
      }
      if (c.wait?.kind === 'no_agents') return t.noAgents;
      if (c.unavailable?.kind === 'busy') return t.busy;
      const place = !c.queuePosition || c.queuePosition <= 1 ? t.queuedFirst : t.queued(c.queuePosition);
      const when =
        c.wait?.kind === 'range' ? t.waitRange(c.wait.lowMinutes, c.wait.highMinutes) : c.wait?.kind === 'soon' ? t.waitSoon : c.wait?.kind === 'unknown' ? t.waitUnknown : null;
      return when ? `${place} — ${when}` : place;
    }
    case 'agent':
      return t.withAgent(c.agent?.name ?? 'our team');
    case 'closed':
      return t.resolved;
    default:
      return t.withBot;
  }
}

function Rating({ conversationId, connection, t }: { conversationId: string; connection: Connection; t: Strings }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (rating: number) => {
    setBusy(true);
    setError(await connection.rate(conversationId, rating, comment));
    setBusy(false);
  };
  return (
    <div class="bt-rating">
      <p class="bt-rating-title">{t.rateTitle}</p>
      <textarea class="bt-input bt-comment" aria-label={t.comment} placeholder={t.comment} rows={2} maxLength={1000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      <div class="bt-stars" role="group" aria-label={t.rate}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button type="button" class="bt-star" aria-label={t.stars(n)} disabled={busy} onClick={() => send(n)}>
            <span aria-hidden="true">★</span>
          </button>
        ))}
      </div>
      {error && <p class="bt-meta bt-error" role="alert">{error}</p>}
    </div>
  );
}

/** Offered while nobody can answer live: wait, or a reply later in this chat (and by email). */
function ReplyLater({ connection, t }: { connection: Connection; t: Strings }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="bt-later"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(await connection.replyLater(email));
        setBusy(false);
      }}
    >
      <p class="bt-meta">{t.replyLaterOffer}</p>
      <div class="bt-later-row">
        <input class="bt-input" type="email" aria-label={t.email} placeholder={t.email} autocomplete="email" maxLength={254} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        <button type="submit" class="bt-send" disabled={busy}>
          {t.replyLater}
        </button>
      </div>
      {error && <p class="bt-meta bt-error" role="alert">{error}</p>}
    </form>
  );
}

export function Chat({ store, connection, strings: t, render, onClose }: ChatProps) {
  const messages = useStore(store, (s) => s.messages);
  const outbox = useStore(store, (s) => s.outbox);
  const conversation = useStore(store, (s) => s.conversation);
  const state = useStore(store, (s) => s.connection);
  const typing = useStore(store, (s) => s.agentTyping);
  const config = useStore(store, (s) => s.config);
  const slowDown = useStore(store, (s) => s.slowDown);
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = (text: string) => {
    const body = text.trim();
    if (!body) return;
    connection.send(body);
    connection.typing(false);
    setDraft('');
    input.current?.focus();
  };

  const greeting = config?.greeting;
  const shown = visibleMessages(messages, outbox);
  const lastOwn = [...messages].reverse().find((m) => m.author.kind === 'visitor' && m.conversationId === conversation?.id);
  const receipt = lastOwn ? { id: lastOwn.id, label: (conversation?.readSeq ?? 0) >= lastOwn.seq ? t.read : t.delivered } : undefined;
  return (
    <section class="bt-panel" role="dialog" aria-modal="false" aria-label={config?.name ?? 'Chat'} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header class="bt-header">
        <div>
          <h2 class="bt-title">{config?.name ?? 'Chat'}</h2>
          <p class="bt-status" role="status" aria-live="polite">
            {state === 'unavailable' ? t.unavailable : state === 'online' ? statusLine(conversation, t) : state === 'connecting' ? t.connecting : t.reconnecting}
          </p>
        </div>
        <button type="button" class="bt-close" aria-label={t.closeChat} onClick={onClose}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg>
        </button>
      </header>
      {greeting && shown.length === 0 && <p class="bt-greeting">{greeting}</p>}
      <MessageList
        messages={shown}
        viewer="visitor"
        render={render}
        label={t.transcript}
        labels={{ bot: config?.botName ?? t.bot, you: t.you, visitor: t.visitor, sending: t.sending, notSent: t.notSent }}
        onQuickReply={conversation?.control === 'closed' ? undefined : submit}
        receipt={receipt}
      />
      <p class="bt-typing" aria-live="polite">{slowDown ? t.slowDown : typing ? t.typing(typing) : ''}</p>
      {conversation?.control === 'queued' && conversation.unavailable && !conversation.replyLater && state === 'online' && <ReplyLater connection={connection} t={t} />}
      {conversation?.control === 'closed' &&
        (conversation.rated ? <p class="bt-thanks" aria-live="polite">{t.thanks}</p> : <Rating conversationId={conversation.id} connection={connection} t={t} />)}
      {state === 'unavailable' ? null : (
        <form
          class="bt-composer"
          onSubmit={(e) => {
            e.preventDefault();
            submit(draft);
          }}
        >
          <textarea
            ref={input}
            class="bt-input"
            aria-label={t.message}
            placeholder={t.placeholder}
            rows={1}
            maxLength={LIMITS.messageBodyMax}
            value={draft}
            onInput={(e) => {
              const value = (e.target as HTMLTextAreaElement).value;
              setDraft(value);
              connection.typing(value.length > 0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                submit(draft);
              }
            }}
          />
          <button type="submit" class="bt-send" disabled={!draft.trim()}>
            {t.send}
          </button>
        </form>
      )}
    </section>
  );
}
