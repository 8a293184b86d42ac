// The embedded engine with its real programs: espeak-ng speaks, pocketsphinx hears, no mocks.
// Language models are cached on disk (os.tmpdir()), so only the first run of this file builds one.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedSpeech } from '../../src/speech/embedded.js';
import { speakableText } from '../../src/speech/text.js';
import { SAMPLE_RATE, SpeechError } from '../../src/speech/types.js';
import { siteSentences } from '../../src/speech/vocabulary.js';
import { readWav } from '../../src/speech/wav.js';
import { wordErrorRate } from '../../src/speech/wer.js';

const exec = promisify(execFile);
const DEMO = fileURLToPath(new URL('../../sites/demo', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'baton-speech-test-'));
/** A cache directory only this file uses: its path in a command line tells this file's processes apart. */
const cacheDir = join(work, 'models');
const engine = new EmbeddedSpeech({ cacheDir });
let vocabulary: { key: string; sentences: string[] };

/** 16 kHz mono PCM of espeak-ng saying `text`. */
async function say(text: string, voice = 'en-us+klatt'): Promise<Buffer> {
  const wav = join(work, `${Math.random().toString(36).slice(2)}.wav`);
  const raw = wav.replace(/\.wav$/, '.raw');
  await exec('espeak-ng', ['-v', voice, '-s', '150', '-w', wav, '--', text]);
  await exec('sox', [wav, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  return (await import('node:fs/promises')).readFile(raw);
}

const ours = () => {
  try {
    return execFileSync('pgrep', ['-f', cacheDir]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

async function speechError(promise: Promise<unknown>): Promise<SpeechError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpeechError);
  return error as SpeechError;
}

beforeAll(async () => {
  vocabulary = { key: 'test-demo', sentences: await siteSentences(DEMO) };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('embedded engine: hearing', () => {
  it('recognises an everyday request and a site question with the site language model', async () => {
    const person = await engine.transcribe(await say('I want to talk to a person'), { language: 'en', vocabulary });
    expect(person.text).toBe('i want to talk to a person');
    const shipping = await engine.transcribe(await say('How long does shipping to Austria take?'), { language: 'en-US', vocabulary });
    expect(shipping.text).toContain('shipping');
    expect(shipping.text).toContain('austria');
    expect(wordErrorRate('How long does shipping to Austria take?', shipping.text)).toBeLessThanOrEqual(0.35);
  });

  it('an order number read digit by digit', async () => {
    const { text } = await engine.transcribe(await say('my order number is A 1 0 4 2 2'), { language: 'en', vocabulary });
    expect(wordErrorRate('my order number is a one zero four two two', text)).toBeLessThanOrEqual(0.35);
  });

  it('English only: another language is unsupported_language', async () => {
    expect((await speechError(engine.transcribe(Buffer.alloc(SAMPLE_RATE * 2), { language: 'de', vocabulary }))).code).toBe('unsupported_language');
  });

  it('more than 60 s is too_long; empty, tiny and odd-length audio do not crash', async () => {
    expect((await speechError(engine.transcribe(Buffer.alloc(61 * SAMPLE_RATE * 2), { language: 'en', vocabulary }))).code).toBe('too_long');
    expect(await engine.transcribe(Buffer.alloc(0), { language: 'en', vocabulary })).toEqual({ text: '' });
    expect(await engine.transcribe(Buffer.alloc(3), { language: 'en' })).toEqual({ text: '' });
    const odd = Buffer.concat([await say('yes please'), Buffer.from([1])]);
    expect((await engine.transcribe(odd, { language: 'en', vocabulary })).text).toBe('yes please');
  });

  it('an abort kills the recogniser; a deadline is a timeout', async () => {
    // Nearly a minute of speech keeps pocketsphinx busy for seconds.
    const long = await say(Array.from({ length: 12 }, () => 'where is my order, I want to talk to a person').join('. '));
    const controller = new AbortController();
    const pending = engine.transcribe(long.subarray(0, Math.min(long.length, 59 * SAMPLE_RATE * 2)), { language: 'en', vocabulary, signal: controller.signal });
    await expect.poll(ours, { timeout: 5_000, interval: 20 }).toHaveLength(1);
    controller.abort();
    expect((await speechError(pending)).code).toBe('engine_failed');
    await expect.poll(ours, { timeout: 2_000, interval: 20 }).toHaveLength(0);

    const hurried = new EmbeddedSpeech({ cacheDir, timeoutMs: 100 });
    expect((await speechError(hurried.transcribe(long, { language: 'en', vocabulary }))).code).toBe('timeout');
    await expect.poll(ours, { timeout: 2_000, interval: 20 }).toHaveLength(0);
  });

  it('runs at most maxProcesses recognisers at once, queueing the rest', async () => {
    const one = new EmbeddedSpeech({ cacheDir, maxProcesses: 1 });
    const audio = await say('where is my parcel, it has not arrived and i want to talk to someone');
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, ours().length)), 15);
    const texts = await Promise.all([1, 2, 3].map(() => one.transcribe(audio, { language: 'en', vocabulary })));
    clearInterval(watch);
    expect(most).toBe(1);
    expect(new Set(texts.map((t) => t.text)).size).toBe(1);
  });
});

describe('embedded engine: speaking', () => {
  it('speaks German as a RIFF WAV with samples', async () => {
    const { audio, mime } = await engine.synthesize('Wo ist meine **Bestellung**?', { language: 'de' });
    expect(mime).toBe('audio/wav');
    expect(audio.toString('ascii', 0, 4)).toBe('RIFF');
    expect(audio.readUInt32LE(4)).toBe(audio.length - 8);
    const wav = readWav(audio);
    expect(wav).toMatchObject({ channels: 1, bitsPerSample: 16 });
    expect(wav.samples.length / 2 / wav.sampleRate).toBeGreaterThan(0.5);
  });

  it('a language without a voice is unsupported_language; nothing to say is a silent WAV', async () => {
    expect((await speechError(engine.synthesize('hello', { language: 'ja' }))).code).toBe('unsupported_language');
    const silent = await engine.synthesize('**  **', { language: 'en' });
    expect(readWav(silent.audio).samples.length).toBe(0);
  });

  it('Markdown is said as text: links by their text, addresses not spelled out', () => {
    expect(speakableText('**Order A-10422** is _on its way_. Track it [here](https://track.example/A-10422).')).toBe('Order A-10422 is on its way. Track it here.');
    expect(speakableText('See https://shop.example/returns?id=1 for details')).toBe('See the link in the chat for details.');
    expect(speakableText('Options:\n- `Returns`\n- *Shipping*\n1. Payment')).toBe('Options: Returns. Shipping. Payment.');
    expect(speakableText('# Title\n> quoted')).toBe('Title. quoted.');
  });

  it('more than 2,000 characters is cut after the last whole sentence', () => {
    const sentence = 'This is one sentence of a long answer. ';
    const text = speakableText(sentence.repeat(100));
    expect(text.length).toBeLessThanOrEqual(2_000);
    expect(text.endsWith('answer.')).toBe(true);
    expect(speakableText('x'.repeat(2_500))).toHaveLength(2_000);
  });
});
