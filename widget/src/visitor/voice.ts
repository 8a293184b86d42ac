// Voice mode and the call with an agent (issue 18): the voice chunk, loaded by voice-loader.ts only
// when the visitor presses the mic button or an agent's call offer arrives. The visitor speaks,
// utterances stream to the server and come back as their messages; answers are read aloud; an
// agent who joins talks over WebRTC while both sides keep being transcribed.
import type { Message, VoiceSettings } from '@baton/shared';
import { type Capture, openMicrophone, problemOf, startCapture, stopStream, VoiceError } from '../voice/capture.js';
import { createPlayer, type Player } from '../voice/playback.js';
import { createPeer, type Peer } from '../voice/rtc.js';
import { Utterances } from '../voice/utterances.js';
import type { CallSignalEvent, VoiceTransport } from './connection.js';
import type { VisitorStore, VoiceView } from './store.js';

/**
 * The chat's store actions, handed in by voice-loader.ts: importing them here would make the
 * bundler split them into a third chunk both the chat and voice load.
 */
export interface ChatActions {
  receiveMessages(store: VisitorStore, messages: Message[]): void;
  setVoice(store: VisitorStore, patch: Partial<VoiceView>): void;
  newClientId(): string;
  voiceOff: VoiceView;
}

export interface VoiceController {
  /** Voice on (with the AudioContext made in the click, so autoplay rules let it run) or off. */
  toggle(context?: AudioContext): Promise<void>;
  start(context?: AudioContext): Promise<void>;
  stop(): void;
  setPushToTalk(on: boolean): void;
  /** Push-to-talk held (Space or the button); in hands-free mode it interrupts playback too. */
  press(): void;
  release(): void;
  hangUp(): void;
  callSignal(e: CallSignalEvent): Promise<void>;
}

export interface VoiceDeps {
  openMicrophone(): Promise<MediaStream>;
  newContext(): AudioContext;
  /** How long "thinking" waits for an answer before listening again (an agent may not answer at once). */
  thinkingMs: number;
  /** How long "didn't catch that" shows. */
  notCaughtMs: number;
}

const DEFAULT_DEPS: VoiceDeps = {
  openMicrophone,
  newContext: () => new AudioContext(),
  thinkingMs: 15_000,
  notCaughtMs: 3000,
};

/**
 * What is read aloud: the bot's and the system's words, and an agent's typed words; not the
 * visitor's own, and not what an agent said in the call (`spoken`: the visitor heard it live).
 */
export function shouldSpeak(m: Message, conversationId: string | undefined): boolean {
  return m.conversationId === conversationId && m.author.kind !== 'visitor' && !m.spoken && !!m.body.trim();
}

export function createVoice(store: VisitorStore, transport: VoiceTransport, actions: ChatActions, deps: Partial<VoiceDeps> = {}): VoiceController {
  const d = { ...DEFAULT_DEPS, ...deps };
  const { receiveMessages, setVoice, newClientId, voiceOff: VOICE_OFF } = actions;
  let settings: VoiceSettings | null = null;
  let context: AudioContext | null = null;
  let mic: MediaStream | null = null;
  let capture: Capture | null = null;
  let player: Player | null = null;
  let utterances: Utterances | null = null;
  let peer: Peer | null = null;
  let callMic: MediaStream | null = null;
  let stopStats: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let starting: Promise<void> | null = null;
  const queue: string[] = [];
  let draining = false;

  const view = () => store.getState().voice;
  const set = (patch: Partial<VoiceView>) => setVoice(store, patch);
  /** A state that reverts to listening after a while (thinking, didn't catch that). */
  const activityFor = (activity: VoiceView['activity'], ms: number) => {
    if (timer) clearTimeout(timer);
    set({ activity });
    timer = setTimeout(() => {
      timer = null;
      if (view().on && view().activity === activity) set({ activity: 'listening' });
    }, ms);
  };

  const failed = (code: string) => {
    if (code === 'voice_unavailable') return fallBack('unavailable');
    if (code === 'rate_limited') set({ problem: 'rate_limited', activity: 'listening' });
  };

  const sink = {
    frame(utteranceId: string, seq: number, pcm: Uint8Array) {
      transport.request('voice:frame', { utteranceId, seq, pcm }).then((ack) => !ack.ok && failed(ack.error.code), () => {});
    },
    end(utteranceId: string) {
      // Only the bot answers at once: waiting for or talking with a person, back to listening.
      const control = store.getState().conversation?.control;
      if ((control && control !== 'bot') || peer) set({ activity: 'listening' });
      else activityFor('thinking', d.thinkingMs);
      transport.request('voice:end', { utteranceId, clientId: newClientId() }).then(
        (ack) => {
          if (ack.ok) {
            receiveMessages(store, [ack.message]);
            if (view().problem === 'rate_limited') set({ problem: null });
          } else if (ack.error.code === 'not_understood') activityFor('not_caught', d.notCaughtMs);
          else {
            if (view().activity === 'thinking') set({ activity: 'listening' });
            failed(ack.error.code);
          }
        },
        () => view().activity === 'thinking' && set({ activity: 'listening' }),
      );
    },
    cancel(utteranceId: string) {
      transport.request('voice:cancel', { utteranceId }).catch(() => {});
    },
  };

  /** Reads the queued messages aloud one after another; speech from the visitor clears the queue. */
  async function drain() {
    if (draining) return;
    draining = true;
    try {
      while (queue.length && player && view().on) {
        const messageId = queue.shift()!;
        const ack = await transport.request('voice:speak', { messageId }).catch(() => null);
        if (!ack?.ok || !player || !view().on) continue;
        if (timer) clearTimeout(timer);
        set({ activity: 'speaking' });
        // Our own voice in the speakers must not count as the visitor barging in.
        if (utterances) utterances.vad.guard = 2;
        await player.play(ack.audio).catch(() => {});
        if (utterances) utterances.vad.guard = 1;
      }
    } finally {
      draining = false;
      if (view().on && view().activity === 'speaking') set({ activity: 'listening' });
    }
  }

  function interrupt() {
    queue.length = 0;
    player?.stop();
  }

  function listen() {
    const heard = new Set(store.getState().messages.map((m) => m.id));
    unsubscribe = store.subscribe((s, prev) => {
      if (s.visitorEpoch !== prev.visitorEpoch) return stop();
      // The server forgets voice mode with the connection: it is asked again after a reconnect.
      if (s.connection === 'online' && prev.connection !== 'online') transport.request('voice:mode', { on: true }).catch(() => {});
      if (s.messages === prev.messages) return;
      for (const m of s.messages) {
        if (heard.has(m.id)) continue;
        heard.add(m.id);
        if (shouldSpeak(m, s.conversation?.id)) queue.push(m.id);
      }
      void drain();
    });
  }

  function start(given?: AudioContext): Promise<void> {
    return (starting ??= begin(given).finally(() => (starting = null)));
  }

  async function begin(given?: AudioContext) {
    if (view().on) return;
    set({ ...VOICE_OFF, pushToTalk: view().pushToTalk, on: true, activity: 'starting' });
    try {
      const ack = await transport.request('voice:mode', { on: true }).catch(() => null);
      if (!ack) throw new VoiceError('unavailable');
      if (!ack.ok) throw new VoiceError(ack.error.code === 'rate_limited' ? 'rate_limited' : 'unavailable');
      if (!ack.voice?.canTranscribe) throw new VoiceError('unavailable');
      settings = ack.voice;
      mic = await d.openMicrophone();
      context = given ?? d.newContext();
      if (context.state === 'suspended') await context.resume().catch(() => {});
      player = createPlayer(context);
      utterances = new Utterances(sink, {
        sampleRate: context.sampleRate,
        frameMaxBytes: settings.frameMaxBytes,
        utteranceMaxMs: settings.utteranceMaxMs,
        mode: view().pushToTalk ? 'push-to-talk' : 'hands-free',
        onStart: () => {
          interrupt();
          if (timer) clearTimeout(timer);
          set({ activity: 'hearing' });
        },
        onStop: (outcome) => outcome === 'discard' && set({ activity: 'listening' }),
      });
      const u = utterances;
      capture = await startCapture(context, mic, (chunk) => u.push(chunk));
      if (!view().on) return release(); // stopped while starting
      listen();
      set({ activity: 'listening', capture: capture.via });
    } catch (error) {
      fallBack(problemOf(error));
    }
  }

  /** Voice ends with the reason shown beside the mic button; the chat goes on in text. */
  function fallBack(problem: VoiceView['problem']) {
    release();
    set({ ...VOICE_OFF, pushToTalk: view().pushToTalk, problem });
  }

  function release() {
    if (view().on) transport.request('voice:mode', { on: false }).catch(() => {});
    if (timer) clearTimeout(timer);
    timer = null;
    unsubscribe?.();
    unsubscribe = null;
    queue.length = 0;
    utterances?.stop();
    utterances = null;
    capture?.stop();
    capture = null;
    player?.stop();
    player = null;
    hangUp();
    stopStream(mic);
    mic = null;
    void context?.close().catch(() => {});
    context = null;
  }

  function stop() {
    release();
    set({ ...VOICE_OFF, pushToTalk: view().pushToTalk });
  }

  function hangUp() {
    peer?.close(true);
    endCall();
  }

  function endCall() {
    stopStats?.();
    stopStats = null;
    peer = null;
    stopStream(callMic);
    callMic = null;
    if (view().call) set({ call: null });
  }

  async function answer(e: CallSignalEvent) {
    if (starting) await starting;
    if (!view().on) await start();
    if (!mic || !view().on) {
      // No microphone here: the agent is told at once rather than left ringing.
      await transport.request('call:signal', { signal: { kind: 'hangup' } }).catch(() => {});
      return;
    }
    interrupt();
    peer?.close(false);
    endCall();
    // The call's own copy of the microphone: hanging up must not stop the transcriber's, nor the reverse.
    callMic = mic.clone();
    const call = createPeer({
      iceServers: settings?.iceServers ?? [],
      microphone: callMic,
      signal: (signal) => void transport.request('call:signal', { signal }).catch(() => {}),
      onState: (state) => {
        if (peer !== call) return;
        if (state === 'ended') endCall();
        else set({ call: { agent: e.agent.name, connected: state === 'connected' } });
      },
    });
    peer = call;
    set({ call: { agent: e.agent.name, connected: false } });
    stopStats = publishToStore(call);
    await call.receive(e.signal);
  }

  /** The call's audio counters in the store each second: the call area shows them as data attributes. */
  function publishToStore(call: Peer) {
    const t = setInterval(async () => {
      const s = await call.stats().catch(() => null);
      const now = view().call;
      if (s && now && peer === call) set({ call: { ...now, ...s } });
    }, 1000);
    return () => clearInterval(t);
  }

  return {
    async toggle(given) {
      if (view().on) stop();
      else await start(given);
    },
    start,
    stop,
    setPushToTalk(on) {
      set({ pushToTalk: on });
      utterances?.setMode(on ? 'push-to-talk' : 'hands-free');
    },
    press() {
      interrupt();
      utterances?.press();
    },
    release() {
      utterances?.release();
    },
    hangUp,
    async callSignal(e) {
      if (e.signal.kind === 'offer') return answer(e);
      await peer?.receive(e.signal);
    },
  };
}
