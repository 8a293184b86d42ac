// pnpm bench:voice — how well and how fast the embedded speech engine hears (issue 18).
//
// Word error rate (measureWer):
// - Sets. "held-out": server/eval/spoken-heldout.txt, the first turns of the first 40 distinct
//   English conversations of eval/heldout.jsonl, frozen before any tuning; none of them is in the
//   language model (every turn of eval/heldout.jsonl is filtered out of the model's sentences) and
//   no setting was chosen by it. "tuned": 40 sentences of the model's own corpus (every k-th of the
//   demo site's sentences with 3+ words), the in-vocabulary ceiling. "dev" (--dev): the first turns
//   of eval/dev.jsonl's English conversations, the set decoder settings were chosen on.
// - Audio: espeak-ng at 150 words a minute, voices en-us and en-gb, resampled by sox to 16 kHz mono
//   16-bit, handed to the engine as raw PCM as the service does.
// - Language model: the demo site's sentences (speech/vocabulary.ts siteSentences) plus the engine's
//   everyday sentences.
// - WER: word-level Levenshtein distance over the reference's words, summed over a set and divided by
//   the set's reference words; both sides lower-cased, punctuation removed, digits spelled as said
//   (speech/lm.ts spokenWords).
// - Real-time factor: each transcription's wall time over its audio's length (two at a time, as the
//   engine runs by default on this two-core box). Synthesis: espeak-ng's time per held-out sentence.
//
// Options: --dev (add the dev set), --sets=held-out,tuned, --voices=en-us,en-gb,
//          --args="-lw 6.5 -wip 0.65" (decoder arguments to try instead of the engine's).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EmbeddedSpeech } from '../src/speech/embedded.js';
import { spokenWords } from '../src/speech/lm.js';
import { SAMPLE_RATE } from '../src/speech/types.js';
import { siteSentences } from '../src/speech/vocabulary.js';
import { wordErrors } from '../src/speech/wer.js';

const exec = promisify(execFile);
const SERVER = fileURLToPath(new URL('..', import.meta.url));
const SET_SIZE = 40;
const CONCURRENCY = 2;
export const VOICES = ['en-us', 'en-us+klatt', 'en-gb+klatt'];

async function jsonlFirstTurns(file: string, limit: number): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.startsWith('{')) continue;
    const c = JSON.parse(line) as { lang: string; turns: string[] };
    const turn = c.turns[0]?.trim();
    if (c.lang !== 'en' || !turn || seen.has(turn.toLowerCase())) continue;
    seen.add(turn.toLowerCase());
    out.push(turn);
    if (out.length === limit) break;
  }
  return out;
}

const key = (s: string) => spokenWords(s).join(' ');

/** Every visitor turn of the frozen held-out conversations: kept out of the language model. */
async function heldOutTurns(): Promise<Set<string>> {
  const turns = new Set<string>();
  for (const line of (await readFile(join(SERVER, 'eval/heldout.jsonl'), 'utf8')).split('\n')) {
    if (line.startsWith('{')) for (const t of (JSON.parse(line) as { turns: string[] }).turns) turns.add(key(t));
  }
  return turns;
}

/** The demo site's language-model sentences, without any held-out turn. */
export async function benchVocabulary(): Promise<{ key: string; sentences: string[] }> {
  const heldOut = await heldOutTurns();
  const sentences = (await siteSentences(join(SERVER, 'sites/demo'))).filter((s) => !heldOut.has(key(s)));
  return { key: 'bench-demo', sentences };
}

/** 16 kHz mono PCM of espeak-ng saying `text`, cached by voice and text. */
export async function spoken(text: string, voice: string, dir = join(tmpdir(), 'baton-speech-bench')): Promise<Buffer> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, createHash('sha256').update(`${voice}\0${text}`).digest('hex').slice(0, 20));
  if (!existsSync(`${base}.raw`)) {
    await exec('espeak-ng', ['-v', voice, '-s', '150', '-w', `${base}.wav`, '--', text]);
    await exec('sox', [`${base}.wav`, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', `${base}.raw`]);
  }
  return readFile(`${base}.raw`);
}

export interface WerResult {
  set: string;
  voice: string;
  sentences: number;
  words: number;
  errors: number;
  wer: number;
  audioSeconds: number;
  transcribeSeconds: number;
  samples: { reference: string; hypothesis: string }[];
}

export async function measureWer(options: { sets?: string[]; voices?: string[]; decoderArgs?: string[]; decoder?: 'batch' | 'continuous' } = {}): Promise<WerResult[]> {
  const vocabulary = await benchVocabulary();
  const inCorpus = vocabulary.sentences.filter((s) => spokenWords(s).length >= 3);
  const step = Math.max(1, Math.floor(inCorpus.length / SET_SIZE));
  const allSets: Record<string, () => Promise<string[]>> = {
    'held-out': async () =>
      (await readFile(join(SERVER, 'eval/spoken-heldout.txt'), 'utf8'))
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#')),
    tuned: async () => inCorpus.filter((_, i) => i % step === 0).slice(0, SET_SIZE),
    dev: () => jsonlFirstTurns(join(SERVER, 'eval/dev.jsonl'), SET_SIZE),
  };
  const engine = new EmbeddedSpeech({ maxProcesses: CONCURRENCY, ...(options.decoderArgs ? { decoderArgs: options.decoderArgs } : {}), ...(options.decoder ? { decoder: options.decoder } : {}) });
  // Build the model before timing anything.
  await engine.transcribe(Buffer.alloc(SAMPLE_RATE * 2), { language: 'en', vocabulary });
  const results: WerResult[] = [];
  for (const set of options.sets ?? ['held-out', 'tuned']) {
    const sentences = await allSets[set]!();
    for (const voice of options.voices ?? VOICES) {
      const audio = await Promise.all(sentences.map((s) => spoken(s, voice)));
      const started = performance.now();
      const decoded = await Promise.all(
        sentences.map(async (reference, i) => ({ reference, hypothesis: (await engine.transcribe(audio[i]!, { language: 'en', vocabulary })).text })),
      );
      const wallSeconds = (performance.now() - started) / 1000;
      let errors = 0;
      let words = 0;
      for (const d of decoded) {
        const e = wordErrors(d.reference, d.hypothesis);
        errors += e.errors;
        words += e.words;
      }
      results.push({
        set,
        voice,
        sentences: sentences.length,
        words,
        errors,
        wer: errors / words,
        audioSeconds: audio.reduce((s, a) => s + a.length / 2 / SAMPLE_RATE, 0),
        // Each of the CONCURRENCY processes had a core of its own for the set's wall time.
        transcribeSeconds: wallSeconds * CONCURRENCY,
        samples: decoded.map(({ reference, hypothesis }) => ({ reference, hypothesis })),
      });
    }
  }
  return results;
}

async function measureSynthesis(): Promise<{ sentences: number; seconds: number; audioSeconds: number }> {
  const engine = new EmbeddedSpeech({ maxProcesses: 1 });
  const sentences = (await readFile(join(SERVER, 'eval/spoken-heldout.txt'), 'utf8')).split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  let seconds = 0;
  let audioSeconds = 0;
  for (const s of sentences) {
    const started = performance.now();
    const { audio } = await engine.synthesize(s, { language: 'en' });
    seconds += (performance.now() - started) / 1000;
    audioSeconds += (audio.length - 44) / 2 / audio.readUInt32LE(24);
  }
  return { sentences: sentences.length, seconds, audioSeconds };
}

async function main() {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sets = arg('sets')?.split(',') ?? ['held-out', 'tuned', ...(process.argv.includes('--dev') ? ['dev'] : [])];
  const voices = arg('voices')?.split(',');
  const decoderArgs = arg('args')?.split(/\s+/).filter(Boolean);
  const decoder = arg('decoder') as 'batch' | 'continuous' | undefined;
  const results = await measureWer({ sets, ...(voices ? { voices } : {}), ...(decoderArgs ? { decoderArgs } : {}), ...(decoder ? { decoder } : {}) });
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log('Word error rate (embedded engine: pocketsphinx en-us + site language model; espeak-ng voices)');
  console.log('set       voice   sentences  words  errors  WER     RTF');
  for (const r of results) {
    console.log(
      `${r.set.padEnd(9)} ${r.voice.padEnd(7)} ${String(r.sentences).padStart(9)}  ${String(r.words).padStart(5)}  ${String(r.errors).padStart(6)}  ${pct(r.wer).padStart(6)}  ${(r.transcribeSeconds / r.audioSeconds).toFixed(2)}`,
    );
  }
  for (const set of new Set(results.map((r) => r.set))) {
    const rs = results.filter((r) => r.set === set);
    const errors = rs.reduce((s, r) => s + r.errors, 0);
    const words = rs.reduce((s, r) => s + r.words, 0);
    console.log(`${set}: WER ${pct(errors / words)} over ${rs.length} voices`);
  }
  for (const voice of new Set(results.map((r) => r.voice))) {
    const rs = results.filter((r) => r.voice === voice);
    console.log(`${voice}: WER ${pct(rs.reduce((s, r) => s + r.errors, 0) / rs.reduce((s, r) => s + r.words, 0))} over all sets`);
  }
  const audio = results.reduce((s, r) => s + r.audioSeconds, 0);
  const busy = results.reduce((s, r) => s + r.transcribeSeconds, 0);
  console.log(`transcription: ${busy.toFixed(1)} s for ${audio.toFixed(1)} s of audio, real-time factor ${(busy / audio).toFixed(2)} (two at a time)`);
  const synth = await measureSynthesis();
  console.log(`synthesis: ${((synth.seconds / synth.sentences) * 1000).toFixed(0)} ms per sentence, ${(synth.seconds / synth.audioSeconds).toFixed(3)} s per second of speech (espeak-ng, en-us)`);
  if (process.argv.includes('--verbose')) {
    for (const r of results) for (const s of r.samples) console.log(`[${r.set} ${r.voice}] ${s.reference}\n    → ${s.hypothesis}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
