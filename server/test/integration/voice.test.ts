// Voice over real sockets (issue 18), on SQLite and Postgres: speech streamed in frames becomes
// the visitor's spoken message, the bot answers in its voice lines and hands over with the
// channel in the package, the agent joins the call (signalling relayed to them alone), and every
// bad frame gets a stable code. The speech engine is the OpenAI-compatible one, against a local
// server speaking that protocol (a hosted API cannot run here); the embedded engine has its own
// tests (test/speech) and the browser test (e2e/voice.spec.ts).
import { LIMITS } from '@baton/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyCatalog } from '../../src/core/copy.js';
import { OpenAiSpeech } from '../../src/speech/openai.js';
import { storeFactories } from '../helpers/db.js';
import { addAgent, agent, type Connected, request, type ServerOptions, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';
import { sayPcm, type SpeechStub, startSpeechStub } from '../helpers/speech-server.js';

let stub: SpeechStub;
beforeAll(async () => {
  stub = await startSpeechStub();
});
afterAll(async () => stub.close());

/** Streams PCM as the widget does: frames of at most LIMITS.voiceFrameMaxBytes, then the end. */
async function say(c: Connected, pcm: Buffer, utteranceId: string, clientId = `${utteranceId}-c`, extra: Record<string, unknown> = {}) {
  for (let seq = 0, at = 0; at < pcm.length; seq++, at += LIMITS.voiceFrameMaxBytes) {
    const ack = await request(c.socket, 'voice:frame', { ...extra, utteranceId, seq, pcm: pcm.subarray(at, at + LIMITS.voiceFrameMaxBytes) });
    if (!ack.ok) return ack;
  }
  return request(c.socket, 'voice:end', { ...extra, utteranceId, clientId });
}

const voiceLine = (key: 'escalatedLater') => copyCatalog(undefined, 'voice', 'en')[key](false);

describe.each(storeFactories)('voice over sockets on $name', (factory) => {
  let server: TestServer;
  const start = async (options: ServerOptions = {}) => {
    server = await startServer(factory, {
      voice: { speech: new OpenAiSpeech({ baseUrl: stub.url, sttModel: 'whisper-1', ttsModel: 'tts-1', voice: 'alloy' }), iceServers: [{ urls: 'stun:stun.example.org:3478' }] },
      ...options,
    });
  };
  beforeEach(() => {
    stub.failWith = null;
  });
  afterEach(async () => server?.close());

  it('a spoken question is the visitor’s message, marked spoken; the bot answers and the answer is read aloud', async () => {
    const logged: string[] = [];
    await start({ log: { level: 'debug', write: (line) => logged.push(line) } });
    const v = await visitor(server.url);
    const mode = await request(v.socket, 'voice:mode', { on: true });
    expect(mode).toMatchObject({ ok: true, voice: { sampleRate: 16_000, frameMaxBytes: LIMITS.voiceFrameMaxBytes, canTranscribe: true, iceServers: [{ urls: 'stun:stun.example.org:3478' }] } });

    const said = await say(v, sayPcm('How long does shipping take to Austria?', 2), 'u1');
    expect(said).toMatchObject({ ok: true, message: { author: { kind: 'visitor' }, body: 'How long does shipping take to Austria?', spoken: true } });
    expect(stub.transcriptions.at(-1)).toMatchObject({ model: 'whisper-1', language: 'en', sampleRate: 16_000, channels: 1, bits: 16 });
    const answer = await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    expect(answer.body).toMatch(/2–4 working days/);
    expect(answer.spoken).toBeUndefined();

    const spoken = await request(v.socket, 'voice:speak', { messageId: answer.id });
    expect(spoken).toMatchObject({ ok: true, mime: 'audio/mpeg' });
    expect(Buffer.from(spoken.audio).length).toBeGreaterThan(100);
    // Markdown is not read out as symbols.
    expect(stub.syntheses.at(-1)!.input).not.toMatch(/\*\*|\]\(/);
    // Their own words are not read back to them.
    expect(await request(v.socket, 'voice:speak', { messageId: said.message.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // The agents see the visitor on voice, and the stored message says it was spoken.
    const a = await agent(server.url);
    const card = (await request(a.socket, 'queue:list', {})).conversations.find((c: any) => c.id === said.message.conversationId);
    expect(card).toMatchObject({ channel: 'voice' });
    const opened = await request(a.socket, 'conversation:open', { conversationId: said.message.conversationId });
    expect(opened.messages[0]).toMatchObject({ spoken: true });
    // Neither the audio nor what was said is written to the log, at any level.
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((l) => /Austria|pcm|"audio"/i.test(l))).toEqual([]);
  });

  it('asking for a person by voice: the voice handoff line, the package records voice, the agent joins the call and signalling reaches only the visitor and that agent', async () => {
    await start();
    const v = await visitor(server.url);
    await request(v.socket, 'voice:mode', { on: true });
    const said = await say(v, sayPcm('I want to talk to a person', 2), 'u1');
    const conversationId = said.message.conversationId;
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued' && c.channel === 'voice');
    // Nobody is online: the bot says, in its voice line, that the team has it (seed step 5).
    const line = await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    expect(line.body).toBe(voiceLine('escalatedLater'));

    const a = await agent(server.url);
    await addAgent(server.store, { id: 'agent_tom', name: 'Tom', email: 'tom@demo.test', password: 'tom-password' });
    const other = await agent(server.url, 'tom@demo.test', 'tom-password');
    const card = (await request(a.socket, 'queue:list', {})).conversations.find((c: any) => c.id === conversationId);
    expect(card).toMatchObject({ control: 'queued', channel: 'voice', handoff: { trigger: 'visitor_request', channel: 'voice' } });

    // The visitor cannot signal before anyone joined.
    expect(await request(v.socket, 'call:signal', { signal: { kind: 'hangup' } })).toMatchObject({ ok: false, error: { code: 'not_in_control' } });

    const joined = await request(a.socket, 'call:join', { conversationId });
    expect(joined).toMatchObject({ ok: true, conversation: { control: 'agent', channel: 'voice' }, iceServers: [{ urls: 'stun:stun.example.org:3478' }] });
    await waitFor(v, 'message:new', (m) => m.notice === 'agent_joined');
    // A colleague cannot take the call now.
    expect(await request(other.socket, 'call:join', { conversationId })).toMatchObject({ ok: false, error: { code: 'already_claimed' } });
    expect(await request(other.socket, 'call:signal', { conversationId, signal: { kind: 'offer', sdp: 'v=0' } })).toMatchObject({ ok: false, error: { code: 'not_in_control' } });

    expect(await request(a.socket, 'call:signal', { conversationId, signal: { kind: 'offer', sdp: 'v=0 offer' } })).toMatchObject({ ok: true });
    expect(await waitFor(v, 'call:signal')).toEqual({ conversationId, agent: { name: expect.any(String) }, signal: { kind: 'offer', sdp: 'v=0 offer' } });
    expect(await request(v.socket, 'call:signal', { signal: { kind: 'answer', sdp: 'v=0 answer' } })).toMatchObject({ ok: true });
    expect(await waitFor(a, 'call:signal')).toEqual({ conversationId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    await request(v.socket, 'call:signal', { signal: { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } } });
    await waitFor(a, 'call:signal', (p) => p.signal.kind === 'candidate');
    expect(other.received.filter((r) => r.event === 'call:signal')).toEqual([]);

    // Both sides of the call continue in the transcript; the bot stays silent while the agent holds it.
    const agentSaid = await say(a, sayPcm('Hello, this is Maria from support'), 'a1', 'a1-c', { conversationId });
    expect(agentSaid).toMatchObject({ ok: true, message: { author: { kind: 'agent' }, body: 'Hello, this is Maria from support', spoken: true } });
    await waitFor(v, 'message:new', (m) => m.id === agentSaid.message.id && m.spoken === true);
    const visitorSaid = await say(v, sayPcm('Thanks, my order is A-10422'), 'u2');
    await waitFor(a, 'message:new', (m) => m.id === visitorSaid.message.id && m.spoken === true);
    await new Promise((r) => setTimeout(r, 300));
    const after = (await request(a.socket, 'conversation:open', { conversationId })).messages;
    expect(after.filter((m: any) => m.author.kind === 'bot' && m.seq > visitorSaid.message.seq)).toEqual([]);

    // Voice off (or the tab closing) tells the agents the visitor is no longer on voice.
    await request(v.socket, 'voice:mode', { on: false });
    await waitFor(a, 'conversation:updated', (c) => c.id === conversationId && c.channel === 'chat');
  });

  it('a typed escalation records the chat channel and uses the chat line', async () => {
    await start();
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 't1', body: 'I want to talk to a person' });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const line = await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    expect(line.body).toBe(copyCatalog(undefined, 'chat', 'en').escalatedLater(false));
    const a = await agent(server.url);
    const card = (await request(a.socket, 'queue:list', {})).conversations.find((c: any) => c.id === sent.message.conversationId);
    expect(card).toMatchObject({ channel: 'chat', handoff: { channel: 'chat' } });
    expect(await request(a.socket, 'call:join', { conversationId: sent.message.conversationId })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('when nobody can join live, the visitor asks for a call back, and the agents see the number', async () => {
    await start();
    const v = await visitor(server.url);
    await request(v.socket, 'voice:mode', { on: true });
    const said = await say(v, sayPcm('I want to talk to a person', 2), 'u1');
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    expect(await request(v.socket, 'conversation:replyLater', { phone: 'call me maybe' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const later = await request(v.socket, 'conversation:replyLater', { phone: '+43 1 234 5678' });
    expect(later).toMatchObject({ ok: true, conversation: { replyLater: true, callbackPhone: '+43 1 234 5678' } });
    const notice = await waitFor(v, 'message:new', (m) => m.notice === 'reply_later');
    expect(notice.body).toBe(copyCatalog(undefined, 'voice', 'en').callBack('+43 1 234 5678'));
    const a = await agent(server.url);
    const card = (await request(a.socket, 'queue:list', {})).conversations.find((c: any) => c.id === said.message.conversationId);
    expect(card).toMatchObject({ replyLater: true, callbackPhone: '+43 1 234 5678' });
  });

  it('bad frames and utterances get stable codes and store nothing', async () => {
    await start({ limits: { voiceSeconds: { points: 40, duration: 60 } } });
    const v = await visitor(server.url);
    await request(v.socket, 'voice:mode', { on: true });
    const frame = (p: Record<string, unknown>) => request(v.socket, 'voice:frame', { utteranceId: 'u', seq: 0, pcm: Buffer.alloc(320), ...p });
    expect(await frame({ pcm: Buffer.alloc(321) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({ pcm: Buffer.alloc(LIMITS.voiceFrameMaxBytes + 2) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({ pcm: 'not audio' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({ pcm: Buffer.alloc(0) })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({ utteranceId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({ seq: 3 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await frame({})).toMatchObject({ ok: true });
    expect(await frame({ seq: 0 })).toMatchObject({ ok: true }); // a resend is ignored
    expect(await frame({ seq: 2 })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('expected frame 1') } });
    expect(await request(v.socket, 'voice:end', { utteranceId: 'nope', clientId: 'c0' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Silence: nothing understood, nothing stored.
    expect(await say(v, Buffer.alloc(16_000), 'quiet')).toMatchObject({ ok: false, error: { code: 'not_understood' } });
    // Longer than an utterance may be: refused part-way, and the frames are dropped.
    expect(await say(v, Buffer.alloc(LIMITS.voiceSampleRate * 2 * 31), 'long')).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(await request(v.socket, 'voice:end', { utteranceId: 'long', clientId: 'c1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A cancelled utterance is gone.
    await request(v.socket, 'voice:frame', { utteranceId: 'gone', seq: 0, pcm: Buffer.alloc(320) });
    expect(await request(v.socket, 'voice:cancel', { utteranceId: 'gone' })).toMatchObject({ ok: true });
    expect(await request(v.socket, 'voice:end', { utteranceId: 'gone', clientId: 'c2' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // The engine down: voice_unavailable, and the visitor can still type.
    stub.failWith = 503;
    expect(await say(v, sayPcm('where is my order'), 'down')).toMatchObject({ ok: false, error: { code: 'voice_unavailable' } });
    stub.failWith = null;
    expect(await request(v.socket, 'message:send', { clientId: 'typed', body: 'where is my order' })).toMatchObject({ ok: true, message: { seq: 1 } });

    // Speech is paced per speaker: 40 seconds a minute here; the next 20-second utterance is over.
    expect(await say(v, sayPcm('hello there', 20), 'p1')).toMatchObject({ ok: true });
    expect(await say(v, sayPcm('hello again', 20), 'p2')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('without a speech engine voice mode is unavailable, and the chat goes on', async () => {
    server = await startServer(factory);
    const v = await visitor(server.url);
    expect(await request(v.socket, 'voice:mode', { on: true })).toMatchObject({ ok: false, error: { code: 'voice_unavailable' } });
    expect(await request(v.socket, 'message:send', { clientId: 'x', body: 'hello' })).toMatchObject({ ok: true });
  });

  it('audio is kept only when the site records: then as a WAV beside the transcript', async () => {
    await start({ settings: { voiceRecording: true } });
    const v = await visitor(server.url);
    await request(v.socket, 'voice:mode', { on: true });
    const said = await say(v, sayPcm('do you ship to Norway'), 'r1');
    expect(said.message.attachments).toEqual([expect.objectContaining({ name: 'speech.wav', type: 'audio/wav', size: 44 + 32_000 })]);
    const res = await fetch(new URL(said.message.attachments[0].url, server.url));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');
  });

  it('audio is not kept by default', async () => {
    await start();
    const v = await visitor(server.url);
    await request(v.socket, 'voice:mode', { on: true });
    const said = await say(v, sayPcm('do you ship to Norway'), 'r1');
    expect(said.message.attachments).toBeUndefined();
  });
});
