// The speech seam: one interface for the embedded engine (pocketsphinx + espeak-ng) and an
// OpenAI-compatible hosted one. The voice service hands it raw PCM and text; nothing here is logged.

/** Audio the service hands to an engine: 16-bit little-endian PCM, mono, 16 kHz, no header. */
export const SAMPLE_RATE = 16_000;

export interface Transcript {
  text: string;
  /** 0..1 when the engine says; absent otherwise. */
  confidence?: number;
}

export interface SpeechAudio {
  audio: Buffer;
  /** e.g. 'audio/wav' or 'audio/mpeg'. */
  mime: string;
}

export interface SpeechEngine {
  /** 'embedded' | 'openai' */
  readonly name: string;
  /** Languages it can transcribe (BCP-47 primary tags, e.g. ['en']). */
  readonly sttLanguages: readonly string[];
  /**
   * `vocabulary`: what visitors of this site say (its playbook and knowledge base phrasing); the
   * embedded engine builds its language model from it. `key` identifies the set for caching.
   */
  transcribe(pcm: Buffer, opts: { language: string; vocabulary?: { key: string; sentences: readonly string[] }; signal?: AbortSignal }): Promise<Transcript>;
  synthesize(text: string, opts: { language: string; signal?: AbortSignal }): Promise<SpeechAudio>;
  close?(): Promise<void>;
}

export class SpeechError extends Error {
  constructor(
    readonly code: 'unsupported_language' | 'engine_failed' | 'timeout' | 'too_long',
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}
