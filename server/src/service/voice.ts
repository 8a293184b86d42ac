// Voice mode (issue 18): speech arrives as small PCM frames, is held in memory only until its
// utterance ends, is transcribed by the speech engine and becomes a spoken message of the same
// conversation. Bot and agent lines are read aloud on request. Audio is never logged, and never
// kept unless the site turned recording on (then it is the message's attachment, and retention
// deletes it with the conversation).
import { BatonError, LIMITS, type IceServer, type Message, type VoiceSettings } from '@baton/shared';
import type { Logger } from '../log.js';
import { type SpeechEngine, SpeechError } from '../speech/types.js';
import { pcmToWav } from '../speech/wav.js';
import type { AgentRecord, SiteRecord, Store } from '../store/types.js';
import type { InspectedFile } from './attachments.js';
import type { ConversationService, VisitorContext } from './conversations.js';
import type { Limits } from './limits.js';
import { siteSettings } from './settings.js';

const BYTES_PER_SECOND = LIMITS.voiceSampleRate * 2;
const MAX_UTTERANCE_BYTES = (LIMITS.voiceUtteranceMaxMs / 1000) * BYTES_PER_SECOND;
/** An utterance nobody ended (a tab that died mid-sentence) is dropped after this long. */
const STALE_MS = 30_000;
/** Utterances held in memory on this node at once: 500 × at most ~1 MB. */
const MAX_OPEN_UTTERANCES = 500;
/** Spoken lines kept for a replay or a second tab, by message id. */
const SPOKEN_CACHE = 200;

interface Utterance {
  id: string;
  frames: Buffer[];
  bytes: number;
  nextSeq: number;
  lastAt: number;
}

/**
 * The frames of the utterance each speaker (a socket) is saying now: one at a time per speaker,
 * in order, bounded in bytes. A new utterance id replaces an unfinished one.
 */
export class Utterances {
  private readonly open = new Map<string, Utterance>();

  constructor(private readonly clock: () => number = Date.now) {}

  frame(speaker: string, utteranceId: string, seq: number, pcm: Uint8Array): void {
    this.sweep();
    let u = this.open.get(speaker);
    if (!u || u.id !== utteranceId) {
      if (seq !== 0) throw new BatonError('bad_request', 'seq: an utterance starts at frame 0.');
      if (!u && this.open.size >= MAX_OPEN_UTTERANCES) throw new BatonError('rate_limited', 'Voice is very busy right now. Please type, or try again in a moment.');
      u = { id: utteranceId, frames: [], bytes: 0, nextSeq: 0, lastAt: this.clock() };
      this.open.set(speaker, u);
    }
    if (seq < u.nextSeq) return; // a resend of a frame already held
    if (seq > u.nextSeq) throw new BatonError('bad_request', `seq: expected frame ${u.nextSeq}, got ${seq}.`);
    if (u.bytes + pcm.byteLength > MAX_UTTERANCE_BYTES) {
      this.open.delete(speaker);
      throw new BatonError('payload_too_large', `One utterance can be at most ${LIMITS.voiceUtteranceMaxMs / 1000} seconds.`);
    }
    u.frames.push(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    u.bytes += pcm.byteLength;
    u.nextSeq += 1;
    u.lastAt = this.clock();
  }

  /** The whole utterance, removed from memory. */
  take(speaker: string, utteranceId: string): Buffer {
    const u = this.open.get(speaker);
    if (!u || u.id !== utteranceId) throw new BatonError('not_found', 'No such utterance: it ended, was cancelled, or sent no audio.');
    this.open.delete(speaker);
    return Buffer.concat(u.frames, u.bytes);
  }

  cancel(speaker: string, utteranceId?: string): void {
    const u = this.open.get(speaker);
    if (u && (utteranceId === undefined || u.id === utteranceId)) this.open.delete(speaker);
  }

  get size(): number {
    return this.open.size;
  }

  private sweep() {
    const before = this.clock() - STALE_MS;
    for (const [speaker, u] of this.open) if (u.lastAt < before) this.open.delete(speaker);
  }
}

export interface VoiceDeps {
  store: Store;
  conversations: ConversationService;
  /** null: no speech engine (voice mode answers voice_unavailable, the widget stays text). */
  speech: SpeechEngine | null;
  limits: Limits;
  logger: Logger;
  iceServers: IceServer[];
  /** What this site's visitors say: the embedded engine's language model is built from it. */
  vocabulary?: (site: SiteRecord) => Promise<{ key: string; sentences: readonly string[] } | undefined>;
  /** Transcription and synthesis are cut after this long. */
  timeoutMs?: number;
}

export class VoiceService {
  readonly utterances = new Utterances();
  private readonly spoken = new Map<string, { audio: Buffer; mime: string }>();
  private readonly timeoutMs: number;

  constructor(private readonly deps: VoiceDeps) {
    this.timeoutMs = deps.timeoutMs ?? 15_000;
  }

  /** What the widget needs for voice mode; the agents see the visitor on voice. */
  async visitorMode(visitor: VisitorContext, on: boolean): Promise<VoiceSettings | null> {
    const { speech } = this.deps;
    if (on && !speech) throw new BatonError('voice_unavailable', 'Voice is not available on this site. You can type.');
    const conversation = await this.deps.conversations.visitorVoiceMode(visitor, on);
    if (!on || !speech) return null;
    const language = await this.languageOf(visitor.visitorId, conversation?.language ?? null);
    return {
      sampleRate: LIMITS.voiceSampleRate,
      frameMaxBytes: LIMITS.voiceFrameMaxBytes,
      utteranceMaxMs: LIMITS.voiceUtteranceMaxMs,
      canTranscribe: speech.sttLanguages.includes(language),
      iceServers: this.deps.iceServers,
    };
  }

  get iceServers(): IceServer[] {
    return this.deps.iceServers;
  }

  /** The visitor finished an utterance: its transcript becomes their message (`spoken`). */
  async visitorEnd(visitor: VisitorContext, speaker: string, input: { utteranceId: string; clientId: string }, send: (body: string, recording?: InspectedFile) => Promise<Message>): Promise<Message> {
    const pcm = this.utterances.take(speaker, input.utteranceId);
    const conversation = await this.deps.conversations.openConversationOf(visitor);
    const site = await this.siteOf(visitor.siteId);
    const text = await this.transcribe(pcm, visitor.visitorId, site, await this.languageOf(visitor.visitorId, conversation?.language ?? null));
    return send(text, this.recordingOf(site, pcm));
  }

  /** The agent's side of the call, transcribed into the conversation as their message. */
  async agentEnd(agent: AgentRecord, speaker: string, input: { conversationId: string; utteranceId: string; clientId: string }): Promise<Message> {
    const pcm = this.utterances.take(speaker, input.utteranceId);
    const conversation = await this.deps.store.getConversation(input.conversationId);
    if (!conversation || conversation.siteId !== agent.siteId) throw new BatonError('not_found', 'No such conversation.');
    const site = await this.siteOf(agent.siteId);
    const body = await this.transcribe(pcm, agent.id, site, conversation.language ?? 'en');
    return this.deps.conversations.agentSend(agent, { conversationId: input.conversationId, clientId: input.clientId, body, spoken: true, ...this.fileOf(site, pcm) });
  }

  /** A line of the visitor's conversation read aloud (not their own words: they said those). */
  async speak(visitor: VisitorContext, messageId: string): Promise<{ audio: Buffer; mime: string }> {
    const { speech, store, limits } = this.deps;
    if (!speech) throw new BatonError('voice_unavailable', 'Voice is not available on this site.');
    const conversation = await store.latestConversation(visitor.visitorId);
    if (!conversation || conversation.siteId !== visitor.siteId) throw new BatonError('not_found', 'No such message.');
    // Lines worth reading aloud are recent: the last 50 of the visitor's latest conversation.
    const recent = await store.listMessages(conversation.id, Math.max(0, conversation.lastSeq - 50), 50);
    const message = recent.find((m) => m.id === messageId);
    if (!message || message.author.kind === 'visitor') throw new BatonError('not_found', 'No such message to read aloud.');
    const language = conversation.language ?? 'en';
    const key = `${messageId}:${language}`;
    const cached = this.spoken.get(key);
    if (cached) return cached;
    await limits.consume('voiceSpeak', visitor.visitorId);
    const audio = await this.engineCall(() => speech.synthesize(message.body, { language, signal: AbortSignal.timeout(this.timeoutMs) }));
    if (this.spoken.size >= SPOKEN_CACHE) this.spoken.delete(this.spoken.keys().next().value!);
    this.spoken.set(key, audio);
    return audio;
  }

  private async transcribe(pcm: Buffer, speakerId: string, site: SiteRecord, language: string): Promise<string> {
    const { speech, limits } = this.deps;
    if (!speech) throw new BatonError('voice_unavailable', 'Voice is not available on this site. You can type.');
    if (!speech.sttLanguages.includes(language)) throw new BatonError('voice_unavailable', 'Voice is not available in this language yet. You can type.');
    await limits.consume('voiceSeconds', speakerId, Math.max(1, Math.ceil(pcm.length / BYTES_PER_SECOND)));
    const vocabulary = await this.deps.vocabulary?.(site);
    const { text } = await this.engineCall(() =>
      speech.transcribe(pcm, { language, ...(vocabulary ? { vocabulary } : {}), signal: AbortSignal.timeout(this.timeoutMs) }),
    );
    const body = text.replace(/\s+/g, ' ').trim().slice(0, LIMITS.messageBodyMax);
    if (!body) throw new BatonError('not_understood', "Sorry, I didn't catch that. Please say it again, or type.");
    return body;
  }

  /** Engine failures become stable codes; what was said is never part of the log line. */
  private async engineCall<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BatonError) throw error;
      const code = error instanceof SpeechError ? error.code : 'engine_failed';
      this.deps.logger.warn({ code, engine: this.deps.speech?.name }, 'speech engine failed');
      if (code === 'too_long') throw new BatonError('payload_too_large', `One utterance can be at most ${LIMITS.voiceUtteranceMaxMs / 1000} seconds.`);
      throw new BatonError('voice_unavailable', 'Voice is not working right now. Please type; we are still here.');
    }
  }

  /** The conversation's language, else the visitor's browser language, else English. */
  private async languageOf(visitorId: string, known: string | null): Promise<string> {
    if (known) return known;
    const locale = (await this.deps.store.getVisitor(visitorId))?.context?.locale;
    return locale?.slice(0, 2).toLowerCase() || 'en';
  }

  private async siteOf(siteId: string): Promise<SiteRecord> {
    const site = await this.deps.store.getSite(siteId);
    if (!site) throw new BatonError('not_found', 'No such site.');
    return site;
  }

  private recordingOf(site: SiteRecord, pcm: Buffer): InspectedFile | undefined {
    return siteSettings(site).voiceRecording ? { name: 'speech.wav', type: 'audio/wav', data: pcmToWav(pcm), thumb: null, width: null, height: null } : undefined;
  }

  private fileOf(site: SiteRecord, pcm: Buffer): { file?: InspectedFile } {
    const file = this.recordingOf(site, pcm);
    return file ? { file } : {};
  }
}
