// The offline engine (issue 18): pocketsphinx hears, espeak-ng speaks; both Debian packages, no
// network, no model download. Pocketsphinx's general English model hears synthetic and accented
// speech as noise, so each site gets its own small language model built from what its visitors say
// (lm.ts), cached on disk per sentence set. English only for speech to text (the only acoustic model
// packaged); espeak-ng speaks all of Baton's languages.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVERYDAY_SENTENCES } from './everyday.js';
import { buildArpa, corpusWords, loadDictionary, trimDictionary, type Dictionary } from './lm.js';
import { run, Slots } from './processes.js';
import { speakableText } from './text.js';
import { MAX_PCM_BYTES, primaryLanguage, SAMPLE_RATE, SpeechError, type SpeechAudio, type SpeechEngine, type Transcript } from './types.js';
import { pcmToWav, readWav } from './wav.js';

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

/** espeak-ng voices for Baton's languages. */
export const ESPEAK_VOICES: Readonly<Record<string, string>> = { en: 'en-us', de: 'de', fr: 'fr', es: 'es', it: 'it', pt: 'pt', nl: 'nl', pl: 'pl' };

/**
 * Decoder settings, measured with `pnpm bench:voice` on the dev set (eval/dev.jsonl), not the held-out one.
 * -remove_noise no: espeak's and a browser's mic audio are clean; spectral subtraction ate quiet consonants.
 */
export const DECODER_ARGS: readonly string[] = ['-lw', '6.5', '-wip', '0.65', '-beam', '1e-48'];

export interface EmbeddedOptions {
  /** Child processes at once (recognisers and synthesizers together); the rest queue. */
  maxProcesses?: number;
  /** A child's deadline; default 5 s plus the audio's length. */
  timeoutMs?: number;
  /** Where built language models are kept (default os.tmpdir()/baton-speech-models). */
  cacheDir?: string;
  modelDir?: string;
  /** Words per minute espeak-ng speaks at. */
  speed?: number;
  /** pocketsphinx_batch normalises over the whole message (measured better); continuous splits it at pauses. */
  decoder?: 'batch' | 'continuous';
  /** Extra pocketsphinx arguments, for measuring (the benchmark); replaces DECODER_ARGS. */
  decoderArgs?: readonly string[];
}

interface BuiltModel { lm: string; dict: string }

/** Bumped when the model builder changes, so cached models from an older builder are not reused. */
const BUILDER_VERSION = 'wb3-2';

export class EmbeddedSpeech implements SpeechEngine {
  readonly name = 'embedded';
  readonly sttLanguages = ['en'] as const;
  private readonly slots: Slots;
  private readonly models = new Map<string, Promise<BuiltModel>>();
  private dictionary: Promise<Dictionary> | undefined;
  private readonly cacheDir: string;
  private readonly modelDir: string;

  constructor(private readonly options: EmbeddedOptions = {}) {
    this.slots = new Slots(options.maxProcesses ?? 2);
    this.cacheDir = options.cacheDir ?? join(tmpdir(), 'baton-speech-models');
    this.modelDir = options.modelDir ?? MODEL_DIR;
  }

  async transcribe(pcm: Buffer, opts: { language: string; vocabulary?: { key: string; sentences: readonly string[] }; signal?: AbortSignal }): Promise<Transcript> {
    if (!this.sttLanguages.includes(primaryLanguage(opts.language) as 'en')) {
      throw new SpeechError('unsupported_language', `the embedded engine transcribes English only, not ${opts.language}`);
    }
    if (pcm.length > MAX_PCM_BYTES) throw new SpeechError('too_long', 'voice messages are at most 60 seconds');
    // A trailing odd byte is half a sample: dropped. Under a tenth of a second there is nothing to hear.
    const samples = pcm.subarray(0, pcm.length - (pcm.length % 2));
    if (samples.length < SAMPLE_RATE / 5) return { text: '' };
    const model = opts.vocabulary ? await this.model(opts.vocabulary) : { lm: join(this.modelDir, 'en-us.lm.bin'), dict: join(this.modelDir, 'cmudict-en-us.dict') };
    const seconds = samples.length / 2 / SAMPLE_RATE;
    // pocketsphinx cannot read a socket as its input (Node's stdin pipes are sockets): the audio goes
    // to a private directory that lives only as long as the recognition.
    const dir = await mkdtemp(join(tmpdir(), 'baton-speech-'));
    const common = [
      '-logfn', '/dev/null',
      '-hmm', join(this.modelDir, 'en-us'),
      '-lm', model.lm,
      '-dict', model.dict,
      '-samprate', String(SAMPLE_RATE),
      ...(this.options.decoderArgs ?? DECODER_ARGS),
    ];
    const batch = (this.options.decoder ?? 'batch') === 'batch';
    const [program, args] = batch
      ? ['pocketsphinx_batch', ['-adcin', 'yes', '-cepdir', dir, '-cepext', '.raw', '-ctl', join(dir, 'ctl'), '-hyp', join(dir, 'hyp'), ...common]]
      : ['pocketsphinx_continuous', ['-infile', join(dir, 'voice.raw'), ...common]];
    try {
      await writeFile(join(dir, 'voice.raw'), samples, { mode: 0o600 });
      await writeFile(join(dir, 'ctl'), 'voice\n');
      const timeoutMs = this.options.timeoutMs ?? 5_000 + seconds * 1_000;
      const out = await this.slots.run(() => run(program, args, { input: Buffer.alloc(0), timeoutMs, signal: opts.signal, maxOutputBytes: 64 * 1024 }), opts.signal);
      // batch: one line "words (voice score)"; continuous: one line per stretch of speech between pauses.
      const lines = batch ? (await readFile(join(dir, 'hyp'), 'utf8')).split('\n').map((l) => l.replace(/\s*\(voice -?\d+\)\s*$/, '')) : out.toString('utf8').split('\n');
      return { text: lines.map((l) => l.trim()).filter(Boolean).join(' ') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async synthesize(text: string, opts: { language: string; signal?: AbortSignal }): Promise<SpeechAudio> {
    const voice = ESPEAK_VOICES[primaryLanguage(opts.language)];
    if (!voice) throw new SpeechError('unsupported_language', `no voice for ${opts.language}`);
    const spoken = speakableText(text);
    if (!spoken) return { audio: pcmToWav(Buffer.alloc(0)), mime: 'audio/wav' };
    const args = ['-v', voice, '-s', String(this.options.speed ?? 160), '--stdout', '--stdin'];
    // Text on stdin, never argv: no length limit, and a text starting with '-' is not an option.
    const out = await this.slots.run(
      () => run('espeak-ng', args, { input: Buffer.from(spoken, 'utf8'), timeoutMs: this.options.timeoutMs ?? 15_000, signal: opts.signal, maxOutputBytes: 32 * 1024 * 1024 }),
      opts.signal,
    );
    let wav;
    try {
      wav = readWav(out);
    } catch {
      throw new SpeechError('engine_failed', 'espeak-ng wrote no WAV');
    }
    // espeak-ng streams with placeholder sizes; the header is rewritten so every player reads it.
    return { audio: pcmToWav(wav.samples, wav.sampleRate), mime: 'audio/wav' };
  }

  /** The language model and dictionary for a sentence set: built once, kept on disk, shared by all calls. */
  private model(vocabulary: { key: string; sentences: readonly string[] }): Promise<BuiltModel> {
    let model = this.models.get(vocabulary.key);
    if (!model) {
      model = this.build(vocabulary.sentences);
      model.catch(() => this.models.delete(vocabulary.key));
      this.models.set(vocabulary.key, model);
    }
    return model;
  }

  private async build(sentences: readonly string[]): Promise<BuiltModel> {
    const all = [...EVERYDAY_SENTENCES, ...sentences];
    const hash = createHash('sha256').update(BUILDER_VERSION).update('\0').update(all.join('\n')).digest('hex').slice(0, 24);
    const dir = join(this.cacheDir, hash);
    const built = { lm: join(dir, 'site.lm'), dict: join(dir, 'site.dict') };
    if (existsSync(built.lm) && existsSync(built.dict)) return built;
    this.dictionary ??= loadDictionary(join(this.modelDir, 'cmudict-en-us.dict'));
    const corpus = corpusWords(all, await this.dictionary);
    await mkdir(dir, { recursive: true });
    // Written beside and renamed into place: another process never reads half a model.
    const suffix = `.${process.pid}.${Date.now()}.tmp`;
    await writeFile(built.dict + suffix, trimDictionary(corpus, await this.dictionary));
    await writeFile(built.lm + suffix, buildArpa(corpus));
    await rename(built.dict + suffix, built.dict);
    await rename(built.lm + suffix, built.lm);
    return built;
  }
}
