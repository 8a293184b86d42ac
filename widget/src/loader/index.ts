// widget.js — the only thing a site owner's page loads up front. It draws the launcher at once
// (fixed position: no layout shift), keeps a queue of `Baton(...)` calls made before the chat is
// ready, and loads the chat bundle on first open or when the page is idle.
// No framework, no socket, no markdown here: this file must stay tiny.

import { adoptCss } from '../ui/adopt-css.js';

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

(() => {
  const w = window as BatonWindow;
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || w.__batonLoaded) return;
  w.__batonLoaded = true;

  const src = new URL(script.src, location.href);
  const serverUrl = src.origin;
  const siteKey = script.dataset.site ?? '';
  const locale = script.dataset.locale ?? document.documentElement.lang ?? null;
  // The launcher's name only; the chat brings the rest of the catalog when it loads.
  const label: Record<string, string> = { de: 'Chat öffnen', fr: 'Ouvrir le chat', es: 'Abrir chat', it: 'Apri la chat', pt: 'Abrir chat', nl: 'Chat openen', pl: 'Otwórz czat' };

  // Calls made through the page's own stub before this script ran.
  const pending: Call[] = Array.from(w.Baton?.q ?? [], (args) => [String(args[0]), Array.prototype.slice.call(args, 1)] as Call);
  let api: ChatApi | null = null;

  // The host is our own element, not a <div>: a page's rules for div (or section, span…) never
  // reach it. One page-level rule, for this element only, outranks a page's `* {… !important}`.
  const host = document.createElement('baton-chat');
  host.setAttribute('data-baton', '');
  adoptCss(
    document,
    'baton-chat[data-baton]{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;' +
      'right:0!important;bottom:0!important;width:0!important;height:0!important;overflow:visible!important}',
  );
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
  launcher.className = script.dataset.position === 'left' ? 'bt-launcher bt-left' : 'bt-launcher';
  if (/^#[0-9a-f]{3,8}$/i.test(script.dataset.color ?? '')) launcher.style.background = script.dataset.color!;
  launcher.setAttribute('aria-label', label[(locale ?? '').toLowerCase().slice(0, 2)] ?? 'Open chat');
  launcher.innerHTML =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  root.append(launcher);

  let loading: Promise<ChatApi> | null = null;
  const load = (): Promise<ChatApi> => {
    loading ??= import(/* @vite-ignore */ `${serverUrl}/chat.js`).then((m: { mount: (o: unknown) => ChatApi }) => {
      const d = script.dataset;
      api = m.mount({ root, launcher, serverUrl, siteKey, locale, overrides: { color: d.color, greeting: d.greeting, position: d.position, notify: d.notify } });
      for (const [command, args] of pending.splice(0)) run(command, args);
      return api;
    });
    return loading;
  };

  function run(command: string, args: unknown[]) {
    if (!COMMANDS.has(command)) return;
    if (!api) {
      // Signed out before the chat loaded: forget the visitor now, so it never resumes.
      if (command === 'logout' || command === 'reset') {
        try {
          localStorage.removeItem(`baton:${siteKey}`);
        } catch {
          // storage blocked: nothing was kept
        }
        // An identify queued before the sign-out belongs to the user who left.
        for (let i = pending.length - 1; i >= 0; i--) if (pending[i]![0] === 'identify') pending.splice(i, 1);
        return;
      }
      pending.push([command, args]);
      if (command === 'open' || command === 'toggle') void load();
      return;
    }
    const fn = api[command as keyof ChatApi] as (...a: unknown[]) => void;
    fn.apply(api, args);
  }

  launcher.addEventListener('click', () => {
    if (api) api.open();
    else void load().then((a) => a.open());
  });

  const stub: BatonStub = (command: string, ...args: unknown[]) => run(command, args);
  w.Baton = stub;

  const attach = () => {
    document.body.append(host);
    const idle = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
    if (idle) idle(() => void load(), { timeout: 5000 });
    else setTimeout(() => void load(), 2000);
    if (pending.some(([c]) => c === 'open' || c === 'toggle')) void load();
    // A reply-later email links here with #baton-open: the chat opens on the same conversation.
    if (location.hash === '#baton-open') void load().then((a) => a.open());
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
})();
