// The OpenAI-compatible speech engine against a local server that speaks the protocol.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpeech, speechConfigFromEnv, SpeechConfigError, SpeechError } from '../../src/speech/index.js';
import { OpenAiSpeech } from '../../src/speech/openai.js';
import { readWav } from '../../src/speech/wav.js';

interface Part { name: string; filename?: string; type?: string; data: Buffer }

/** A multipart/form-data body as its parts (enough for what fetch's FormData sends). */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const delimiter = Buffer.from(`--${boundary?.[1] ?? boundary?.[2]}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter) + delimiter.length;
  for (;;) {
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const raw = body.subarray(start + 2, next - 2); // CRLF after the delimiter, before the next
    const headerEnd = raw.indexOf('\r\n\r\n');
    const headers = raw.subarray(0, headerEnd).toString('utf8');
    const disposition = /name="([^"]*)"(?:; filename="([^"]*)")?/.exec(headers);
    const type = /content-type:\s*(\S+)/i.exec(headers)?.[1];
    parts.push({ name: disposition?.[1] ?? '', ...(disposition?.[2] ? { filename: disposition[2] } : {}), ...(type ? { type } : {}), data: raw.subarray(headerEnd + 4) });
    start = next + delimiter.length;
  }
  return parts;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const seen: { path?: string; authorization?: string; parts?: Part[]; json?: Record<string, unknown> } = {};

/** The protocol, as a whisper/TTS server answers it. */
function protocol(req: IncomingMessage, res: ServerResponse, body: Buffer) {
  seen.path = req.url;
  seen.authorization = req.headers.authorization;
  if (req.url === '/v1/audio/transcriptions') {
    seen.parts = parseMultipart(body, req.headers['content-type'] ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: ' where is my order ' }));
  } else if (req.url === '/v1/audio/speech') {
    seen.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.from('ID3 fake mp3 bytes'));
  } else res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer((req, res) => void readBody(req).then((body) => handler(req, res, body)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const engine = (extra: Partial<ConstructorParameters<typeof OpenAiSpeech>[0]> = {}) =>
  new OpenAiSpeech({ baseUrl: base, sttModel: 'whisper-1', ttsModel: 'tts-1', voice: 'alloy', ...extra });
const second = Buffer.alloc(16_000 * 2, 1);

async function speechError(promise: Promise<unknown>): Promise<SpeechError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpeechError);
  return error as SpeechError;
}

describe('OpenAI-compatible speech engine', () => {
  it('sends a 16 kHz mono 16-bit WAV with the model and language, and reads the text', async () => {
    handler = protocol;
    const result = await engine().transcribe(second, { language: 'de-AT' });
    expect(result).toEqual({ text: 'where is my order' });
    expect(seen.path).toBe('/v1/audio/transcriptions');
    const parts = Object.fromEntries(seen.parts!.map((p) => [p.name, p]));
    expect(parts.model!.data.toString()).toBe('whisper-1');
    expect(parts.language!.data.toString()).toBe('de');
    expect(parts.response_format!.data.toString()).toBe('json');
    expect(parts.file!.filename).toBe('audio.wav');
    const wav = readWav(parts.file!.data);
    expect(wav).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples.equals(second)).toBe(true);
    expect(seen.authorization).toBeUndefined();
  });

  it('sends the key as a bearer token, and a base URL ending in /v1 is not doubled', async () => {
    handler = protocol;
    await engine({ apiKey: 'sk-test-123', baseUrl: `${base}/v1/` }).transcribe(second, { language: 'en' });
    expect(seen.authorization).toBe('Bearer sk-test-123');
    expect(seen.path).toBe('/v1/audio/transcriptions');
  });

  it('asks for mp3 speech of the text without its Markdown, and passes the mime on', async () => {
    handler = protocol;
    const audio = await engine({ voice: 'nova' }).synthesize('See **[our returns page](https://shop.example/returns)**.', { language: 'en' });
    expect(audio.mime).toBe('audio/mpeg');
    expect(audio.audio.toString()).toBe('ID3 fake mp3 bytes');
    expect(seen.json).toEqual({ model: 'tts-1', input: 'See our returns page.', voice: 'nova', response_format: 'mp3' });
  });

  it('a 500 is engine_failed, naming the status and not the key', async () => {
    handler = (_req, res) => res.writeHead(500).end('upstream exploded: key sk-secret-999');
    const error = await speechError(engine({ apiKey: 'sk-secret-999' }).transcribe(second, { language: 'en' }));
    expect(error.code).toBe('engine_failed');
    expect(error.message).toBe('speech endpoint answered 500');
    expect(error.message).not.toContain('sk-secret');
  });

  it('a server that never answers is a timeout within the limit', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    const error = await speechError(engine({ timeoutMs: 300 }).synthesize('hello', { language: 'en' }));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the caller's abort stops the request", async () => {
    handler = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await speechError(engine().transcribe(second, { language: 'en', signal: controller.signal }));
    expect(error.code).toBe('engine_failed');
  });

  it('an oversized answer is refused while reading, declared or not', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 7);
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(big);
    expect((await speechError(engine().synthesize('hello', { language: 'en' }))).message).toMatch(/more than 10485760 bytes/);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      res.write(`{"text":"${'a'.repeat(40_000)}`);
      res.end(`${'a'.repeat(40_000)}"}`);
    };
    expect((await speechError(engine().transcribe(second, { language: 'en' }))).message).toMatch(/more than 65536 bytes/);
  });

  it('refuses a language it does not transcribe and more than 60 s of audio, before calling', async () => {
    handler = protocol;
    seen.path = undefined;
    expect((await speechError(engine().transcribe(second, { language: 'ja' }))).code).toBe('unsupported_language');
    expect((await speechError(engine().transcribe(Buffer.alloc(61 * 16_000 * 2), { language: 'en' }))).code).toBe('too_long');
    expect(await engine().transcribe(Buffer.alloc(0), { language: 'en' })).toEqual({ text: '' });
    expect(seen.path).toBeUndefined();
  });

  it('a JSON answer without text is engine_failed', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"nope"}');
    expect((await speechError(engine().transcribe(second, { language: 'en' }))).code).toBe('engine_failed');
  });
});

describe('speech configuration', () => {
  it('without a base URL: the embedded engine', () => {
    expect(speechConfigFromEnv({ BATON_SPEECH_API_KEY: '' })).toEqual({ engine: 'embedded' });
    expect(createSpeech(speechConfigFromEnv({})).name).toBe('embedded');
  });

  it('with a base URL: the OpenAI-compatible engine, with defaults', () => {
    const config = speechConfigFromEnv({ BATON_SPEECH_BASE_URL: 'https://api.example.com', BATON_SPEECH_API_KEY: 'k', BATON_SPEECH_TIMEOUT_MS: '5000' });
    expect(config).toEqual({ engine: 'openai', baseUrl: 'https://api.example.com', apiKey: 'k', sttModel: 'whisper-1', ttsModel: 'tts-1', voice: 'alloy', timeoutMs: 5000 });
    const speech = createSpeech(config);
    expect(speech.name).toBe('openai');
    expect(speech.sttLanguages).toEqual(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl']);
  });

  it('bad values name the variable', () => {
    expect(() => speechConfigFromEnv({ BATON_SPEECH_BASE_URL: 'not a url', BATON_SPEECH_TIMEOUT_MS: '5' })).toThrow(SpeechConfigError);
    try {
      speechConfigFromEnv({ BATON_SPEECH_BASE_URL: 'not a url', BATON_SPEECH_TIMEOUT_MS: '5' });
    } catch (error) {
      expect((error as SpeechConfigError).problems.map((p) => p.split(':')[0])).toEqual(['BATON_SPEECH_BASE_URL', 'BATON_SPEECH_TIMEOUT_MS']);
    }
  });
});
