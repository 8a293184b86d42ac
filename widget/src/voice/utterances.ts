// From microphone chunks to utterances on the wire: downsample, detect speech, stream frames
// while it lasts, then end (or cancel) it. The same for the visitor and the agent in a call;
// only the sink differs (the visitor's socket, or the agent's with the conversation id).
import { Downsampler, Framer, level, toBytes } from './pcm.js';
import { Vad, type VadMode, type VadOptions } from './vad.js';

export interface UtteranceSink {
  frame(utteranceId: string, seq: number, pcm: Uint8Array): void;
  /** The utterance is complete: the server transcribes it. */
  end(utteranceId: string): void;
  cancel(utteranceId: string): void;
}

export interface UtteranceEvents {
  /** Speech began: stop playback at once. */
  onStart?(): void;
  /** The utterance went to the server (`end`) or was dropped as too short (`discard`). */
  onStop?(outcome: 'end' | 'discard'): void;
}

export interface UtteranceOptions extends UtteranceEvents {
  sampleRate: number;
  /** The server's limits (VoiceSettings); frames are a fifth of a second, under the byte limit. */
  frameMaxBytes?: number;
  utteranceMaxMs?: number;
  mode?: VadMode;
  vad?: Partial<VadOptions>;
  newId?: () => string;
}

const RATE = 16_000;
/** 200 ms a frame: streamed while the visitor speaks, few enough events to be cheap. */
const FRAME_MS = 200;
/** Audio kept from before the VAD was sure it heard speech, so the first syllable is sent too. */
const PREROLL_MS = 300;

const randomId = () => `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

export class Utterances {
  readonly vad: Vad;
  private readonly down: Downsampler;
  private readonly frameSamples: number;
  private framer: Framer;
  private preroll: Int16Array[] = [];
  private prerollSamples = 0;
  private current: { id: string; seq: number } | null = null;
  private paused = false;

  constructor(
    private readonly sink: UtteranceSink,
    private readonly options: UtteranceOptions,
  ) {
    this.vad = new Vad(options.mode ?? 'hands-free', { ...options.vad, ...(options.utteranceMaxMs ? { maxMs: options.utteranceMaxMs } : {}) });
    this.down = new Downsampler(options.sampleRate, RATE);
    const maxSamples = Math.floor((options.frameMaxBytes ?? 16_000) / 2);
    this.frameSamples = Math.min(maxSamples, (RATE * FRAME_MS) / 1000);
    this.framer = new Framer(this.frameSamples);
  }

  get speaking() {
    return this.current !== null;
  }

  /** A chunk of microphone audio at the capture's rate. */
  push(chunk: Float32Array) {
    if (this.paused) return;
    const samples = this.down.push(chunk);
    if (samples.length === 0) return;
    // Handle the chunk's events before its samples: a start takes the pre-roll (which holds this chunk).
    this.keep(samples);
    const events = this.vad.feed(level(samples), (samples.length / RATE) * 1000);
    if (this.current) this.send(this.framer.push(samples));
    this.apply(events);
  }

  /**
   * Muted (the agent's mute): what is being said is cancelled, chunks are dropped, nothing starts,
   * and the audio from before the mute never leads a later utterance.
   */
  pause(on: boolean) {
    this.paused = on;
    if (!on) return;
    this.stop();
    this.preroll = [];
    this.prerollSamples = 0;
  }

  press() {
    if (this.paused) return;
    this.apply(this.vad.press());
  }

  release() {
    this.apply(this.vad.release());
  }

  setMode(mode: VadMode) {
    this.apply(this.vad.reset(mode));
  }

  /** Stop listening: an utterance in progress is cancelled. */
  stop() {
    this.apply(this.vad.reset());
  }

  private apply(events: ReturnType<Vad['feed']>) {
    for (const e of events) {
      if (e.kind === 'start') {
        this.current = { id: (this.options.newId ?? randomId)(), seq: 0 };
        this.framer = new Framer(this.frameSamples);
        const held = this.preroll;
        this.preroll = [];
        this.prerollSamples = 0;
        for (const part of held) this.send(this.framer.push(part));
        this.options.onStart?.();
      } else {
        const current = this.current;
        this.current = null;
        if (!current) continue;
        if (e.kind === 'end') {
          this.sendAs(current, this.framer.flush());
          this.sink.end(current.id);
        } else if (current.seq > 0) this.sink.cancel(current.id);
        this.options.onStop?.(e.kind);
      }
    }
  }

  private send(frames: Int16Array[]) {
    if (this.current) this.sendAs(this.current, frames);
  }

  private sendAs(u: { id: string; seq: number }, frames: Int16Array[]) {
    for (const f of frames) this.sink.frame(u.id, u.seq++, toBytes(f));
  }

  private keep(samples: Int16Array) {
    if (this.current) return;
    this.preroll.push(samples);
    this.prerollSamples += samples.length;
    const max = (RATE * PREROLL_MS) / 1000;
    while (this.prerollSamples - this.preroll[0]!.length >= max) this.prerollSamples -= this.preroll.shift()!.length;
  }
}
