// Voice mode as the visitor sees it (issue 18): the mic button, what voice is doing right now,
// hands-free or push to talk, and the call with an agent. All of it is words and buttons in the
// chat chunk; the audio itself is in the voice chunk, loaded on the first press.
import type { Connection } from './connection.js';
import type { Strings } from './i18n.js';
import { audioContextNow, loadVoice, voiceSupported } from './voice-loader.js';
import type { VoiceController } from './voice.js';
import { setVoice, type VisitorStore, type VoiceView } from './store.js';

type Ctx = { store: VisitorStore; connection: Connection };

/** Runs `act` on the voice chunk (already loaded whenever voice is on). */
export function withVoice({ store, connection }: Ctx, act: (v: VoiceController) => unknown) {
  void loadVoice(store, connection).then((v) => v && act(v));
}

export function toggleVoice(ctx: Ctx) {
  const { on } = ctx.store.getState().voice;
  if (!on && !voiceSupported()) return setVoice(ctx.store, { problem: 'unsupported' });
  const context = on ? undefined : audioContextNow();
  withVoice(ctx, (v) => v.toggle(context));
}

export function problemText(problem: VoiceView['problem'], t: Strings): string | null {
  switch (problem) {
    case 'denied':
      return t.voiceDenied;
    case 'no_device':
      return t.voiceNoDevice;
    case 'rate_limited':
      return t.voiceSlowDown;
    case null:
      return null;
    default:
      return t.voiceUnavailable;
  }
}

function activityText(v: VoiceView, t: Strings): string {
  switch (v.activity) {
    case 'starting':
      return t.voiceStarting;
    case 'hearing':
      return t.voiceHearing;
    case 'thinking':
      return t.voiceThinking;
    case 'speaking':
      return t.voiceSpeaking;
    case 'not_caught':
      return t.voiceNotCaught;
    default:
      return v.pushToTalk ? t.holdToTalk : t.voiceListening;
  }
}

export function MicButton({ ctx, voice, t, disabled }: { ctx: Ctx; voice: VoiceView; t: Strings; disabled: boolean }) {
  const label = voice.on ? t.stopVoice : t.startVoice;
  return (
    <button type="button" class={`bt-attach bt-mic${voice.on ? ' bt-mic-on' : ''}`} aria-label={label} title={label} disabled={disabled && !voice.on} onClick={() => toggleVoice(ctx)}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path d="M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
      </svg>
    </button>
  );
}

/** Shown while voice is on, or when it could not start (then only the reason: text goes on). */
export function VoiceBar({ ctx, voice, t }: { ctx: Ctx; voice: VoiceView; t: Strings }) {
  const problem = problemText(voice.problem, t);
  if (!voice.on) return problem ? <p class="bt-meta bt-error bt-voice-problem" role="alert">{problem}</p> : null;
  const press = (e: Event) => {
    e.preventDefault();
    withVoice(ctx, (v) => v.press());
  };
  const release = () => withVoice(ctx, (v) => v.release());
  const call = voice.call;
  return (
    <div class="bt-voice" role="group" aria-label={t.voiceMode} data-voice-state={voice.activity} data-capture={voice.capture}>
      <p class="bt-voice-state" role="status" aria-live="polite">
        {activityText(voice, t)}
      </p>
      {problem && <p class="bt-meta bt-error" role="alert">{problem}</p>}
      <div class="bt-voice-row">
        <span class="bt-seg">
          <button type="button" aria-pressed={!voice.pushToTalk} onClick={() => withVoice(ctx, (v) => v.setPushToTalk(false))}>
            {t.handsFree}
          </button>
          <button type="button" aria-pressed={voice.pushToTalk} onClick={() => withVoice(ctx, (v) => v.setPushToTalk(true))}>
            {t.pushToTalk}
          </button>
        </span>
        {voice.pushToTalk && (
          <button
            type="button"
            class="bt-send bt-talk"
            onPointerDown={press}
            onPointerUp={release}
            onPointerLeave={release}
            onPointerCancel={release}
            onKeyDown={(e) => (e.key === ' ' || e.key === 'Enter') && !e.repeat && press(e)}
            onKeyUp={(e) => (e.key === ' ' || e.key === 'Enter') && release()}
          >
            {t.holdToTalk}
          </button>
        )}
      </div>
      {call && (
        <div
          class="bt-call"
          data-call-state={call.connected ? 'connected' : 'connecting'}
          data-bytes-received={call.bytesReceived ?? 0}
          data-bytes-sent={call.bytesSent ?? 0}
        >
          <span>{call.connected ? t.onCall(call.agent) : t.callConnecting(call.agent)}</span>
          <button type="button" class="bt-send bt-hangup" onClick={() => withVoice(ctx, (v) => v.hangUp())}>
            {t.hangUp}
          </button>
        </div>
      )}
    </div>
  );
}

/** Push-to-talk with Space held anywhere in the panel but a text field (where Space is a space). */
export function spaceToTalk(ctx: Ctx, e: KeyboardEvent, down: boolean): boolean {
  const { on, pushToTalk } = ctx.store.getState().voice;
  const target = e.target as HTMLElement | null;
  if (!on || !pushToTalk || e.key !== ' ' || /^(TEXTAREA|INPUT|BUTTON|SELECT)$/.test(target?.tagName ?? '')) return false;
  e.preventDefault();
  if (!(down && e.repeat)) withVoice(ctx, (v) => (down ? v.press() : v.release()));
  return true;
}
