// Voice latency with the embedded engines on this machine (issue 18): from the end of the
// visitor's speech to the start of the spoken answer. A real server (SQLite, the demo site, the
// built-in bot, pocketsphinx and espeak-ng) and a real Socket.IO visitor per utterance, as the
// widget does it: frames are streamed while the visitor speaks (not timed), then `voice:end` is
// the end of speech; the clock stops when the answer's audio arrives (`voice:speak` ack), which is
// when the widget starts playing it. Split: transcription (until the transcript arrives as the visitor's message), the bot's
// turn (until its message arrives), synthesis (until the audio arrives). The browser adds its
// voice-activity hang-over (the silence it waits for before it calls the utterance over) on top.
// Sentences: the frozen spoken held-out set (server/eval/spoken-heldout.txt), said by espeak-ng.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIMITS } from '@baton/shared';
import { io, type Socket } from 'socket.io-client';
import { createApp } from '../src/app.js';
import { createBuiltinBot } from '../src/bot/index.js';
import { DEMO, seedDemo } from '../src/demo.js';
import { createLogger } from '../src/log.js';
import { EmbeddedSpeech } from '../src/speech/embedded.js';
import { siteSentences } from '../src/speech/vocabulary.js';
import { createStore } from '../src/store/index.js';

const siteDir = resolve(import.meta.dirname, '../sites/demo');
const count = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 20);

export interface LatencyReport {
  utterances: number;
  understood: number;
  totalMs: { p50: number; p95: number };
  transcribeMs: { p50: number; p95: number };
  botMs: { p50: number; p95: number };
  synthMs: { p50: number; p95: number };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};
const both = (xs: number[]) => ({ p50: Math.round(quantile(xs, 0.5) * 10) / 10, p95: Math.round(quantile(xs, 0.95) * 10) / 10 });

function pcmOf(text: string, dir: string, i: number): Buffer {
  const wav = join(dir, `s${i}.wav`);
  const raw = join(dir, `s${i}.raw`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, text]);
  execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  return readFileSync(raw);
}

const ack = (s: Socket, event: string, payload: unknown): Promise<any> => s.timeout(30_000).emitWithAck(event, payload);

export async function measureLatency(n = count): Promise<LatencyReport> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-voice-bench-'));
  const store = await createStore(`sqlite:${join(dir, 'bench.sqlite')}`, { dataDir: dir });
  await store.migrate();
  await seedDemo(store, { now: new Date().toISOString(), secret: 'bench-secret-bench-secret-bench-secret-0123' });
  const bot = await createBuiltinBot({ siteDir });
  const sentences = await siteSentences(siteDir);
  const speech = new EmbeddedSpeech();
  const app = await createApp({
    store,
    bots: () => bot,
    secret: 'bench-secret-bench-secret-bench-secret-0123',
    logger: createLogger('silent'),
    jobPollMs: 0,
    limits: { visitorPerIp: { points: 100_000, duration: 60 }, voiceSeconds: { points: 100_000, duration: 60 } },
    voice: { speech, iceServers: [], vocabulary: async () => ({ key: 'demo', sentences }) },
  });
  const { url } = await app.listen(0, '127.0.0.1');
  const lines = readFileSync(resolve(import.meta.dirname, '../eval/spoken-heldout.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .slice(0, n);
  // Warm-up: the site's language model is built once and cached; not part of any visitor's wait.
  await speech.transcribe(pcmOf('hello', dir, -1), { language: 'en', vocabulary: { key: 'demo', sentences } });

  const total: number[] = [];
  const transcribe: number[] = [];
  const botTurn: number[] = [];
  const synth: number[] = [];
  let understood = 0;
  for (const [i, text] of lines.entries()) {
    const pcm = pcmOf(text, dir, i);
    const socket = io(`${url}/visitor`, { auth: { siteKey: DEMO.siteKey }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((r, j) => {
      socket.once('connect', () => r());
      socket.once('connect_error', j);
    });
    await ack(socket, 'session:resume', {});
    await ack(socket, 'voice:mode', { on: true });
    const ownMessage = new Promise<number>((r) => socket.on('message:new', (m: { author: { kind: string } }) => m.author.kind === 'visitor' && r(performance.now())));
    const botMessage = new Promise<{ id: string; at: number }>((r) => socket.on('message:new', (m: { id: string; author: { kind: string } }) => m.author.kind === 'bot' && r({ id: m.id, at: performance.now() })));
    for (let seq = 0, at = 0; at < pcm.length; seq++, at += LIMITS.voiceFrameMaxBytes) {
      await ack(socket, 'voice:frame', { utteranceId: `u${i}`, seq, pcm: pcm.subarray(at, at + LIMITS.voiceFrameMaxBytes) });
    }
    const t0 = performance.now();
    const ended = await ack(socket, 'voice:end', { utteranceId: `u${i}`, clientId: `c${i}` });
    if (ended.ok) {
      // The transcript is stored and delivered before the ack returns; the bot starts from there.
      const t1 = await ownMessage;
      understood += 1;
      const answer = await botMessage;
      const spoken = await ack(socket, 'voice:speak', { messageId: answer.id });
      const t3 = performance.now();
      if (spoken.ok) {
        total.push(t3 - t0);
        transcribe.push(t1 - t0);
        botTurn.push(answer.at - t1);
        synth.push(t3 - answer.at);
      }
    }
    socket.disconnect();
  }
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { utterances: lines.length, understood, totalMs: both(total), transcribeMs: both(transcribe), botMs: both(botTurn), synthMs: both(synth) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureLatency();
  console.log(`voice latency, embedded engines, ${r.utterances} utterances (${r.understood} understood):`);
  console.log(`  end of speech → spoken answer starts   p50 ${r.totalMs.p50} ms   p95 ${r.totalMs.p95} ms`);
  console.log(`    transcription (pocketsphinx)         p50 ${r.transcribeMs.p50} ms   p95 ${r.transcribeMs.p95} ms`);
  console.log(`    bot turn (store, policy, reply)      p50 ${r.botMs.p50} ms   p95 ${r.botMs.p95} ms (the answer arrives with the transcript)`);
  console.log(`    synthesis (espeak-ng)                p50 ${r.synthMs.p50} ms   p95 ${r.synthMs.p95} ms`);
  console.log(JSON.stringify({ bench: 'voice-latency', ...r }));
  process.exit(0);
}
