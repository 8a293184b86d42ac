// widget.js — the only thing a site owner's page loads up front. It draws the launcher at once
// (fixed position: no layout shift), keeps a queue of `Baton(...)` calls, and does nothing else
// until the visitor reaches for the chat (DESIGN: the widget costs a page nothing until then):
// pointer over or focus on the launcher fetches the chat, a click (or Baton('open')) runs it, and
// only then is there a socket and a visitor record. The one exception is a visitor whose
// conversation waits on a person, or who has unsent messages: their chat connects at idle, so
// agent replies arrive and the unread badge shows. Proactive features must keep this property.
// No framework, no socket, no Markdown here: this file must stay tiny.

import type { WidgetConfig } from '@baton/shared';
import { adoptCss } from '../ui/adopt-css.js';

/** The chat file of this build (content-hashed name, set by widget/build.ts). */
declare const __BATON_CHAT__: string;

type Call = [string, unknown[]];
interface ChatApi {
  open(): void;
  close(): void;
  toggle(): void;
  on(event: string, cb: (payload?: unknown) => void): void;
  setLocale(locale: string): void;
  identify(user: unknown): void;
  logout(): void;
  reset(): void;
}
interface BatonStub {
  (command: string, ...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
}
type BatonWindow = Window & { Baton?: BatonStub; __batonLoaded?: boolean };

/** The only commands a page may call; anything else is ignored. */
const COMMANDS = new Set(['open', 'close', 'toggle', 'on', 'setLocale', 'identify', 'logout', 'reset']);
const validColor = (c: string | undefined) => (c && /^#[0-9a-f]{3,8}$/i.test(c) ? c : undefined);

(() => {
  const w = window as BatonWindow;
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || w.__batonLoaded) return;
  w.__batonLoaded = true;

  const serverUrl = new URL(script.src, location.href).origin;
  const d = script.dataset;
  const siteKey = d.site ?? '';
  const storageKey = `baton:${siteKey}`;
  const locale = d.locale ?? document.documentElement.lang ?? null;
  // The launcher's name before the chat (and its catalogs) is loaded: a language the chat adds
  // needs its "Open chat" here too.
  const OPEN: Record<string, string> = { de: 'Chat öffnen', fr: 'Ouvrir le chat', es: 'Abrir chat', it: 'Apri la chat', pt: 'Abrir chat', nl: 'Chat openen', pl: 'Otwórz czat' };
  let lang = (locale ?? '').toLowerCase().slice(0, 2);
  let label = '';

  const pending: Call[] = [];
  let api: ChatApi | null = null;
  const readyCallbacks: (() => void)[] = [];
  let ready = false;

  // The host is our own element, not a <div>: a page's rules for div (or section, span…) never
  // reach it. Its own important inline style outranks a page's `* {… !important}`; set through
  // CSSOM, which a strict style-src allows, and without a page-wide stylesheet whose arrival
  // would make the browser re-check every element of the page.
  const host = document.createElement('baton-chat');
  host.setAttribute('data-baton', '');
  host.style.cssText =
    'all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;' +
    'right:0!important;bottom:0!important;width:0!important;height:0!important;overflow:visible!important';
  const root = host.attachShadow({ mode: 'open' });
  const css =
    ':host{all:initial}' +
    '.bt-launcher{all:unset;box-sizing:border-box;position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;' +
    'background:#4f46e5;color:#fff;display:grid;place-items:center;cursor:pointer;box-shadow:0 6px 24px rgba(0,0,0,.25);z-index:2147483000}' +
    '.bt-launcher:focus-visible{outline:3px solid #f59e0b;outline-offset:3px}' +
    '.bt-launcher.bt-left{right:auto;left:20px}' +
    '.bt-labelled{width:auto;padding:0 20px 0 16px;border-radius:30px;display:flex;gap:8px;font:600 15px system-ui,sans-serif}' +
    '.bt-launcher[hidden]{display:none}' +
    '.bt-badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;' +
    'background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}' +
    '.bt-badge[hidden]{display:none}';
  adoptCss(root, css);
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = d.position === 'left' ? 'bt-launcher bt-left' : 'bt-launcher';
  if (validColor(d.color)) launcher.style.background = d.color!;
  launcher.innerHTML =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  const name = () => {
    const open = OPEN[lang] ?? 'Open chat';
    if (!api) launcher.setAttribute('aria-label', label ? `${open}: ${label}` : open);
  };
  name();
  root.append(launcher);

  // The site's appearance (colour, side, label) is on the launcher before any click; the chat
  // reuses this answer rather than asking again. A page's data attributes win.
  const config: Promise<WidgetConfig | null> = fetch(`${serverUrl}/api/sites/${encodeURIComponent(siteKey)}/widget-config`)
    .then((r) => r.json() as Promise<{ ok: boolean; config?: WidgetConfig }>)
    .then((r) => (r.ok && r.config ? r.config : null))
    .catch(() => null);
  void config.then((c) => {
    if (!c) return;
    if (!validColor(d.color)) launcher.style.background = c.color;
    if (!d.position && c.position === 'left') launcher.classList.add('bt-left');
    if (c.launcherLabel) {
      const span = document.createElement('span');
      span.className = 'bt-label';
      span.textContent = label = c.launcherLabel;
      launcher.append(span);
      launcher.classList.add('bt-labelled');
    }
    name();
  });

  const chatUrl = `${serverUrl}/${__BATON_CHAT__}`;
  // Intent: fetch (and compile) the chat while the pointer travels to the click.
  let prefetched = false;
  const prefetch = () => {
    if (prefetched) return;
    prefetched = true;
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = chatUrl;
    document.head.append(link);
  };
  for (const event of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(event, prefetch, { passive: true });

  let loading: Promise<ChatApi> | null = null;
  const load = (): Promise<ChatApi> => {
    loading ??= import(/* @vite-ignore */ chatUrl).then(
      (m: { mount: (o: unknown) => ChatApi }) => {
        api = m.mount({ root, launcher, serverUrl, siteKey, locale, config, overrides: { color: d.color, greeting: d.greeting, position: d.position, notify: d.notify } });
        for (const [command, args] of pending.splice(0)) run(command, args);
        return api;
      },
      (error: unknown) => {
        loading = null; // a failed download is tried again on the next click
        throw error;
      },
    );
    return loading;
  };
  const openChat = () => void load().then((a) => a.open(), () => {});

  function run(command: string, args: unknown[]) {
    if (!COMMANDS.has(command)) return;
    // `ready` is the loader's: commands are taken from now on (the chat itself loads on open).
    if (command === 'on' && args[0] === 'ready') {
      const cb = args[1];
      if (typeof cb === 'function') {
        if (ready) setTimeout(cb);
        else readyCallbacks.push(cb as () => void);
      }
      return;
    }
    if (!api) {
      // Signed out before the chat loaded: forget the visitor now, so it never resumes.
      if (command === 'logout' || command === 'reset') {
        try {
          localStorage.removeItem(storageKey);
        } catch {
          // storage blocked: nothing was kept
        }
        // An identify queued before the sign-out belongs to the user who left.
        for (let i = pending.length - 1; i >= 0; i--) if (pending[i]![0] === 'identify') pending.splice(i, 1);
        return;
      }
      if (command === 'setLocale' && typeof args[0] === 'string') {
        lang = args[0].toLowerCase().slice(0, 2);
        name();
      }
      pending.push([command, args]);
      if (command === 'open' || command === 'toggle') void load().catch(() => {});
      return;
    }
    const fn = api[command as keyof ChatApi] as (...a: unknown[]) => void;
    fn.apply(api, args);
  }

  // Calls made through the page's own stub before this script ran.
  for (const args of Array.from(w.Baton?.q ?? [])) run(String(args[0]), Array.prototype.slice.call(args, 1));
  launcher.addEventListener('click', () => (api ? api.open() : openChat()));
  w.Baton = (command: string, ...args: unknown[]) => run(command, args);

  /** A conversation waiting on a person, or messages not yet sent (the chat keeps this marker). */
  const mustConnect = () => {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) ?? '{}') as { live?: boolean; outbox?: unknown[] };
      return saved.live === true || (Array.isArray(saved.outbox) && saved.outbox.length > 0);
    } catch {
      return false;
    }
  };

  const attach = () => {
    document.body.append(host);
    ready = true;
    for (const cb of readyCallbacks.splice(0)) setTimeout(cb);
    // A reply-later email links here with #baton-open: the chat opens on the same conversation.
    if (location.hash === '#baton-open') openChat();
    else {
      // At idle: a browser's first storage read can block for milliseconds while the page loads.
      const idle = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
      const check = () => mustConnect() && void load().catch(() => {});
      if (idle) idle(check, { timeout: 3000 });
      else setTimeout(check, 1000);
    }
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
})();
