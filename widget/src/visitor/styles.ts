// All widget CSS, injected into the Shadow DOM root: nothing leaks out, host CSS cannot reach in.
export const chatCss = `
:host { all: initial; }
.bt-root { --bt-accent: #4f46e5; --bt-fg: #111827; --bt-muted: #4b5563; --bt-bg: #ffffff; --bt-soft: #f3f4f6;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--bt-fg); }
.bt-panel { position: fixed; right: 20px; bottom: 20px; width: 380px; max-width: calc(100vw - 24px); height: 600px;
  max-height: calc(100vh - 40px); display: flex; flex-direction: column; background: var(--bt-bg); border-radius: 16px;
  box-shadow: 0 12px 48px rgba(0,0,0,.22); overflow: hidden; z-index: 2147483000; box-sizing: border-box; }
.bt-header { display: flex; align-items: flex-start; justify-content: space-between; gap: 8px; padding: 14px 16px;
  background: var(--bt-accent); color: #fff; }
.bt-title { margin: 0; font-size: 16px; font-weight: 650; }
.bt-status { margin: 2px 0 0; font-size: 13px; opacity: .95; }
.bt-close { all: unset; cursor: pointer; border-radius: 8px; padding: 6px; color: #fff; display: inline-flex; }
.bt-close:focus-visible, .bt-send:focus-visible, .bt-chip:focus-visible, .bt-input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.bt-greeting { margin: 12px 16px 0; padding: 10px 12px; background: var(--bt-soft); border-radius: 12px; color: var(--bt-muted); }
.bt-log { margin: 0; padding: 12px 16px; flex: 1; overflow-y: auto; }
.bt-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.bt-log:focus-visible { outline: 3px solid #f59e0b; outline-offset: -3px; }
.bt-msg { max-width: 85%; overflow-wrap: anywhere; }
.bt-msg .bt-body { padding: 8px 12px; border-radius: 14px; background: var(--bt-soft); }
.bt-msg .bt-body p { margin: 0 0 6px; } .bt-msg .bt-body p:last-child { margin: 0; }
.bt-msg .bt-body pre { overflow-x: auto; background: #111827; color: #f9fafb; padding: 8px; border-radius: 8px; }
.bt-msg .bt-body a { color: inherit; text-decoration: underline; }
.bt-plain { white-space: pre-wrap; }
.bt-author { font-size: 12px; color: var(--bt-muted); margin: 0 0 2px 4px; display: flex; align-items: center; gap: 6px; }
.bt-avatar { width: 18px; height: 18px; border-radius: 50%; background: #059669; color: #fff; font-size: 11px; display: inline-grid; place-items: center; }
.bt-own { align-self: flex-end; } .bt-own .bt-author { justify-content: flex-end; }
.bt-own .bt-body { background: var(--bt-accent); color: #fff; }
.bt-agent .bt-body { background: #ecfdf5; border: 1px solid #a7f3d0; }
.bt-bot .bt-body { background: var(--bt-soft); }
.bt-pending .bt-body { opacity: .7; }
.bt-meta { font-size: 12px; color: var(--bt-muted); text-align: right; margin-top: 2px; }
.bt-error { color: #b91c1c; }
.bt-person { margin: 0 12px 4px; text-align: right; font-size: 12px; }
.bt-link { all: unset; cursor: pointer; color: var(--bt-accent); text-decoration: underline; font-weight: 600; } .bt-link:focus-visible { outline: 2px solid var(--bt-accent); }
.bt-retry { all: unset; cursor: pointer; text-decoration: underline; font-weight: 600; } .bt-retry:focus-visible { outline: 2px solid var(--bt-accent); }
.bt-system { align-self: center; max-width: 92%; text-align: center; }
.bt-system .bt-body { background: #fffbeb; border: 1px solid #fde68a; font-size: 13px; color: #78350f; }
.bt-quick { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.bt-chip { all: unset; cursor: pointer; border: 1px solid var(--bt-accent); color: var(--bt-accent); border-radius: 999px; padding: 4px 10px; font-size: 13px; }
.bt-typing { margin: 0 16px; min-height: 18px; font-size: 12px; color: var(--bt-muted); }
.bt-composer { display: flex; gap: 8px; padding: 10px 12px 12px; border-top: 1px solid #e5e7eb; align-items: center; }
.bt-attach { all: unset; cursor: pointer; color: #4b5563; padding: 6px; border-radius: 8px; display: inline-grid; place-items: center; }
.bt-attach:focus-visible { outline: 2px solid var(--bt-accent); } .bt-attach:disabled { opacity: .4; cursor: default; }
.bt-file-input { display: none; }
.bt-files { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.bt-image img { display: block; max-width: 160px; height: auto; border-radius: 8px; border: 1px solid #e5e7eb; }
.bt-file { display: inline-block; padding: 6px 10px; border: 1px solid #e5e7eb; border-radius: 8px; background: #fff; color: inherit; }
.bt-upload { margin: 0 12px; }
.bt-input { flex: 1; resize: none; font: inherit; font-size: 16px; border: 1px solid #d1d5db; border-radius: 10px; padding: 8px 10px; color: var(--bt-fg); background: #fff; max-height: 120px; }
.bt-send { all: unset; cursor: pointer; background: var(--bt-accent); color: #fff; border-radius: 10px; padding: 8px 14px; font-weight: 600; }
.bt-send[disabled] { opacity: .55; cursor: default; }
.bt-end { height: 1px; }
.bt-mic-on { color: #fff; background: var(--bt-accent); }
.bt-spoken { display: inline-flex; color: var(--bt-muted); }
.bt-voice { margin: 0 12px 6px; padding: 8px 10px; border: 1px solid #e5e7eb; border-radius: 12px; display: grid; gap: 6px; }
.bt-voice-state { margin: 0; font-weight: 600; }
.bt-voice[data-voice-state="hearing"] .bt-voice-state { color: #047857; }
.bt-voice-problem { margin: 0 12px 4px; text-align: left; }
.bt-voice-row, .bt-call { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.bt-call { justify-content: space-between; }
.bt-seg { display: inline-flex; border: 1px solid #d1d5db; border-radius: 999px; overflow: hidden; }
.bt-seg button { all: unset; cursor: pointer; padding: 3px 10px; font-size: 13px; }
.bt-seg button[aria-pressed="true"] { background: var(--bt-accent); color: #fff; }
.bt-seg button:focus-visible, .bt-talk:focus-visible, .bt-mic:focus-visible { outline: 3px solid #f59e0b; }
.bt-talk { user-select: none; touch-action: none; }
.bt-hangup { background: #b91c1c; }
.bt-rating { margin: 0 12px 8px; padding: 10px 12px; border: 1px solid #e5e7eb; border-radius: 12px; display: grid; gap: 8px; }
.bt-rating-title { margin: 0; font-weight: 600; }
.bt-later { margin: 0 12px 8px; padding: 10px 12px; border: 1px solid #e5e7eb; border-radius: 12px; display: grid; gap: 8px; }
.bt-later .bt-meta { margin: 0; }
.bt-later-row { display: flex; gap: 8px; }
.bt-later-row .bt-input { flex: 1; min-width: 0; }
.bt-comment { font-size: 16px; }
.bt-stars { display: flex; gap: 6px; }
.bt-star { all: unset; cursor: pointer; font-size: 26px; line-height: 1; color: #b45309; padding: 2px 4px; border-radius: 6px; }
.bt-star:hover, .bt-star:focus-visible { background: #fef3c7; outline: 3px solid #f59e0b; }
.bt-thanks { margin: 0 16px 8px; color: #065f46; font-weight: 600; }
.bt-left .bt-panel { right: auto; left: 20px; }
@media (max-width: 480px) { .bt-panel, .bt-left .bt-panel { inset: 0; width: 100vw; height: 100dvh; max-height: none; max-width: none; border-radius: 0;
  padding-bottom: env(safe-area-inset-bottom); } }
@media (prefers-reduced-motion: no-preference) { .bt-panel { animation: bt-in .16s ease-out; } }
@keyframes bt-in { from { transform: translateY(12px); opacity: 0; } to { transform: none; opacity: 1; } }
`;
