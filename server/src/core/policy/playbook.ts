// A site's playbook (seed step 1: rules before tooling): the shape the policy reads, validated
// with zod wherever it comes from. Loading it from YAML is the bot's business (bot/playbook.ts).
import { Language } from '@baton/shared';
import { z } from 'zod';

const Phrase = z.string().min(2);
const Trigger = z.enum(['accuracy_risk', 'emotional_urgency', 'workflow_failure', 'high_value_intent', 'visitor_request']);
const CopyVariant = z.object({ chat: z.string().min(1), voice: z.string().min(1) });

const Detail = z.object({
  /** How to ask for it when it is the one missing piece. */
  ask: z.string().min(1),
  /** A regular expression that finds it in the visitor's words (first capture group, or the match). */
  pattern: z.string().min(1).optional(),
  /** Entity kinds the signals extract: email, phone, orderNumber, amount, date. */
  entity: z.enum(['email', 'phone', 'orderNumber', 'amount', 'date']).optional(),
  /** Options to offer as quick replies when asking. */
  options: z.array(z.string()).optional(),
  /** One customer has one: two different values in a conversation are conflicting customer data
   *  (ESC6). Default: true for email details. A corrected order number is not a conflict. */
  identity: z.boolean().optional(),
});

const Action = z.object({
  /** `builtin:orders` (the demo's order data) or an http(s) URL template with {detail} placeholders. */
  url: z.string().min(1),
  method: z.enum(['GET', 'POST']).default('GET'),
  /** At most 8 s: the service gives up on a bot turn after 10 s with a handoff that knows nothing
   *  of the conversation; an action that times out in time hands over with what was attempted. */
  timeoutMs: z.number().int().positive().max(8000).default(3000),
  /** Verification: these result fields must equal the visitor's details of the same name. Every
   *  intent that runs the action needs them; a record without the field fails verification. */
  verify: z.array(z.string()).default([]),
  /** Reply template filled from the result: {field}. */
  reply: z.string().min(1),
  /** Reply when the lookup finds nothing. */
  notFound: z.string().min(1),
});

const Intent = z.object({
  examples: z.array(Phrase).min(1),
  /** Details the bot needs before it can resolve this intent. */
  needs: z.array(z.string()).default([]),
  action: z.string().optional(),
  /** Details that must match the action's record before its result is shown (e.g. the order's
   *  email): asked for like any missing detail, required even when not in `needs`. */
  verify: z.array(z.string()).default([]),
  highValue: z.boolean().default(false),
  team: z.string().default('support'),
  riskFlags: z.array(z.string()).default([]),
});

const Topic = z.object({
  /** Phrases that identify the topic (case-insensitive substrings) */
  phrases: z.array(Phrase).min(1),
  riskFlags: z.array(z.string()).min(1),
  /** Whether the topic alone hands over to a person, and with which trigger. */
  escalate: z.boolean().default(true),
  trigger: Trigger.default('accuracy_risk'),
  urgent: z.boolean().default(false),
  reason: z.string().min(1),
});

/** The site's lines in another language; what is left out falls back to Baton's own translation. */
const LanguagePack = z.object({
  copy: z
    .object({
      escalate: CopyVariant,
      escalateByTrigger: z.partialRecord(Trigger, CopyVariant),
      clarifyTopic: CopyVariant,
      topicOptions: z.array(z.string()),
      actionFailed: CopyVariant,
    })
    .partial()
    .default({}),
  /** How to ask for a detail, by detail name. */
  details: z.record(z.string(), z.string().min(1)).default({}),
  /** Reply templates per action. */
  actions: z.record(z.string(), z.object({ reply: z.string().min(1), notFound: z.string().min(1) }).partial()).default({}),
  /** More example phrases per intent, in this language. */
  intents: z.record(z.string(), z.array(Phrase)).default({}),
});

export const PlaybookSchema = z
  .object({
    version: z.literal(1),
    site: z.string().min(1),
    botName: z.string().default('Assistant'),
    /** The language the playbook's own lines, intent examples and articles are written in. */
    language: Language.default('en'),
    thresholds: z
      .object({
        /** BM25 score (MiniSearch) from which a knowledge-base answer counts as grounded. */
        retrieval: z.number().positive().default(8),
        /** Intent match score from which an intent counts as recognised. */
        intent: z.number().positive().default(6),
        /** Average sentiment of the last visitor turns below which the visitor is frustrated (-1..1). */
        frustration: z.number().min(-1).max(0).default(-0.3),
        /** Token overlap (Jaccard) from which a visitor turn repeats an earlier one. */
        repetition: z.number().min(0.3).max(1).default(0.75),
      })
      .default({ retrieval: 8, intent: 6, frustration: -0.3, repetition: 0.75 }),
    /** Clarifying questions allowed per missing detail before a still-unclear turn escalates. */
    clarifyBudget: z.number().int().min(0).max(3).default(1),
    details: z.record(z.string(), Detail),
    /** Which details agents may see as they are; all others are masked in the handoff package. */
    permittedDetails: z.array(z.string()).default([]),
    intents: z.record(z.string(), Intent),
    actions: z.record(z.string(), Action).default({}),
    topics: z.record(z.string(), Topic).default({}),
    /** Phrases that mean "let me talk to a person". */
    personRequests: z.array(Phrase).min(1),
    /** The site's copy, detail questions, action replies and intent examples in other languages. */
    languages: z.partialRecord(Language, LanguagePack).default({}),
    /** The site's own labelled examples for the understanding layer (label → phrases), on top of Baton's corpus. */
    understanding: z
      .object({
        /** Probability from which a reading of the learned layer counts (0.5: more likely than not). */
        threshold: z.number().min(0.2).max(0.95).default(0.5),
        examples: z.record(z.string(), z.array(Phrase)).default({}),
      })
      .default({ threshold: 0.5, examples: {} }),
    copy: z.object({
      escalate: CopyVariant,
      escalateByTrigger: z.partialRecord(Trigger, CopyVariant).default({}),
      clarifyTopic: CopyVariant,
      topicOptions: z.array(z.string()).default([]),
      actionFailed: CopyVariant,
    }),
  })
  .superRefine((p, ctx) => {
    for (const [name, intent] of Object.entries(p.intents)) {
      for (const need of intent.needs) {
        if (!p.details[need]) ctx.addIssue({ code: 'custom', path: ['intents', name, 'needs'], message: `unknown detail "${need}"` });
      }
      if (intent.action && !p.actions[intent.action]) {
        ctx.addIssue({ code: 'custom', path: ['intents', name, 'action'], message: `unknown action "${intent.action}"` });
      }
      intent.verify.forEach((field, i) => {
        if (!p.details[field]) ctx.addIssue({ code: 'custom', path: ['intents', name, 'verify', i], message: `unknown detail "${field}"` });
      });
      if (intent.verify.length > 0 && !intent.action) {
        ctx.addIssue({ code: 'custom', path: ['intents', name, 'verify'], message: 'verification needs an action whose record the details are checked against' });
      }
    }
    for (const [name, action] of Object.entries(p.actions)) {
      action.verify.forEach((field, i) => {
        if (!p.details[field]) ctx.addIssue({ code: 'custom', path: ['actions', name, 'verify', i], message: `unknown detail "${field}"` });
      });
    }
    for (const [lang, pack] of Object.entries(p.languages)) {
      for (const name of Object.keys(pack?.details ?? {})) {
        if (!p.details[name]) ctx.addIssue({ code: 'custom', path: ['languages', lang, 'details', name], message: `unknown detail "${name}"` });
      }
      for (const name of Object.keys(pack?.actions ?? {})) {
        if (!p.actions[name]) ctx.addIssue({ code: 'custom', path: ['languages', lang, 'actions', name], message: `unknown action "${name}"` });
      }
      for (const name of Object.keys(pack?.intents ?? {})) {
        if (!p.intents[name]) ctx.addIssue({ code: 'custom', path: ['languages', lang, 'intents', name], message: `unknown intent "${name}"` });
      }
    }
    for (const [name, d] of Object.entries(p.details)) {
      if (!d.pattern && !d.entity) ctx.addIssue({ code: 'custom', path: ['details', name], message: 'needs a pattern or an entity' });
      if (d.pattern) {
        try {
          new RegExp(d.pattern, 'i');
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['details', name, 'pattern'], message: `invalid regular expression: ${(e as Error).message}` });
        }
      }
    }
  });

export type Playbook = z.infer<typeof PlaybookSchema>;
export type LanguagePack = z.infer<typeof LanguagePack>;
export type PlaybookIntent = z.infer<typeof Intent>;
export type PlaybookAction = z.infer<typeof Action>;

/** The details an intent's record must match: its own `verify` and its action's. */
export function verifiedDetails(playbook: Playbook, intentName: string): string[] {
  const intent = playbook.intents[intentName];
  if (!intent) return [];
  const action = intent.action ? playbook.actions[intent.action] : undefined;
  return [...new Set([...intent.verify, ...(action?.verify ?? [])])];
}

/** Everything the bot must collect before it may resolve an intent: its needs, then what verifies them. */
export function requiredDetails(playbook: Playbook, intentName: string): string[] {
  const intent = playbook.intents[intentName];
  if (!intent) return [];
  return [...new Set([...intent.needs, ...verifiedDetails(playbook, intentName)])];
}
