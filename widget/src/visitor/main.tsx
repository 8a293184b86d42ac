// The chat bundle (chat-HASH.js), loaded by the loader when the chat opens — or at idle for a
// visitor whose conversation waits on a person. mount() draws the panel in the loader's Shadow
// DOM root, connects, and returns the live API.
import type { Message, WidgetConfig } from '@baton/shared';
import { render } from 'preact';
import { adoptCss } from '../ui/adopt-css.js';
import { renderMarkdownLite } from '../ui/markdown-lite.js';
import { Chat } from './Chat.js';
import { connect, type Identity } from './connection.js';
import { loadLocale, pickLocale, type Strings } from './i18n.js';
import { createVisitorStore, setOpen } from './store.js';
import { chatCss } from './styles.js';
import { loadVoice } from './voice-loader.js';


export interface MountOptions {
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  serverUrl: string;
  siteKey: string;
  locale: string | null;
  /** The site's widget config, already asked for by the loader. */
  config: Promise<WidgetConfig | null>;
  /** Per-page overrides from the script tag's data attributes (data-color, data-greeting, data-position, data-notify). */
  overrides?: { color?: string; greeting?: string; position?: string; notify?: string };
}

type EventName = 'open' | 'close' | 'message' | 'status';
export interface BatonApi {
  open(): void;
  close(): void;
  toggle(): void;
  on(event: EventName, callback: (payload?: unknown) => void): void;
  setLocale(locale: string): void;
  identify(user: Identity): void;
  /** The host page's user signed out (also `reset`): start over as a new anonymous visitor. */
  logout(): void;
  reset(): void;
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
  // A language whose catalog is its own chunk: English words for the moment it takes to arrive.
  let wanted = options.locale;
  const useLocale = (locale: string | null) => {
    wanted = locale;
    void loadLocale(locale).then((loaded) => {
      if (!loaded || wanted !== locale) return;
      strings = loaded;
      nameLauncher();
      draw();
    });
  };
  useLocale(options.locale);

  adoptCss(root, chatCss);
  const container = document.createElement('div');
  container.className = 'bt-root';
  root.append(container);

  const connection = connect(store, serverUrl, (m: Message) => {
    emit('message', m);
    notify(m);
  });

  // An agent calling loads the voice chunk even if the visitor never pressed the mic (issue 18).
  connection.voice.onCallSignal((e) => void loadVoice(store, connection).then((v) => v?.callSignal(e)));

  const overrides = options.overrides ?? {};
  const validColor = (c: string | undefined) => (c && /^#[0-9a-f]{3,8}$/i.test(c) ? c : undefined);
  if (overrides.position === 'left') container.classList.add('bt-left');
  // The loader already put the site's colour, side and label on the launcher; the panel follows.
  void options.config.then((siteConfig) => {
    if (!siteConfig) return;
    const config = { ...siteConfig, ...(overrides.greeting ? { greeting: overrides.greeting } : {}) };
    store.setState({ config });
    container.style.setProperty('--bt-accent', validColor(overrides.color) ?? config.color);
    if (!overrides.position && config.position === 'left') container.classList.add('bt-left');
    nameLauncher();
  });


  // Sound and title for replies from people while the chat is closed or the tab hidden (data-notify="off" turns it off).
  const notifyOn = overrides.notify !== 'off';
  const baseTitle = document.title;
  let unseen = 0;
  const clearTitle = () => {
    unseen = 0;
    document.title = baseTitle;
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && store.getState().open) clearTitle();
  });
  const notify = (m: Message) => {
    if (!notifyOn || m.author.kind !== 'agent' || (store.getState().open && !document.hidden)) return;
    unseen += 1;
    document.title = `(${unseen}) ${strings.newMessageTitle} · ${baseTitle}`;
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
      tone.onended = () => void audio.close();
    } catch {
      // no audio (autoplay policy, no device): the title still tells
    }
  };

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
    clearTitle();
    emit('open');
  };

  function draw() {
    const s = store.getState();
    render(s.open ? <Chat serverUrl={serverUrl} store={store} connection={connection} strings={strings} render={renderMarkdownLite} onClose={close} /> : null, container);
  }

  /** The launcher's accessible name from all it shows: the words, the site's label, the unread count. */
  function nameLauncher() {
    const { config, unread } = store.getState();
    const label = config?.launcherLabel ? `${strings.openChat}: ${config.launcherLabel}` : strings.openChat;
    launcher.setAttribute('aria-label', unread ? `${label} (${unread})` : label);
  }

  // Unread badge on the launcher, and status events for the host page.
  const badge = document.createElement('span');
  badge.className = 'bt-badge';
  badge.hidden = true;
  launcher.append(badge);
  store.subscribe((s, prev) => {
    if (s.open !== prev.open) draw();
    // Closing the chat stops listening (a microphone left on unseen is nobody's wish); a call goes on.
    if (!s.open && prev.open && s.voice.on && !s.voice.call) void loadVoice(store, connection).then((v) => v?.stop());
    if (s.unread !== prev.unread) {
      badge.hidden = s.unread === 0;
      badge.textContent = String(s.unread);
      nameLauncher();
    }
    if (s.conversation !== prev.conversation && s.conversation) emit('status', s.conversation);
  });

  nameLauncher();
  draw();
  return {
    open,
    close,
    toggle: () => (store.getState().open ? close() : open()),
    on(event, callback) {
      if (typeof callback !== 'function') return;
      listeners.set(event, [...(listeners.get(event) ?? []), callback]);
    },
    identify(user) {
      connection.identify(user);
    },
    logout() {
      connection.logout();
      clearTitle();
    },
    reset() {
      connection.logout();
      clearTitle();
    },
    setLocale(locale) {
      if (typeof locale !== 'string') return;
      strings = pickLocale(locale);
      useLocale(locale);
      nameLauncher();
      draw();
    },
  };
}
