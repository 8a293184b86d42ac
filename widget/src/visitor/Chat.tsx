// The chat panel a visitor sees: header with live status, the transcript, the composer.
import type { VisitorConversation } from '@baton/shared';
import { LIMITS } from '@baton/shared/limits';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MessageList } from '../ui/MessageList.js';
import { filesFrom } from '../ui/upload.js';
import { useStore } from '../ui/use-store.js';
import type { Connection } from './connection.js';
import type { Strings } from './i18n.js';
import { visibleMessages } from './messages.js';
import type { VisitorStore } from './store.js';
import { MicButton, spaceToTalk, VoiceBar } from './VoiceBar.js';

export interface ChatProps {
  /** The Baton server, for attachment links. */
  serverUrl: string;
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
      if (c.replyLater) return c.callbackPhone ? t.callBackChosen(c.callbackPhone) : t.replyLaterChosen(c.contactEmail ?? null);
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

/** Offered while nobody can answer live: wait, or a reply later in this chat (and by email); on voice, a call back. */
function ReplyLater({ connection, t, voice }: { connection: Connection; t: Strings; voice: boolean }) {
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="bt-later"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(await connection.replyLater({ email }));
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
      {voice && (
        <div class="bt-later-row">
          <input class="bt-input" type="tel" aria-label={t.phone} placeholder={t.phone} autocomplete="tel" maxLength={26} value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} />
          <button
            type="button"
            class="bt-send"
            disabled={busy || !phone.trim()}
            onClick={async () => {
              setBusy(true);
              setError(await connection.replyLater({ phone }));
              setBusy(false);
            }}
          >
            {t.callMeBack}
          </button>
        </div>
      )}
      {error && <p class="bt-meta bt-error" role="alert">{error}</p>}
    </form>
  );
}

export function Chat({ serverUrl, store, connection, strings: t, render, onClose }: ChatProps) {
  const messages = useStore(store, (s) => s.messages);
  const outbox = useStore(store, (s) => s.outbox);
  const conversation = useStore(store, (s) => s.conversation);
  const state = useStore(store, (s) => s.connection);
  const typing = useStore(store, (s) => s.agentTyping);
  const config = useStore(store, (s) => s.config);
  const slowDown = useStore(store, (s) => s.slowDown);
  const voice = useStore(store, (s) => s.voice);
  const ctx = { store, connection };
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<{ name: string; pct: number } | null>(null);
  const [uploadError, setUploadError] = useState<{ message: string; file: File } | null>(null);
  const send = async (files: File[]) => {
    for (const file of files) {
      setUploadError(null);
      setUpload({ name: file.name || 'image', pct: 0 });
      const error = await connection.upload(file, (f) => setUpload({ name: file.name || 'image', pct: Math.round(f * 100) }));
      setUpload(null);
      // The same File again keeps its client id: a retry is never stored twice.
      if (error) setUploadError({ message: error, file });
    }
  };

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
    <section
      class="bt-panel"
      role="dialog"
      aria-modal="false"
      aria-label={config?.name ?? 'Chat'}
      onKeyDown={(e) => (e.key === 'Escape' ? onClose() : spaceToTalk(ctx, e, true))}
      onKeyUp={(e) => spaceToTalk(ctx, e, false)}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void send(filesFrom(e.dataTransfer));
      }}
    >
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
        labels={{ bot: config?.botName ?? t.bot, you: t.you, visitor: t.visitor, sending: t.sending, notSent: t.notSent, spoken: t.spoken }}
        onQuickReply={conversation?.control === 'closed' ? undefined : submit}
        receipt={receipt}
        fileBase={serverUrl}
      />
      {upload && <p class="bt-meta bt-upload" aria-live="polite">{t.uploading(upload.name, upload.pct)}</p>}
      {uploadError && (
        <p class="bt-meta bt-error" role="alert">
          {uploadError.message}{' '}
          <button type="button" class="bt-retry" disabled={!!upload} onClick={() => void send([uploadError.file])}>
            {t.retryUpload(uploadError.file.name || 'image')}
          </button>
        </p>
      )}
      <p class="bt-typing" aria-live="polite">{slowDown ? t.slowDown : typing ? t.typing(typing) : ''}</p>
      {(!conversation || conversation.control === 'bot') && state === 'online' && (
        // A visible way to a person, so nobody has to guess the words (issue 16).
        <p class="bt-person">
          <button type="button" class="bt-link" onClick={() => connection.send(t.askedForPerson, { askPerson: true })}>
            {t.talkToPerson}
          </button>
        </p>
      )}
      {conversation?.control === 'queued' && conversation.unavailable && !conversation.replyLater && state === 'online' && <ReplyLater connection={connection} t={t} voice={voice.on || conversation.channel === 'voice'} />}
      {conversation?.control === 'closed' &&
        (conversation.rated ? <p class="bt-thanks" aria-live="polite">{t.thanks}</p> : <Rating conversationId={conversation.id} connection={connection} t={t} />)}
      {state !== 'unavailable' && <VoiceBar ctx={ctx} voice={voice} t={t} />}
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
            onPaste={(e) => {
              const files = filesFrom(e.clipboardData);
              if (files.length) {
                e.preventDefault();
                void send(files);
              }
            }}
          />
          <input
            ref={picker}
            type="file"
            class="bt-file-input"
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => {
              const el = e.target as HTMLInputElement;
              void send([...(el.files ?? [])]);
              el.value = '';
            }}
          />
          <button type="button" class="bt-attach" aria-label={t.attach} title={t.attach} disabled={!!upload || state !== 'online'} onClick={() => picker.current?.click()}>
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M21 12.5l-8.5 8.5a5.5 5.5 0 01-7.8-7.8l9-9a3.7 3.7 0 015.2 5.2l-9 9a1.8 1.8 0 01-2.6-2.6l8.3-8.3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></svg>
          </button>
          <MicButton ctx={ctx} voice={voice} t={t} disabled={state !== 'online'} />
          <button type="submit" class="bt-send" disabled={!draft.trim()}>
            {t.send}
          </button>
        </form>
      )}
    </section>
  );
}
