// An OpenAI-compatible speech endpoint (OpenAI, or a local whisper/TTS server speaking the same
// protocol): POST /v1/audio/transcriptions and /v1/audio/speech. As for the LLM provider: one
// deadline per call, errors say why without the key or the audio, answers are read to a bound.
import { aborted } from './processes.js';
import { speakableText } from './text.js';
import { MAX_PCM_BYTES, primaryLanguage, SAMPLE_RATE, SpeechError, type SpeechAudio, type SpeechEngine, type Transcript } from './types.js';
import { pcmToWav } from './wav.js';

export interface OpenAiSpeechConfig {
  /** e.g. https://api.openai.com or https://api.openai.com/v1 (both work). */
  baseUrl: string;
  apiKey?: string;
  sttModel: string;
  ttsModel: string;
  voice: string;
  /** Per call; default 15 s. */
  timeoutMs?: number;
}

export const OPENAI_TIMEOUT_MS = 15_000;
export const MAX_AUDIO_ANSWER_BYTES = 10 * 1024 * 1024;
export const MAX_TRANSCRIPT_ANSWER_BYTES = 64 * 1024;
/** Baton's languages: whisper-style models transcribe them all. */
export const OPENAI_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl'] as const;

/** An answer's body, refused past `limit` bytes without reading the rest. */
async function boundedBody(res: Response, limit: number): Promise<Buffer> {
  const tooLarge = () => new SpeechError('engine_failed', `speech endpoint answered more than ${limit} bytes`);
  if (Number(res.headers.get('content-length') ?? 0) > limit) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export class OpenAiSpeech implements SpeechEngine {
  readonly name = 'openai';
  readonly sttLanguages: readonly string[] = OPENAI_LANGUAGES;
  private readonly base: string;

  constructor(private readonly config: OpenAiSpeechConfig) {
    const base = config.baseUrl.replace(/\/+$/, '');
    this.base = /\/v1$/.test(base) ? base : `${base}/v1`;
  }

  async transcribe(pcm: Buffer, opts: { language: string; signal?: AbortSignal }): Promise<Transcript> {
    const language = primaryLanguage(opts.language);
    if (!this.sttLanguages.includes(language)) throw new SpeechError('unsupported_language', `no transcription for ${opts.language}`);
    if (pcm.length > MAX_PCM_BYTES) throw new SpeechError('too_long', 'voice messages are at most 60 seconds');
    const samples = pcm.subarray(0, pcm.length - (pcm.length % 2));
    if (samples.length < SAMPLE_RATE / 5) return { text: '' };
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pcmToWav(samples))], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.config.sttModel);
    form.append('language', language);
    form.append('response_format', 'json');
    const body = await this.post('/audio/transcriptions', form, MAX_TRANSCRIPT_ANSWER_BYTES, opts.signal);
    let text: unknown;
    try {
      text = (JSON.parse(body.buffer.toString('utf8')) as { text?: unknown }).text;
    } catch {
      throw new SpeechError('engine_failed', 'speech endpoint answered no JSON');
    }
    if (typeof text !== 'string') throw new SpeechError('engine_failed', 'speech endpoint answered no text');
    return { text: text.trim() };
  }

  async synthesize(text: string, opts: { language: string; signal?: AbortSignal }): Promise<SpeechAudio> {
    const input = speakableText(text);
    if (!input) return { audio: pcmToWav(Buffer.alloc(0)), mime: 'audio/wav' };
    const json = JSON.stringify({ model: this.config.ttsModel, input, voice: this.config.voice, response_format: 'mp3' });
    const { buffer, contentType } = await this.post('/audio/speech', json, MAX_AUDIO_ANSWER_BYTES, opts.signal);
    if (buffer.length === 0) throw new SpeechError('engine_failed', 'speech endpoint answered no audio');
    return { audio: buffer, mime: contentType?.split(';')[0]?.trim() || 'audio/mpeg' };
  }

  private async post(path: string, body: FormData | string, limit: number, signal?: AbortSignal): Promise<{ buffer: Buffer; contentType: string | null }> {
    const timeoutMs = this.config.timeoutMs ?? OPENAI_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    const headers: Record<string, string> = {
      ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}), // fetch sets the multipart boundary itself
      ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
    };
    try {
      const res = await fetch(`${this.base}${path}`, { method: 'POST', headers, body, signal: combined });
      if (!res.ok) {
        await res.body?.cancel();
        throw new SpeechError('engine_failed', `speech endpoint answered ${res.status}`);
      }
      return { buffer: await boundedBody(res, limit), contentType: res.headers.get('content-type') };
    } catch (error) {
      if (error instanceof SpeechError) throw error;
      if (deadline.aborted) throw new SpeechError('timeout', `speech endpoint took longer than ${timeoutMs} ms`);
      if (signal?.aborted) throw aborted(signal);
      // fetch's own errors may name the URL; the reason is enough.
      throw new SpeechError('engine_failed', 'speech endpoint unreachable');
    }
  }
}
