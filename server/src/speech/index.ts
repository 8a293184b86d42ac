// Which speech engine a server runs: an OpenAI-compatible endpoint when BATON_SPEECH_BASE_URL is
// set, the embedded one (pocketsphinx + espeak-ng, offline) otherwise.
import { z } from 'zod';
import { EmbeddedSpeech } from './embedded.js';
import { OpenAiSpeech } from './openai.js';
import type { SpeechEngine } from './types.js';

export * from './types.js';
export { siteSentences } from './vocabulary.js';
export { speakableText } from './text.js';

const SpeechEnv = z.object({
  BATON_SPEECH_BASE_URL: z.string().url().optional(),
  BATON_SPEECH_API_KEY: z.string().optional(),
  BATON_SPEECH_STT_MODEL: z.string().min(1).default('whisper-1'),
  BATON_SPEECH_TTS_MODEL: z.string().min(1).default('tts-1'),
  BATON_SPEECH_VOICE: z.string().min(1).default('alloy'),
  BATON_SPEECH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
});

export type SpeechConfig =
  | { engine: 'embedded'; timeoutMs?: number }
  | { engine: 'openai'; baseUrl: string; apiKey?: string; sttModel: string; ttsModel: string; voice: string; timeoutMs?: number };

export class SpeechConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid speech configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SpeechConfigError';
  }
}

/** The speech settings from the environment; empty strings are unset, as in config.ts. */
export function speechConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SpeechConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('BATON_SPEECH_') && v !== undefined && v !== ''));
  const parsed = SpeechEnv.safeParse(cleaned);
  if (!parsed.success) throw new SpeechConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const timeout = e.BATON_SPEECH_TIMEOUT_MS ? { timeoutMs: e.BATON_SPEECH_TIMEOUT_MS } : {};
  if (!e.BATON_SPEECH_BASE_URL) return { engine: 'embedded', ...timeout };
  return {
    engine: 'openai',
    baseUrl: e.BATON_SPEECH_BASE_URL,
    ...(e.BATON_SPEECH_API_KEY ? { apiKey: e.BATON_SPEECH_API_KEY } : {}),
    sttModel: e.BATON_SPEECH_STT_MODEL,
    ttsModel: e.BATON_SPEECH_TTS_MODEL,
    voice: e.BATON_SPEECH_VOICE,
    ...timeout,
  };
}

export interface SpeechDeps {
  /** Where the embedded engine keeps built language models (default os.tmpdir()/baton-speech-models). */
  cacheDir?: string;
  /** Child processes the embedded engine runs at once (default 2). */
  maxProcesses?: number;
}

export function createSpeech(config: SpeechConfig, deps: SpeechDeps = {}): SpeechEngine {
  if (config.engine === 'openai') {
    const { engine: _, ...openai } = config;
    return new OpenAiSpeech(openai);
  }
  return new EmbeddedSpeech({
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    ...(deps.cacheDir ? { cacheDir: deps.cacheDir } : {}),
    ...(deps.maxProcesses ? { maxProcesses: deps.maxProcesses } : {}),
  });
}
