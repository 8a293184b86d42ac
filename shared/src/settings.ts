// A site's settings as the admin API takes them (PATCH /api/admin/site) and the server reads them
// (server/src/service/settings.ts, which falls back to the defaults here for a value that is bad).
import { z } from 'zod';

/** The queue and handoff lines a site may word itself (its `copy` setting), chat and voice. */
export const COPY_KEYS = [
  'queued',
  'queuedFirst',
  'queuedLater',
  'queuedLaterFirst',
  'agentJoined',
  'handedBack',
  'resolved',
  'requeued',
  'requeuedSilent',
  'botUnavailable',
  'transferred',
  'transferredToTeam',
  'unavailableNoAgents',
  'unavailableBusy',
  'unavailableClosed',
  'unavailableClosedUntil',
  'replyLater',
  'replyLaterEmail',
  'callBack',
  'escalatedLater',
  'escalatedLaterUrgent',
] as const;
export type CopyKey = (typeof COPY_KEYS)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const BusinessHoursSchema = z.object({
  timeZone: z.string().refine(validZone, 'an IANA time zone such as Europe/Berlin'),
  weekly: z.partialRecord(z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']), z.array(z.tuple([HHMM, HHMM]))),
});

export const SiteSettingsSchema = z.object({
  /** auto: the least busy matching agent gets each conversation; pick: agents take from the queue. */
  routing: z.enum(['auto', 'pick']).default('pick'),
  /** Conversations one agent holds at once, unless the agent has their own. */
  agentCapacity: z.number().int().min(1).max(50).default(3),
  /** An agent who holds a conversation and does not answer the visitor for this long loses it to the queue. */
  agentSilentSeconds: z.number().int().min(30).max(24 * 3600).default(180),
  /** With every agent at capacity and this many already waiting, visitors are offered a reply later. */
  maxWaiting: z.number().int().min(0).max(1000).default(10),
  businessHours: BusinessHoursSchema.nullable().default(null),
  botName: z.string().max(80).default('Assistant'),
  identitySecret: z.string().optional(),
  identitySecretPrevious: z.string().optional(),
  identitySecretRotatedAt: z.string().optional(),
  /**
   * A conversation still with the bot and quiet for this many hours is closed by the system, so a
   * visitor who comes back later starts afresh and the metrics count it (bot-only outcomes).
   */
  botIdleCloseHours: z.number().int().min(1).max(24 * 30).default(12),
  /** Conversations untouched for this many days are deleted (null: kept). */
  retentionDays: z.number().int().min(1).max(3650).nullable().default(null),
  /** The site's own queue and handoff lines (chat and voice), overriding the defaults in server/src/core/copy.ts. */
  copy: z
    .partialRecord(z.enum(COPY_KEYS), z.object({ chat: z.string().min(1).max(1000).optional(), voice: z.string().min(1).max(1000).optional() }).strict())
    .default({}),
  /** Largest attachment a visitor or agent may send, in bytes. */
  attachmentMaxBytes: z.number().int().min(1024).max(25 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Visitor messages allowed per 10 seconds (rate limit). */
  visitorMessagesPer10s: z.number().int().min(1).max(100).default(12),
  /** Refuse identities the site did not sign (no unverified identities at all). */
  requireVerifiedIdentity: z.boolean().default(false),
  /**
   * Voice: keep what visitors and agents say as a WAV beside its transcript (retention deletes it
   * with the conversation). Off: audio is transcribed in memory and dropped.
   */
  voiceRecording: z.boolean().default(false),
});
const Origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin such as https://shop.example or http://localhost:*');
const Appearance = z.object({
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #4f46e5'),
  greeting: z.string().max(300),
  launcherLabel: z.string().max(40),
  position: z.enum(['left', 'right']),
  cannedResponses: z.array(z.object({ shortcut: z.string().min(1).max(40), body: z.string().min(1).max(4000) })).max(200),
});
/** PATCH /api/admin/site. The identity secret is rotated on its own route, never set here. */
export const SitePatchBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    allowedOrigins: z.array(Origin).max(50),
    settings: SiteSettingsSchema.omit({ identitySecret: true, identitySecretPrevious: true, identitySecretRotatedAt: true }).partial().extend(Appearance.partial().shape).strict(),
  })
  .partial()
  .strict();
export type SitePatchBody = z.infer<typeof SitePatchBody>;
