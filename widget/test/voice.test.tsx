// Voice mode's fallbacks and what it reads aloud (issue 18): whatever fails — no microphone API,
// a refused permission, no device, an engine that cannot transcribe the language — voice ends
// with the reason and the chat goes on in text; the server is told voice is off again.
import type { Message } from '@baton/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogs } from '../src/visitor/i18n.js';
import type { Connection, VoiceTransport } from '../src/visitor/connection.js';
import { newClientId } from '../src/visitor/messages.js';
import { createVisitorStore, receiveMessages, setVoice, VOICE_OFF } from '../src/visitor/store.js';
import { createVoice, shouldSpeak } from '../src/visitor/voice.js';
import { VoiceBar } from '../src/visitor/VoiceBar.js';

const actions = { receiveMessages, setVoice, newClientId, voiceOff: VOICE_OFF };
const settings = { sampleRate: 16_000, frameMaxBytes: 16_000, utteranceMaxMs: 30_000, canTranscribe: true, iceServers: [] };

/** A transport that answers voice:mode with `mode` and records what was asked. */
function transport(mode: unknown): VoiceTransport & { asked: Array<[string, unknown]> } {
  const asked: Array<[string, unknown]> = [];
  return {
    asked,
    request: (async (event: string, payload: unknown) => {
      asked.push([event, payload]);
      if (event === 'voice:mode') return mode;
      return { ok: true };
    }) as VoiceTransport['request'],
    onCallSignal() {},
  };
}

const domError = (name: string) => Object.assign(new Error(name), { name });
const fakeContext = () => ({ state: 'running', sampleRate: 48_000, close: async () => {} }) as unknown as AudioContext;

let n = 0;
const newStore = () => createVisitorStore(`voice-test-${n++}`);

describe('voice mode falls back to text', () => {
  afterEach(() => localStorage.clear());

  it('a refused microphone: voice is off, the reason is kept, and the server hears voice is off', async () => {
    const store = newStore();
    const t = transport({ ok: true, voice: settings });
    const voice = createVoice(store, t, actions, { openMicrophone: () => Promise.reject(domError('NotAllowedError')), newContext: fakeContext });
    await voice.start(fakeContext());
    expect(store.getState().voice).toMatchObject({ on: false, problem: 'denied', call: null });
    expect(t.asked).toEqual([
      ['voice:mode', { on: true }],
      ['voice:mode', { on: false }],
    ]);
  });

  it('no device, and a browser without getUserMedia, each say why', async () => {
    const store = newStore();
    const voice = createVoice(store, transport({ ok: true, voice: settings }), actions, { openMicrophone: () => Promise.reject(domError('NotFoundError')) });
    await voice.start(fakeContext());
    expect(store.getState().voice.problem).toBe('no_device');

    const bare = newStore();
    // The real openMicrophone, in jsdom: navigator.mediaDevices does not exist.
    await createVoice(bare, transport({ ok: true, voice: settings }), actions).start(fakeContext());
    expect(bare.getState().voice).toMatchObject({ on: false, problem: 'unsupported' });
  });

  it('voice_unavailable, or an engine that cannot transcribe the language: no microphone is asked for', async () => {
    for (const mode of [
      { ok: false, error: { code: 'voice_unavailable', message: 'no engine' } },
      { ok: true, voice: { ...settings, canTranscribe: false } },
      { ok: true, voice: null },
    ]) {
      const store = newStore();
      let asked = false;
      const t = transport(mode);
      await createVoice(store, t, actions, {
        openMicrophone: () => {
          asked = true;
          return Promise.reject(new Error('not expected'));
        },
      }).start(fakeContext());
      expect(store.getState().voice).toMatchObject({ on: false, problem: 'unavailable' });
      expect(asked).toBe(false);
    }
  });

  it('the reason shows in words beside the composer, as an alert', () => {
    const root = document.createElement('div');
    const store = newStore();
    const ctx = { store, connection: {} as Connection };
    render(<VoiceBar ctx={ctx} voice={{ ...VOICE_OFF, problem: 'unsupported' }} t={catalogs.en} />, root);
    expect(root.querySelector('[role="alert"]')?.textContent).toBe("Voice isn't available here — you can type");
    render(<VoiceBar ctx={ctx} voice={{ ...VOICE_OFF, problem: 'denied' }} t={catalogs.de} />, root);
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Mikrofon ist blockiert');
  });
});

describe('what voice mode reads aloud', () => {
  const base = { conversationId: 'c1', seq: 1, clientId: 'x', createdAt: '2026-12-04T09:00:00.000Z' };
  const msg = (author: Message['author'], extra: Partial<Message> = {}): Message => ({ ...base, id: String(n++), author, body: 'Hello', ...extra });

  it("the bot's, the system's and an agent's typed words; not the visitor's, nor an agent's spoken words heard live", () => {
    expect(shouldSpeak(msg({ kind: 'bot', name: 'Assistant' }), 'c1')).toBe(true);
    expect(shouldSpeak(msg({ kind: 'system' }), 'c1')).toBe(true);
    expect(shouldSpeak(msg({ kind: 'agent', id: 'a', name: 'Maria' }), 'c1')).toBe(true);
    expect(shouldSpeak(msg({ kind: 'agent', id: 'a', name: 'Maria' }, { spoken: true }), 'c1')).toBe(false);
    expect(shouldSpeak(msg({ kind: 'visitor' }, { spoken: true }), 'c1')).toBe(false);
    expect(shouldSpeak(msg({ kind: 'visitor' }), 'c1')).toBe(false);
    expect(shouldSpeak(msg({ kind: 'bot' }), 'other')).toBe(false);
  });
});
