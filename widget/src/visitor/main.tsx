// The chat bundle (chat.js), loaded by the loader on first open or when the page is idle.
// mount() draws the panel in the loader's Shadow DOM root and returns the live API.
import type { Message, WidgetConfig } from '@baton/shared';
import { render } from 'preact';
import { adoptCss } from '../ui/adopt-css.js';
import { Chat } from './Chat.js';
import { connect } from './connection.js';
import { pickLocale, type Strings } from './i18n.js';
import { createVisitorStore, setOpen } from './store.js';
import { chatCss } from './styles.js';


export interface MountOptions {
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  serverUrl: string;
  siteKey: string;
  locale: string | null;
}

type EventName = 'ready' | 'open' | 'close' | 'message' | 'status';
export interface BatonApi {
  open(): void;
  close(): void;
  toggle(): void;
  on(event: EventName, callback: (payload?: unknown) => void): void;
  setLocale(locale: string): void;
}

export function mount(options: MountOptions): BatonApi {
  const { root, launcher, serverUrl, siteKey } = options;
  const store = createVisitorStore(siteKey);
  const listeners = new Map<EventName, ((payload?: unknown) => void)[]>();
  const emit = (event: EventName, payload?: unknown) => {
    for (const cb of listeners.get(event) ?? []) {
      try {
        cb(payload);
      } catch {
        // a host page's callback must not break the chat
      }
    }
  };
  let strings: Strings = pickLocale(options.locale);
  let renderMarkdown: ((md: string) => string) | null = null;

  adoptCss(root, chatCss);
  const container = document.createElement('div');
  container.className = 'bt-root';
  root.append(container);

  const connection = connect(store, serverUrl, (m: Message) => emit('message', m));

  fetch(`${serverUrl}/api/sites/${encodeURIComponent(siteKey)}/widget-config`)
    .then((r) => r.json() as Promise<{ ok: boolean; config?: WidgetConfig }>)
    .then((r) => {
      if (!r.ok || !r.config) return;
      store.setState({ config: r.config });
      container.style.setProperty('--bt-accent', r.config.color);
    })
    .catch(() => {});

  // Markdown (marked + DOMPurify) is its own chunk: until it arrives, messages show as plain text.
  import('../ui/markdown.js').then((m) => {
    renderMarkdown = m.renderMarkdown;
    draw();
  });

  const close = () => {
    if (!store.getState().open) return;
    setOpen(store, false);
    launcher.hidden = false;
    launcher.focus();
    emit('close');
  };
  const open = () => {
    if (store.getState().open) return;
    setOpen(store, true);
    launcher.hidden = true;
    emit('open');
  };

  function draw() {
    const s = store.getState();
    render(s.open ? <Chat store={store} connection={connection} strings={strings} render={renderMarkdown} onClose={close} /> : null, container);
  }

  // Unread badge on the launcher, and status events for the host page.
  const badge = document.createElement('span');
  badge.className = 'bt-badge';
  badge.hidden = true;
  launcher.append(badge);
  store.subscribe((s, prev) => {
    if (s.open !== prev.open) draw();
    if (s.unread !== prev.unread) {
      badge.hidden = s.unread === 0;
      badge.textContent = String(s.unread);
      launcher.setAttribute('aria-label', s.unread ? `${strings.openChat} (${s.unread})` : strings.openChat);
    }
    if (s.conversation !== prev.conversation && s.conversation) emit('status', s.conversation);
  });

  draw();
  queueMicrotask(() => emit('ready'));
  return {
    open,
    close,
    toggle: () => (store.getState().open ? close() : open()),
    on(event, callback) {
      if (typeof callback !== 'function') return;
      listeners.set(event, [...(listeners.get(event) ?? []), callback]);
    },
    setLocale(locale) {
      strings = pickLocale(locale);
      launcher.setAttribute('aria-label', strings.openChat);
      draw();
    },
  };
}
