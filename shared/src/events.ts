// The wire contract: every Socket.IO event and REST body, as zod schemas.
// Requests (client -> server) always end with an ack `{ ok: true, ... } | { ok: false, error }`.
// docs/protocol.md documents each of these; keep the two in step.
import { z } from 'zod';
import { ackOf } from './errors.js';
import {
  Agent,
  CallSignal,
  IceServer,
  AgentStatus,
  ConversationSummary,
  DecisionNote,
  LIMITS,
  Message,
  Note,
  Outcome,
  Trigger,
  Verdict,
  VisitorContext,
  VisitorConversation,
  VisitorPanel,
  VoiceSettings,
} from './domain.js';

const ClientId = z.string().min(1).max(LIMITS.clientIdMax).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
const Body = z
  .string()
  .max(LIMITS.messageBodyMax, `at most ${LIMITS.messageBodyMax} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty');
const Id = z.string().min(1).max(64);
const AfterSeq = z.number().int().nonnegative();
const UtteranceId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
/** Binary audio: 16-bit little-endian PCM at LIMITS.voiceSampleRate, mono; at most one frame. */
const Pcm = z.custom<Uint8Array>(
  (v) => v instanceof Uint8Array && v.byteLength > 0 && v.byteLength <= LIMITS.voiceFrameMaxBytes && v.byteLength % 2 === 0,
  `16-bit PCM, 2 to ${LIMITS.voiceFrameMaxBytes} bytes`,
);
/** Streaming speech, shared by visitors and agents: frames in order, then the end (or a cancel). */
const VoiceFrame = z.object({ utteranceId: UtteranceId, seq: z.number().int().nonnegative().max(10_000), pcm: Pcm });
const VoiceEnd = z.object({ utteranceId: UtteranceId, clientId: ClientId });
const SpokenAudio = z.object({ audio: z.custom<Uint8Array>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer), mime: z.string() });

export const NAMESPACES = { visitor: '/visitor', agent: '/agent' } as const;

// ---------- visitor namespace ----------

/** Sent in the Socket.IO handshake (`io(url + '/visitor', { auth })`). */
export const VisitorAuth = z.object({
  siteKey: z.string().min(1).max(64),
  /** A token from an earlier `session:resume` ack; absent on a visitor's first visit. */
  visitorToken: z.string().max(512).optional(),
});
export type VisitorAuth = z.infer<typeof VisitorAuth>;

export const visitorRequests = {
  'session:resume': {
    request: z.object({
      /** The conversation the client last showed, if any, and the last seq it has of it. */
      conversationId: Id.optional(),
      afterSeq: AfterSeq.optional(),
      /** The page the visitor is on, for the agent's visitor panel. */
      context: VisitorContext.omit({ userAgent: true }).optional(),
    }),
    ack: ackOf({
      visitorToken: z.string(),
      visitorId: z.string(),
      conversation: VisitorConversation.nullable(),
      messages: z.array(Message),
    }),
  },
  'message:send': {
    /** `askPerson`: sent by the widget's "Talk to a person" button: a person is asked for, in any language. */
    request: z.object({ clientId: ClientId, body: Body, askPerson: z.literal(true).optional() }),
    ack: ackOf({ message: Message }),
  },
  'typing:set': {
    request: z.object({ typing: z.boolean() }),
    ack: ackOf({}),
  },
  /** From the host page's `Baton('identify', { userId, name, email, userHash })`. */
  'visitor:identify': {
    request: z
      .object({
        userId: z.string().min(1).max(128).optional(),
        name: z.string().max(LIMITS.nameMax).optional(),
        email: z.string().email().max(254).optional(),
        /** Hex HMAC-SHA256 of userId with the site's identity secret. */
        userHash: z.string().max(128).optional(),
        /** Or a short-lived HS256 JWT signed with the same secret: `sub` = user id, `exp` required. */
        userJwt: z.string().max(4096).optional(),
      })
      .refine((p) => p.userId || p.userJwt, 'give userId (with userHash) or userJwt'),
    /**
     * `visitorToken` when this verified user already chats from another browser or device: the
     * client switches to it and continues that conversation (only if it has none of its own).
     * Also when another user signs in on this browser (`otherUser`): then the client drops what
     * the previous user left unsent, so it is never sent as the new one.
     */
    ack: ackOf({ verified: z.boolean(), visitorToken: z.string().optional(), otherUser: z.boolean().optional() }),
  },
  'conversation:rate': {
    request: z.object({
      conversationId: Id,
      rating: z.number().int().min(1, 'from 1 to 5').max(5, 'from 1 to 5'),
      comment: z.string().max(1000, 'at most 1000 characters').optional(),
    }),
    ack: ackOf({}),
  },
  /**
   * Nobody can answer live: the visitor asks for a reply later in this chat, optionally also by
   * email, or (from voice mode) for a call back on a phone number.
   */
  'conversation:replyLater': {
    request: z.object({
      email: z.string().trim().email('a valid email address').max(254).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9][0-9 ().-]{5,24}$/, 'a phone number: digits, spaces, + ( ) . -')
        .optional(),
    }),
    ack: ackOf({ conversation: VisitorConversation }),
  },
  /** Voice mode on or off. On: what the widget needs to stream speech; the agents see the visitor is on voice. */
  'voice:mode': {
    request: z.object({ on: z.boolean() }),
    ack: ackOf({ voice: VoiceSettings.nullable() }),
  },
  /** One frame of the visitor's speech. */
  'voice:frame': { request: VoiceFrame, ack: ackOf({}) },
  /** The utterance ended: it is transcribed and becomes the visitor's message (`spoken`). */
  'voice:end': { request: VoiceEnd, ack: ackOf({ message: Message }) },
  /** The visitor stopped before the end: the frames are dropped. */
  'voice:cancel': { request: z.object({ utteranceId: UtteranceId }), ack: ackOf({}) },
  /** A message of the visitor's conversation, read aloud by the speech engine. */
  'voice:speak': { request: z.object({ messageId: Id }), ack: ackOf(SpokenAudio.shape) },
  /** WebRTC signalling to the agent who joined the call. */
  'call:signal': { request: z.object({ signal: CallSignal }), ack: ackOf({}) },
} as const;

export const visitorEvents = {
  'message:new': Message,
  'conversation:updated': VisitorConversation,
  typing: z.object({ conversationId: z.string(), name: z.string(), typing: z.boolean() }),
  /** WebRTC signalling from the agent who joined the call. */
  'call:signal': z.object({ conversationId: z.string(), agent: z.object({ name: z.string() }), signal: CallSignal }),
} as const;

// ---------- agent namespace ----------

/** Sent in the handshake; the console may instead rely on the session cookie. */
export const AgentAuth = z.object({ token: z.string().max(512).optional() });

export const agentRequests = {
  'queue:list': {
    request: z.object({}),
    ack: ackOf({ conversations: z.array(ConversationSummary) }),
  },
  'conversation:open': {
    request: z.object({ conversationId: Id, afterSeq: AfterSeq.optional() }),
    ack: ackOf({
      conversation: ConversationSummary,
      messages: z.array(Message),
      decisions: z.array(DecisionNote),
      notes: z.array(Note),
      visitor: VisitorPanel,
    }),
  },
  'conversation:claim': {
    request: z.object({ conversationId: Id }),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  'message:send': {
    request: z.object({ conversationId: Id, clientId: ClientId, body: Body }),
    ack: ackOf({ message: Message }),
  },
  'conversation:handBack': {
    request: z.object({ conversationId: Id }),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  'conversation:resolve': {
    request: z.object({ conversationId: Id, outcome: Outcome.optional() }),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  /** Hands the conversation to a colleague, with a note only agents see. */
  'conversation:transfer': {
    request: z
      .object({
        conversationId: Id,
        /** A colleague who is online… */
        toAgentId: Id.optional(),
        /** …or a team: the conversation goes back to the queue for that team, ahead of ordinary cases. */
        toTeam: z.string().trim().min(1).max(40).optional(),
        note: z.string().max(LIMITS.messageBodyMax).optional(),
      })
      .refine((p) => (p.toAgentId ? 1 : 0) + (p.toTeam ? 1 : 0) === 1, 'give either toAgentId or toTeam'),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  /** Was the escalation right, too early, too late, or for the wrong reason? Feeds the metrics. */
  'conversation:verdict': {
    request: z.object({
      conversationId: Id,
      verdict: Verdict,
      comment: z.string().max(1000).optional(),
      /** For `wrong_reason`: the trigger that would have been right. */
      correctTrigger: Trigger.optional(),
    }),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  /** The agent's mark that the customer had to repeat something the handoff package held. */
  'conversation:repeated': {
    request: z.object({ conversationId: Id, repeated: z.boolean() }),
    ack: ackOf({ conversation: ConversationSummary }),
  },
  /** An internal note: stored with the conversation, shown to agents, never sent to the visitor. */
  'note:add': {
    request: z.object({ conversationId: Id, clientId: ClientId, body: Body }),
    ack: ackOf({ note: Note }),
  },
  'agents:list': {
    request: z.object({}),
    ack: ackOf({ agents: z.array(AgentStatus) }),
  },
  'presence:set': {
    request: z.object({ presence: z.enum(['online', 'away']) }),
    ack: ackOf({ agent: AgentStatus }),
  },
  'typing:set': {
    request: z.object({ conversationId: Id, typing: z.boolean() }),
    ack: ackOf({}),
  },
  /**
   * The agent joins the voice call of a visitor on voice: claims the conversation if it waits,
   * then offers the call (`call:signal`). The answer gives the STUN/TURN servers.
   */
  'call:join': {
    request: z.object({ conversationId: Id }),
    ack: ackOf({ conversation: ConversationSummary, iceServers: z.array(IceServer) }),
  },
  /** WebRTC signalling to the visitor, from the agent in control. */
  'call:signal': { request: z.object({ conversationId: Id, signal: CallSignal }), ack: ackOf({}) },
  /** The agent's own speech during a call, transcribed into the conversation as their message. */
  'voice:frame': { request: VoiceFrame.extend({ conversationId: Id }), ack: ackOf({}) },
  'voice:end': { request: VoiceEnd.extend({ conversationId: Id }), ack: ackOf({ message: Message }) },
  'voice:cancel': { request: z.object({ conversationId: Id, utteranceId: UtteranceId }), ack: ackOf({}) },
  /** The agent in control has read the conversation up to `seq`; the visitor sees "Read". */
  'conversation:read': {
    request: z.object({ conversationId: Id, seq: z.number().int().nonnegative() }),
    ack: ackOf({}),
  },
} as const;

export const agentEvents = {
  'conversation:updated': ConversationSummary,
  'conversation:decision': DecisionNote,
  'message:new': Message,
  'note:new': Note,
  'agent:updated': AgentStatus,
  typing: z.object({ conversationId: z.string(), typing: z.boolean() }),
  /** WebRTC signalling from the visitor's widget. */
  'call:signal': z.object({ conversationId: z.string(), signal: CallSignal }),
} as const;

// ---------- REST ----------

export const LoginBody = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(256),
});
export const LoginResponse = ackOf({ agent: Agent, token: z.string() });
export const MeResponse = ackOf({ agent: Agent });

export const WidgetConfig = z.object({
  siteKey: z.string(),
  name: z.string(),
  botName: z.string(),
  greeting: z.string(),
  color: z.string(),
  /** Launcher side, from the site's settings (a page's data-position wins). */
  position: z.enum(['left', 'right']).optional(),
  /** Text shown on the launcher beside the icon, e.g. "Chat with us". */
  launcherLabel: z.string().optional(),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;
export const WidgetConfigResponse = ackOf({ config: WidgetConfig });

// ---------- typed-events maps for Socket.IO generics ----------

type RequestMap = Record<string, { request: z.ZodType; ack: z.ZodType }>;
type EventMap = Record<string, z.ZodType>;

export type RequestOf<M extends RequestMap, K extends keyof M> = z.infer<M[K]['request']>;
export type AckOf<M extends RequestMap, K extends keyof M> = z.infer<M[K]['ack']>;

/** Client -> server: `(payload, ack) => void` for every request. */
export type ClientToServer<M extends RequestMap> = {
  [K in keyof M]: (payload: z.infer<M[K]['request']>, ack: (res: z.infer<M[K]['ack']>) => void) => void;
};
/** Server -> client: `(payload) => void` for every event. */
export type ServerToClient<M extends EventMap> = {
  [K in keyof M]: (payload: z.infer<M[K]>) => void;
};

export type VisitorRequests = typeof visitorRequests;
export type AgentRequests = typeof agentRequests;
export type VisitorClientToServer = ClientToServer<VisitorRequests>;
export type VisitorServerToClient = ServerToClient<typeof visitorEvents>;
export type AgentClientToServer = ClientToServer<AgentRequests>;
export type AgentServerToClient = ServerToClient<typeof agentEvents>;
