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

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Extractive summary: what the visitor first asked, what they said last, the key details. */
export function summarize(history: Message[], intent: string, details: Record<string, string>): string {
  const turns = history.filter((m) => m.author.kind === 'visitor').map((m) => m.body.replace(/\s+/g, ' ').trim());
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
}

export function buildHandoff(input: HandoffInput): HandoffPackage {
  const customerDetails = permittedDetails(input.details, input.permitted);
  return {
    intent: input.intent,
    status: input.status,
    trigger: input.trigger,
    reason: input.reason,
    evidence: input.evidence.map((e) => clip(e, 200)),
    riskFlags: [...new Set(input.riskFlags)],
    customerDetails,
    attempted: input.attempted,
    summary: summarize(input.history, input.intent, customerDetails),
    ...(input.rule ? { rule: input.rule } : {}),
    ...(input.team ? { team: input.team } : {}),
  };
}
