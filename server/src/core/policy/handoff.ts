// Seed step 3: the compact transfer package, built by a pure function. Only permitted details
// travel as they are; everything else is masked before it leaves the server.
import type { HandoffPackage, HandoffStatus, Message, Trigger } from '@baton/shared';

export function maskDetail(name: string, value: string): string {
  if (name === 'email' || value.includes('@')) {
    const [user = '', domain = ''] = value.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  if (name === 'phone') return `***${value.replace(/\D/g, '').slice(-3)}`;
  return value.length <= 2 ? '***' : `${value.slice(0, 2)}***`;
}

export function permittedDetails(details: Record<string, string>, permitted: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(details)) out[name] = permitted.includes(name) ? value : maskDetail(name, value);
  return out;
}

/** What may travel as it is: the collected details, the permitted ones, and each detail's entity kind. */
export interface MaskPolicy {
  details: Record<string, string>;
  permitted: string[];
  /** Detail name → the entity kind it is (`email`, `phone`, `orderNumber`, ...), from the playbook. */
  kinds?: Record<string, string | undefined>;
}

// Entities found in free text (the visitor's words quoted in the summary and evidence, a model's
// summary) even when they were never collected as details: a second email, a phone typed in passing.
const TEXT_ENTITIES: { kind: string; re: RegExp; alwaysMask: boolean }[] = [
  { kind: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, alwaysMask: true },
  { kind: 'phone', re: /(?:\+\d{1,3}[\s-]?)?(?:\(?\d{2,5}\)?[\s-]?)\d{3,4}[\s-]?\d{3,5}\b/g, alwaysMask: true },
  { kind: 'orderNumber', re: /\b[A-Z]{1,2}-?\d{4,8}\b/gi, alwaysMask: false },
];
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Masks in free text what the playbook does not permit, the way customerDetails are masked: every
 * collected detail that is not permitted, and emails and phone numbers (and any other declared
 * entity kind) unless a permitted detail is of that kind.
 */
export function maskText(text: string, policy: MaskPolicy): string {
  const kinds = policy.kinds ?? {};
  const kindOf = (name: string) => kinds[name] ?? name;
  const permittedKinds = new Set(policy.permitted.map(kindOf));
  let out = text;
  const values = Object.entries(policy.details)
    .filter(([name, value]) => !policy.permitted.includes(name) && value.length >= 3)
    .sort((a, b) => b[1].length - a[1].length);
  for (const [name, value] of values) out = out.replace(new RegExp(escapeRe(value), 'gi'), maskDetail(kindOf(name), value));
  const declaredKinds = new Set(Object.keys(policy.details).map(kindOf).concat(Object.values(kinds).filter((k): k is string => !!k)));
  for (const { kind, re, alwaysMask } of TEXT_ENTITIES) {
    if (permittedKinds.has(kind) || (!alwaysMask && !declaredKinds.has(kind))) continue;
    out = out.replace(re, (m) => (kind === 'phone' && m.replace(/\D/g, '').length < 7 ? m : maskDetail(kind, m)));
  }
  return out;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Extractive summary: what the visitor first asked, what they said last, the key details (already masked). */
export function summarize(history: Message[], intent: string, details: Record<string, string>, mask: (text: string) => string = (t) => t): string {
  const turns = history.filter((m) => m.author.kind === 'visitor').map((m) => mask(m.body.replace(/\s+/g, ' ').trim()));
  const parts: string[] = [];
  if (intent !== 'unknown') parts.push(`${intent.replace(/_/g, ' ')}:`);
  if (turns[0]) parts.push(`"${clip(turns[0], 120)}"`);
  if (turns.length > 1 && turns.at(-1) !== turns[0]) parts.push(`then "${clip(turns.at(-1)!, 100)}"`);
  const keys = Object.entries(details).map(([k, v]) => `${k} ${v}`);
  if (keys.length) parts.push(`(${keys.join(', ')})`);
  return clip(parts.join(' '), 300);
}

export interface HandoffInput {
  intent: string;
  status: HandoffStatus;
  trigger: Trigger;
  reason: string;
  evidence: string[];
  riskFlags: string[];
  /** Details collected from the visitor, unmasked. */
  details: Record<string, string>;
  permitted: string[];
  attempted: { action: string; outcome: string }[];
  history: Message[];
  rule?: string;
  /** The team the playbook routes this intent to. */
  team?: string | null;
  /** Detail name → entity kind, so free text is masked by kind too. */
  kinds?: Record<string, string | undefined>;
}

export function buildHandoff(input: HandoffInput): HandoffPackage {
  const customerDetails = permittedDetails(input.details, input.permitted);
  // Nothing the playbook masks may reach the agent another way: quoted words, evidence, attempts.
  const mask = (text: string) => maskText(text, { details: input.details, permitted: input.permitted, ...(input.kinds ? { kinds: input.kinds } : {}) });
  return {
    intent: input.intent,
    status: input.status,
    trigger: input.trigger,
    reason: mask(input.reason),
    evidence: input.evidence.map((e) => clip(mask(e), 200)),
    riskFlags: [...new Set(input.riskFlags)],
    customerDetails,
    attempted: input.attempted.map((a) => ({ action: mask(a.action), outcome: mask(a.outcome) })),
    summary: summarize(input.history, input.intent, customerDetails, mask),
    ...(input.rule ? { rule: input.rule } : {}),
    ...(input.team ? { team: input.team } : {}),
  };
}
