// The REST API's bodies, queries and answers (/api/admin, /api/v1, set-password): the server
// validates with these schemas and the console types its calls with them, so neither can drift.
import { z } from 'zod';
import { Control, type DrillRow } from './domain.js';
import { BatonError } from './errors.js';

/** Midnight UTC of a YYYY-MM-DD day in ms, or null when there is no such day. */
export function dayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 31 February over into March; a real day comes back as itself.
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null;
}

/** A calendar day, YYYY-MM-DD, that exists: 2026-13-01 and 2026-02-31 are refused, not rolled over. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-01')
  .refine((v) => dayStart(v) !== null, 'no such day (a date such as 2026-11-01)');

function day(name: 'from' | 'to', value: string): number {
  const t = dayStart(value);
  if (t === null) throw new BatonError('bad_request', `${name}: no such day (a date such as 2026-11-01).`);
  return t;
}

/** What a `from`/`to` query means: [from, to) in UTC days, `to` inclusive as a day; default the last 30 days. */
export function dayRange(now: Date, from?: string, to?: string): { from: string; to: string } {
  const end = to ? day('to', to) + 86_400_000 : now.getTime() + 1;
  const start = from ? day('from', from) : end - 30 * 86_400_000;
  if (start >= end) throw new BatonError('bad_request', 'from must be before to.');
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

// ---------- agents and the set-password link ----------

const Email = z.string().trim().toLowerCase().email('a valid email address').max(254);
const Teams = z.array(z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, - and _')).max(20);
export const AgentRole = z.enum(['agent', 'admin']);
export type AgentRole = z.infer<typeof AgentRole>;

export const InviteBody = z.object({
  email: Email,
  name: z.string().trim().min(1).max(80),
  role: AgentRole.default('agent'),
  teams: Teams.default([]),
  capacity: z.number().int().min(1).max(50).nullable().default(null),
});
export type InviteBody = z.infer<typeof InviteBody>;
/** What a client sends: role, teams and capacity may be left out. */
export type InviteInput = z.input<typeof InviteBody>;

export const AgentPatchBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    role: AgentRole,
    active: z.boolean(),
    teams: Teams,
    capacity: z.number().int().min(1).max(50).nullable(),
  })
  .partial()
  .strict();
export type AgentPatchBody = z.infer<typeof AgentPatchBody>;

/** A person by what the site knows them as: every browser of theirs (data-protection requests). */
export const PersonQuery = z
  .object({ email: z.string().trim().toLowerCase().email('a valid email address').optional(), userId: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((p) => p.email || p.userId, 'an email or a userId');
export type PersonQuery = z.infer<typeof PersonQuery>;

export const SetPasswordBody = z.object({ token: z.string().min(1).max(512), password: z.string().min(10, 'at least 10 characters').max(256) });
export type SetPasswordBody = z.infer<typeof SetPasswordBody>;

/** An agent as the admin pages show them. */
export interface AdminAgent {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  siteId: string;
  active: boolean;
  teams: string[];
  capacity: number | null;
  presence: string;
}

/** GET /api/admin/audit: one audited action, newest first. */
export interface AuditEntry {
  id: number;
  actorId: string;
  action: string;
  target: string | null;
  data: Record<string, unknown>;
  at: string;
}

// ---------- webhooks ----------

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.escalated',
  'conversation.assigned',
  'message.created',
  'conversation.resolved',
  'csat.submitted',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WebhookBody = z
  .object({ url: z.string().url('a URL').max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length) })
  .strict();
export type WebhookBody = z.infer<typeof WebhookBody>;
export const WebhookPatch = z.object({ url: z.string().url('a URL').max(2048), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1), active: z.boolean() }).partial().strict();
export type WebhookPatch = z.infer<typeof WebhookPatch>;

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  failingSince: string | null;
  disabledReason: string | null;
  createdAt: string;
}
export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

// ---------- API keys ----------

export const API_SCOPES = ['conversations:read', 'metrics:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const ApiKeyBody = z.object({ name: z.string().trim().min(1).max(80), scopes: z.array(z.enum(API_SCOPES)).min(1) }).strict();
export type ApiKeyBody = z.infer<typeof ApiKeyBody>;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** GET /api/v1/conversations: a range's conversations, as JSON (the latest `limit`), JSONL or CSV. */
export const ConversationsQuery = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    status: Control.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['json', 'jsonl', 'csv']).default('json'),
  })
  .strict();
export type ConversationsQuery = z.infer<typeof ConversationsQuery>;

// ---------- the handoff-quality report (docs/metrics.md) ----------

export const TriggerName = z.enum(['accuracy_risk', 'emotional_urgency', 'workflow_failure', 'high_value_intent', 'visitor_request', 'agent_initiated']);

export const MetricsQuery = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    team: z.string().max(40).optional(),
    intent: z.string().max(80).optional(),
    trigger: TriggerName.optional(),
  })
  .strict();
export type MetricsQuery = z.infer<typeof MetricsQuery>;

export const DrillQuery = MetricsQuery.extend({
  metric: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^.]+(\.[^.]+)*$/, 'a number of the report by its path, such as verdicts.byTrigger.visitor_request.too_late'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict();
export type DrillQuery = z.infer<typeof DrillQuery>;

/** Judged escalations as eval cases: one conversation, or a range's misjudged ones. */
export const EvalCasesQuery = z
  .object({
    conversationId: z.string().max(64).optional(),
    from: Day.optional(),
    to: Day.optional(),
    trigger: TriggerName.exclude(['agent_initiated']).optional(),
  })
  .strict();
export type EvalCasesQuery = z.infer<typeof EvalCasesQuery>;

export interface MetricsFilter {
  team?: string;
  intent?: string;
  /** A trigger, or `agent_initiated` for takeovers before the bot escalated. */
  trigger?: string;
}

export interface Quantiles {
  n: number;
  p50: number | null;
  p90: number | null;
  /** The conversations measured, slowest first (the ones an admin drilling into p90 looks for). */
  ids: string[];
}

/** A count with the conversations behind it, so every number links to them. */
export interface Counted {
  count: number;
  ids: string[];
}

export interface Outcomes {
  conversations: number;
  /** The group's conversations. */
  ids: string[];
  /** Behind the CSAT average. */
  rated: Counted;
  csatAverage: number | null;
  /** Behind the resolution rate: its numerator. */
  resolved: Counted;
  resolutionRate: number | null;
  /** Behind the conversion rate: its numerator. */
  converted: Counted;
  conversionRate: number | null;
}

/** Time to human of a group: escalation → first agent message, and → claim. */
export interface Timing {
  firstReplySeconds: Quantiles;
  claimSeconds: Quantiles;
}

/** Verdict → the conversations judged so, for one trigger or intent (verdicts nobody gave are absent). */
export type VerdictCells = Record<string, Counted>;

export interface DailyPoint {
  day: string;
  conversations: Counted;
  escalated: Counted;
  csatAverage: number | null;
}

export interface HandoffReport {
  conversations: number;
  escalated: Counted;
  timeToHuman: Timing & { byTeam: Record<string, Timing>; byHour: Record<string, Timing> };
  repetition: { escalated: number; detected: Counted; confirmed: Counted; withoutRepetition: Counted; rate: number | null };
  intents: Array<{ intent: string; escalations: number; triggers: Record<string, Counted>; ids: string[] }>;
  helped: { botOnly: Outcomes; escalated: Outcomes; byTrigger: Record<string, Outcomes> };
  verdicts: { judged: number; byVerdict: Record<string, Counted>; byTrigger: Record<string, VerdictCells>; byIntent: Record<string, VerdictCells> };
  botResolution: { botOnly: number; resolved: Counted; rate: number | null };
  abandonment: { queued: number; abandoned: Counted; rate: number | null };
  waitEstimate: { n: number; meanAbsoluteErrorMinutes: number | null; ids: string[] };
  daily: DailyPoint[];
  /**
   * The values the filters can take in this range, from its escalated conversations before any
   * filter (so choosing one filter does not empty the others' lists).
   */
  options: { teams: string[]; intents: string[]; triggers: string[] };
}

/** GET /api/admin/metrics and /api/v1/metrics: the report with at most 200 conversations per number. */
export interface MetricsReport {
  range: { from: string; to: string };
  filter: MetricsFilter;
  report: HandoffReport;
}

/** GET …/metrics/conversations: one page of the conversations behind a number. */
export interface DrillPage {
  total: number;
  offset: number;
  ids: string[];
  conversations: DrillRow[];
}
