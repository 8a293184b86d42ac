// The chat's only link to the voice chunk: a dynamic import on the first press of the mic button
// or the first call signal, so a visitor who never speaks downloads none of it (issue 17).
import type { Connection } from './connection.js';
import { newClientId } from './messages.js';
import { receiveMessages, setVoice, VOICE_OFF, type VisitorStore } from './store.js';
import type { VoiceController } from './voice.js';

let loading: Promise<VoiceController | null> | null = null;

export function loadVoice(store: VisitorStore, connection: Connection): Promise<VoiceController | null> {
  loading ??= import('./voice.js').then(
    (m) => m.createVoice(store, connection.voice, { receiveMessages, setVoice, newClientId, voiceOff: VOICE_OFF }),
    () => {
      // The chunk did not arrive (offline, a blocked request): say so, and try again on the next press.
      loading = null;
      setVoice(store, { problem: 'unavailable' });
      return null;
    },
  );
  return loading;
}

/**
 * Made in the click itself: browsers let an AudioContext play and record only when a gesture
 * created it, and the chunk's import is already past the gesture.
 */
export function audioContextNow(): AudioContext | undefined {
  const Ctor = window.AudioContext ?? (window as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  try {
    return Ctor ? new Ctor() : undefined;
  } catch {
    return undefined;
  }
}

/** Voice can work in this browser at all (the voice chunk checks permission and the server). */
export function voiceSupported(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && !!(window.AudioContext ?? (window as { webkitAudioContext?: unknown }).webkitAudioContext);
}
