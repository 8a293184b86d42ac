// Voice activity detection: when does an utterance start and end? Energy against a noise floor
// that follows the room, small enough for the voice chunk (a model-based VAD would be ~1 MB).
// Pure: levels and durations go in, events come out; time is what the caller says it is.

export type VadMode = 'hands-free' | 'push-to-talk';

/** `start`: speech began (stop playback, start sending); `end`: send it; `discard`: too short, drop it. */
export type VadEvent = { kind: 'start' } | { kind: 'end'; speechMs: number } | { kind: 'discard' };

export interface VadOptions {
  /** Silence after speech before the utterance ends: pauses between words must not cut it. */
  hangoverMs: number;
  /** Voiced time below which an utterance is a cough or a click, not words. */
  minSpeechMs: number;
  /** Voiced time in a row before speech counts as started (a door slam is shorter). */
  onsetMs: number;
  /** Speech is louder than the noise floor by this factor… */
  ratio: number;
  /** …and louder than this absolute level (RMS, full scale 1), so a silent room is not "speech". */
  minLevel: number;
  /** How fast the floor follows the room while nobody speaks, per second (0..1). */
  floorRate: number;
  /** An utterance longer than this ends anyway (the server's limit). */
  maxMs: number;
}

/** Tuned on a laptop microphone with the browser's noise suppression on (issue 18). */
export const VAD_DEFAULTS: VadOptions = {
  hangoverMs: 700,
  minSpeechMs: 250,
  onsetMs: 120,
  ratio: 3,
  minLevel: 0.012,
  floorRate: 0.5,
  maxMs: 30_000,
};

export class Vad {
  readonly options: VadOptions;
  mode: VadMode;
  /** Raised while our own playback may leak back into the microphone, so an echo is not a barge-in. */
  guard = 1;
  private floor: number | null = null;
  private speaking = false;
  private onset = 0;
  private voiced = 0;
  private silence = 0;
  private length = 0;
  private held = false;

  constructor(mode: VadMode = 'hands-free', options: Partial<VadOptions> = {}) {
    this.mode = mode;
    this.options = { ...VAD_DEFAULTS, ...options };
  }

  get inUtterance() {
    return this.speaking;
  }

  /** The noise floor so far (RMS), for a level meter or a test. */
  get noiseFloor() {
    return this.floor ?? 0;
  }

  /** One chunk of audio: its RMS level and how long it lasts. */
  feed(level: number, ms: number): VadEvent[] {
    const o = this.options;
    const threshold = Math.max(o.minLevel, (this.floor ?? level) * o.ratio) * this.guard;
    const voiced = level >= threshold;
    if (!this.speaking || this.mode === 'push-to-talk') this.follow(level, ms, voiced);
    if (this.mode === 'push-to-talk') {
      if (!this.speaking) return [];
      this.length += ms;
      if (voiced) this.voiced += ms;
      return this.length >= o.maxMs ? this.finish() : [];
    }
    if (!this.speaking) {
      this.onset = voiced ? this.onset + ms : 0;
      if (this.onset < o.onsetMs) return [];
      this.speaking = true;
      this.voiced = this.onset;
      this.length = this.onset;
      this.silence = 0;
      this.onset = 0;
      return [{ kind: 'start' }];
    }
    this.length += ms;
    if (voiced) {
      this.voiced += ms;
      this.silence = 0;
    } else this.silence += ms;
    if (this.silence >= o.hangoverMs || this.length >= o.maxMs) return this.finish();
    return [];
  }

  /** Push-to-talk pressed (Space or the button held). In hands-free mode it starts an utterance too. */
  press(): VadEvent[] {
    if (this.held) return [];
    this.held = true;
    if (this.speaking) return [];
    this.speaking = true;
    this.voiced = 0;
    this.length = 0;
    this.silence = 0;
    return [{ kind: 'start' }];
  }

  release(): VadEvent[] {
    if (!this.held) return [];
    this.held = false;
    return this.speaking ? this.finish() : [];
  }

  /** Switching mode or stopping: an utterance in progress is dropped. */
  reset(mode: VadMode = this.mode): VadEvent[] {
    const was = this.speaking;
    this.mode = mode;
    this.speaking = false;
    this.held = false;
    this.onset = 0;
    return was ? [{ kind: 'discard' }] : [];
  }

  private finish(): VadEvent[] {
    this.speaking = false;
    this.held = false;
    // Held push-to-talk counts the whole press: a quiet speaker may never cross the threshold.
    const speechMs = this.mode === 'push-to-talk' ? this.length : this.voiced;
    return speechMs >= this.options.minSpeechMs ? [{ kind: 'end', speechMs }] : [{ kind: 'discard' }];
  }

  /** The floor drops at once to a quieter room and rises slowly, and never from speech. */
  private follow(level: number, ms: number, voiced: boolean) {
    if (this.floor === null || level < this.floor) {
      this.floor = level;
      return;
    }
    // Neither speech nor our own playback (guard up) is the room's noise.
    if (voiced || this.guard > 1) return;
    const a = Math.min(1, this.options.floorRate * (ms / 1000));
    this.floor += (level - this.floor) * a;
  }
}
