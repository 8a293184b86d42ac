// The speech engines' port (issue 18): speech to text for a visitor's voice message, text to speech
// for the bot's answer. The service codes against this; engines live beside it.

/** Audio the service hands to an engine: 16-bit little-endian PCM, mono, 16 kHz, no header. */
export const SAMPLE_RATE = 16_000;
export interface Transcript { text: string; /** 0..1 when the engine says; absent otherwise */ confidence?: number }
export interface SpeechAudio { audio: Buffer; mime: string } // e.g. 'audio/wav' or 'audio/mpeg'
export interface SpeechEngine {
  readonly name: string; // 'embedded' | 'openai'
  /** Languages it can transcribe (BCP-47 primary tags, e.g. ['en']). */
  readonly sttLanguages: readonly string[];
  /** `sentences`: what visitors of this site say (the site's playbook and KB phrasing); the embedded engine builds its language model from them. `key` identifies the sentence set for caching (e.g. site id + a hash). */
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
  }
}

/** The longest voice message an engine accepts (60 s of 16-bit PCM at SAMPLE_RATE). */
export const MAX_PCM_SECONDS = 60;
export const MAX_PCM_BYTES = MAX_PCM_SECONDS * SAMPLE_RATE * 2;
/** The longest text spoken; longer text is cut at a sentence boundary (see `speakableText`). */
export const MAX_SPEECH_CHARS = 2_000;

/** 'en-US' → 'en'. */
export const primaryLanguage = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
