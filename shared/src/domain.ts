// Domain types shared by the server, the widget and the console.
// Every type is inferred from a zod schema so the wire format and the types cannot drift.
import { z } from 'zod';

import { LIMITS } from './limits.js';

export { LIMITS };

/** Who owns a conversation right now. Exactly one at any time; only the owner speaks. */
export const Control = z.enum(['bot', 'queued', 'agent', 'closed']);
export type Control = z.infer<typeof Control>;

/** The languages Baton speaks to visitors in: widget strings, server notices, handoff copy. */
export const Language = z.enum(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'pl']);
export type Language = z.infer<typeof Language>;

export const Trigger = z.enum([
  'accuracy_risk',
  'emotional_urgency',
  'workflow_failure',
  'high_value_intent',
  'visitor_request',
]);
export type Trigger = z.infer<typeof Trigger>;

/** How the visitor talks to us right now: typing, or speaking in the widget's voice mode. */
export const Channel = z.enum(['chat', 'voice']);
export type Channel = z.infer<typeof Channel>;

export const AuthorKind = z.enum(['visitor', 'bot', 'agent', 'system']);
export type AuthorKind = z.infer<typeof AuthorKind>;

export const Author = z.object({
  kind: AuthorKind,
  /** Agent id for agent messages; absent otherwise. */
  id: z.string().optional(),
  /** Display name: the agent's name, the bot's name; absent for visitors and system. */
  name: z.string().optional(),
});
export type Author = z.infer<typeof Author>;

/** What a system notice is about, so clients can style or translate it. */
export const NoticeKind = z.enum(['queued', 'agent_joined', 'handed_back', 'resolved', 'reply_later', 'requeued', 'transferred', 'unavailable']);
export type NoticeKind = z.infer<typeof NoticeKind>;

/** A file in a message. `url` (and `thumbUrl` for images) are short-lived signed links. */
export const Attachment = z.object({
  id: z.string(),
  name: z.string(),
  /** Decided from the content, never from the name: image/png, image/jpeg, image/gif, image/webp, application/pdf. */
  type: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  url: z.string().optional(),
  thumbUrl: z.string().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Per-conversation sequence number, strictly increasing from 1 without gaps. */
  seq: z.number().int().positive(),
  /** The sender's idempotency key: a retry with the same clientId is stored once. */
  clientId: z.string(),
  author: Author,
  /** Markdown. Clients render it with marked and sanitize it with DOMPurify. */
  body: z.string(),
  /** For system messages: what the notice is about. */
  notice: NoticeKind.optional(),
  /** Options the bot offers (clarifying questions); clients show them as buttons. */
  quickReplies: z.array(z.string()).optional(),
  /** Files sent with the message (uploaded through POST /api/attachments). */
  attachments: z.array(Attachment).optional(),
  /** Said aloud in voice mode: the body is the speech engine's transcript of it. */
  spoken: z.literal(true).optional(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

export const HandoffStatus = z.enum(['resolved', 'blocked', 'urgent']);
export type HandoffStatus = z.infer<typeof HandoffStatus>;

export const AttemptedAction = z.object({
  action: z.string(),
  outcome: z.string(),
});

/** Seed step 3: the compact transfer package an agent reads instead of the transcript. */
export const HandoffPackage = z.object({
  intent: z.string(),
  status: HandoffStatus,
  trigger: Trigger,
  /** Why the bot stopped, in one sentence. */
  reason: z.string(),
  /** What the rule saw: quotes, scores, counts. */
  evidence: z.array(z.string()),
  riskFlags: z.array(z.string()),
  /** Only the details the site permits agents to see; masked values are already masked. */
  customerDetails: z.record(z.string(), z.string()),
  attempted: z.array(AttemptedAction),
  summary: z.string(),
  /** The policy rule that fired (see server/src/core/policy/SPEC.md). */
  rule: z.string().optional(),
  /** The team the escalation is routed to (billing, technical, sales, ...). */
  team: z.string().optional(),
  /** Where the visitor was when the bot handed over: on voice, the agent joins the call (seed step 4). */
  channel: Channel.optional(),
});
export type HandoffPackage = z.infer<typeof HandoffPackage>;

export const AgentRef = z.object({ id: z.string(), name: z.string() });
export type AgentRef = z.infer<typeof AgentRef>;

/** How long a waiting visitor should expect to wait, honestly: a range, or words when we cannot know. */
export const WaitEstimate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('range'), lowMinutes: z.number().int().positive(), highMinutes: z.number().int().positive() }),
  /** A specialist is free: about a minute. */
  z.object({ kind: z.literal('soon') }),
  /** Not enough history to estimate. */
  z.object({ kind: z.literal('unknown') }),
  /** Nobody is online right now: the reply comes later, in this chat. */
  z.object({ kind: z.literal('no_agents') }),
]);
export type WaitEstimate = z.infer<typeof WaitEstimate>;

/**
 * Why a live transfer is not possible right now; the visitor is offered to wait or to get a reply
 * later in the same chat.
 */
export const Unavailability = z.object({
  kind: z.enum(['no_agents', 'busy', 'closed']),
  /** When the site opens again (outside business hours), ISO time. */
  opensAt: z.string().nullable().optional(),
});
export type Unavailability = z.infer<typeof Unavailability>;

/** What a visitor sees of their conversation's state. */
export const VisitorConversation = z.object({
  id: z.string(),
  control: Control,
  agent: z.object({ name: z.string() }).nullable(),
  /** 1-based position in the queue while control is `queued`. */
  queuePosition: z.number().int().positive().nullable(),
  lastSeq: z.number().int().nonnegative(),
  /** Whether the visitor already rated this (resolved) conversation: the prompt shows once. */
  rated: z.boolean().optional(),
  /** The agent has read the visitor's messages up to this seq. */
  readSeq: z.number().int().nonnegative().optional(),
  /** While queued: the expected wait, pushed again whenever the queue moves. */
  wait: WaitEstimate.nullable().optional(),
  /** While queued and nobody can answer live: why, so the widget can offer a reply later. */
  unavailable: Unavailability.nullable().optional(),
  /** The visitor chose a reply later in this chat. */
  replyLater: z.boolean().optional(),
  /** The address replies are also sent to, when the visitor left one. */
  contactEmail: z.string().nullable().optional(),
  /** The number the visitor asked to be called back on, when nobody could join the call live. */
  callbackPhone: z.string().nullable().optional(),
  /** `voice` while the visitor is in voice mode. */
  channel: Channel.optional(),
});
export type VisitorConversation = z.infer<typeof VisitorConversation>;

/** Who the visitor says they are (via the host page's `Baton('identify', …)`), and whether the site vouched for it. */
export const VisitorProfile = z.object({
  userId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** True when the host page signed the user id with the site's identity secret. */
  verified: z.boolean(),
  /**
   * True when the name and email were signed too (a JWT's claims). With an HMAC only the user id
   * is signed: the name and email are what the page said, and agents are shown so.
   */
  detailsVerified: z.boolean().optional(),
});
export type VisitorProfile = z.infer<typeof VisitorProfile>;

/** Where the visitor is chatting from, as the widget reports it. */
export const VisitorContext = z.object({
  pageUrl: z.string().max(2048).optional(),
  pageTitle: z.string().max(300).optional(),
  referrer: z.string().max(2048).optional(),
  userAgent: z.string().max(512).optional(),
  locale: z.string().max(35).optional(),
  timeZone: z.string().max(64).optional(),
});
export type VisitorContext = z.infer<typeof VisitorContext>;

/** The agent's judgement of an escalation (seed step 6: too early, too late, wrong reason). */
export const Verdict = z.enum(['right', 'too_early', 'too_late', 'wrong_reason']);
export type Verdict = z.infer<typeof Verdict>;

/** How a conversation ended. won / quote_sent / lost are for high-value (sales) conversations. */
export const Outcome = z.enum(['solved', 'not_solved', 'won', 'quote_sent', 'lost', 'spam']);
export type Outcome = z.infer<typeof Outcome>;

/** An internal note: agents only, never sent to the visitor. */
export const Note = z.object({
  id: z.string(),
  conversationId: z.string(),
  author: z.object({ id: z.string(), name: z.string() }),
  body: z.string(),
  createdAt: z.string(),
});
export type Note = z.infer<typeof Note>;

export const Csat = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  ratedAt: z.string(),
});
export type Csat = z.infer<typeof Csat>;

/** What an agent sees of a conversation in the queue and in lists. */
export const ConversationSummary = z.object({
  id: z.string(),
  siteId: z.string(),
  visitorId: z.string(),
  control: Control,
  agent: AgentRef.nullable(),
  handoff: HandoffPackage.nullable(),
  queuedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeq: z.number().int().nonnegative(),
  lastMessage: z.string().nullable(),
  /** The visitor's rating after the conversation was resolved. */
  csat: Csat.nullable().optional(),
  /** Identified-user fields, when the host page called identify. */
  visitor: VisitorProfile.nullable().optional(),
  /** Queue priority: 2 urgent, 1 risk flags, 0 other; higher waits less. */
  priority: z.number().int().optional(),
  team: z.string().nullable().optional(),
  outcome: Outcome.nullable().optional(),
  verdict: Verdict.nullable().optional(),
  /** The visitor left while waiting (for the metrics); cleared when they come back. */
  abandoned: z.boolean().optional(),
  replyLater: z.boolean().optional(),
  /** The agent marked that the customer had to repeat something the package held. */
  repeated: z.boolean().optional(),
  /** `voice` while the visitor is in voice mode: the console offers "Join call". */
  channel: Channel.optional(),
  /** A call back the visitor asked for when nobody could join the call live. */
  callbackPhone: z.string().nullable().optional(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Presence = z.enum(['online', 'away', 'offline']);
export type Presence = z.infer<typeof Presence>;

export const Agent = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'admin']),
  siteId: z.string(),
  presence: Presence.optional(),
});
export type Agent = z.infer<typeof Agent>;

/** An agent as colleagues see them: for transfers and the team list. */
export const AgentStatus = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'admin']),
  presence: Presence,
  active: z.boolean(),
  load: z.number().int().nonnegative(),
  capacity: z.number().int().positive(),
  teams: z.array(z.string()),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** The visitor panel: where they are, who they are, and what they asked before. */
export const VisitorPanel = z.object({
  context: VisitorContext.nullable(),
  profile: VisitorProfile.nullable(),
  earlier: z.array(
    z.object({ id: z.string(), createdAt: z.string(), control: Control, outcome: Outcome.nullable(), summary: z.string().nullable() }),
  ),
});
export type VisitorPanel = z.infer<typeof VisitorPanel>;

/** A bot decision as agents see it: which rule fired on which visitor message, on what evidence. */
export const DecisionNote = z.object({
  conversationId: z.string(),
  /** The visitor message the decision answered. */
  inReplyTo: z.string(),
  mode: z.enum(['resolve', 'clarify', 'escalate']),
  rule: z.string(),
  evidence: z.array(z.string()),
  trigger: Trigger.optional(),
  reason: z.string().optional(),
  at: z.string(),
});
export type DecisionNote = z.infer<typeof DecisionNote>;

/** A STUN or TURN server for the voice call between visitor and agent (RTCIceServer). */
export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** WebRTC signalling between the visitor's widget and the agent's console, relayed by the server. */
export const CallSignal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offer'), sdp: z.string().min(1).max(LIMITS.sdpMax) }),
  z.object({ kind: z.literal('answer'), sdp: z.string().min(1).max(LIMITS.sdpMax) }),
  z.object({
    kind: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().max(1000),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    }),
  }),
  /** Either side ended the call; the conversation goes on. */
  z.object({ kind: z.literal('hangup') }),
]);
export type CallSignal = z.infer<typeof CallSignal>;

/** What the widget needs for voice mode, from `voice:mode`. */
export const VoiceSettings = z.object({
  sampleRate: z.number().int().positive(),
  frameMaxBytes: z.number().int().positive(),
  utteranceMaxMs: z.number().int().positive(),
  /** The speech engine can transcribe this conversation's language; if not, the widget stays text. */
  canTranscribe: z.boolean(),
  iceServers: z.array(IceServer),
});
export type VoiceSettings = z.infer<typeof VoiceSettings>;

/** One conversation behind a number of the handoff-quality report, as a list shows it (GET …/metrics/conversations). */
export interface DrillRow {
  id: string;
  createdAt: string;
  status: string;
  intent: string;
  trigger: string | null;
  team: string;
  verdict: string | null;
  outcome: string | null;
  csat: number | null;
}
