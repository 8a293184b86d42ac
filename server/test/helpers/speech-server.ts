// A local server that speaks the OpenAI audio protocol (/v1/audio/transcriptions, /v1/audio/speech),
// standing in for a hosted speech API, which cannot run here. Its "recognition" is exact by
// construction: tests say a phrase by encoding its characters as PCM samples (`sayPcm`), and the
// server decodes the WAV it receives back into the phrase. Silence is heard as nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A phrase as 16 kHz PCM: one sample per character (its code × 64), padded with a little silence. */
export function sayPcm(phrase: string, seconds = 1): Buffer {
  const samples = Math.max(phrase.length + 16, Math.round(seconds * 16_000));
  const pcm = Buffer.alloc(samples * 2);
  [...phrase].forEach((ch, i) => pcm.writeInt16LE(Math.min(32_767, ch.charCodeAt(0) * 64), (i + 8) * 2));
  return pcm;
}

function heard(wav: Buffer): string {
  const data = wav.indexOf('data');
  if (data < 0) return '';
  let text = '';
  for (let at = data + 8; at + 1 < wav.length; at += 2) {
    const v = wav.readInt16LE(at);
    if (v > 0 && v % 64 === 0) text += String.fromCharCode(v / 64);
  }
  return text;
}

export interface SpeechStub {
  url: string;
  /** What the server received: the form fields of each transcription, the inputs of each synthesis. */
  transcriptions: { model: string; language: string; sampleRate: number; channels: number; bits: number }[];
  syntheses: { model: string; input: string; voice: string }[];
  /** While set, every request answers this status. */
  failWith: number | null;
  close(): Promise<void>;
}

export async function startSpeechStub(): Promise<SpeechStub> {
  const stub: SpeechStub = { url: '', transcriptions: [], syntheses: [], failWith: null, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (stub.failWith) {
      res.writeHead(stub.failWith, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
      return;
    }
    if (req.url === '/v1/audio/transcriptions') {
      const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
      const parts = boundary ? body.toString('latin1').split(`--${boundary}`) : [];
      const field = (name: string) => parts.find((p) => p.includes(`name="${name}"`))?.split('\r\n\r\n')[1]?.replace(/\r\n$/, '') ?? '';
      const filePart = parts.find((p) => p.includes('name="file"'));
      const wav = filePart ? Buffer.from(filePart.slice(filePart.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, ''), 'latin1') : Buffer.alloc(0);
      stub.transcriptions.push({ model: field('model'), language: field('language'), sampleRate: wav.readUInt32LE(24), channels: wav.readUInt16LE(22), bits: wav.readUInt16LE(34) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: heard(wav) }));
      return;
    }
    if (req.url === '/v1/audio/speech') {
      const input = JSON.parse(body.toString('utf8')) as { model: string; input: string; voice: string };
      stub.syntheses.push({ model: input.model, input: input.input, voice: input.voice });
      // Not real speech: some bytes whose length follows the text, as an MP3 endpoint would send.
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.alloc(100 + input.input.length, 0xff));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => new Promise((r) => server.close(() => r()));
  return stub;
}
