// The policy evaluation harness: replays labelled conversations through the same engine the
// server runs and scores escalation timing and triggers. Used by `pnpm eval:policy`.
import type { Message, Trigger } from '@baton/shared';
import { z } from 'zod';
import type { BotDecision, BotProvider } from './provider.js';

const Mode = z.enum(['resolve', 'clarify', 'escalate']);
export const EvalCase = z.object({
  id: z.string().min(1),
  note: z.string().optional(),
  turns: z
    .array(z.union([z.string().min(1), z.object({ visitor: z.string().min(1), expect: Mode.optional() })]))
    .min(1),
  /** The 0-based visitor turn at which the bot should hand over; null: it should not. */
  escalateAt: z.number().int().nonnegative().nullable(),
  trigger: z
    .enum(['accuracy_risk', 'emotional_urgency', 'workflow_failure', 'high_value_intent', 'visitor_request'])
    .optional(),
});
export type EvalCase = z.infer<typeof EvalCase>;

export interface CaseResult {
  id: string;
  decisions: { turn: number; mode: BotDecision['mode']; rule: string; trigger?: Trigger; evidence: string[] }[];
  escalatedAt: number | null;
  trigger: Trigger | null;
  expected: { escalateAt: number | null; trigger?: Trigger };
  timing: 'ok' | 'too_early' | 'too_late';
  triggerOk: boolean | null;
  modeMismatches: { turn: number; expected: string; got: string }[];
  clarifyLoop: boolean;
  pass: boolean;
}

export function parseCases(text: string): EvalCase[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line && !line.startsWith('//'))
    .map(({ line, n }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`line ${n}: not valid JSON`);
      }
      const parsed = EvalCase.safeParse(raw);
      if (!parsed.success) throw new Error(`line ${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

export async function replay(bot: BotProvider, c: EvalCase): Promise<CaseResult> {
  const history: Message[] = [];
  const decisions: BotDecision[] = [];
  const out: CaseResult['decisions'] = [];
  const modeMismatches: CaseResult['modeMismatches'] = [];
  let seq = 0;
  const at = new Date('2026-01-01T10:00:00Z');
  const push = (kind: 'visitor' | 'bot', body: string) =>
    history.push({ id: `m${++seq}`, conversationId: c.id, seq, clientId: `k${seq}`, author: { kind }, body, createdAt: at.toISOString() });

  let escalatedAt: number | null = null;
  let trigger: Trigger | null = null;
  for (const [turn, t] of c.turns.entries()) {
    const visitor = typeof t === 'string' ? t : t.visitor;
    push('visitor', visitor);
    const decision = await bot.turn({ site: { id: 's', key: 's', name: 's' }, conversationId: c.id, history: [...history], previousDecisions: [...decisions], now: at });
    decisions.push(decision);
    out.push({ turn, mode: decision.mode, rule: decision.rule, ...(decision.mode === 'escalate' ? { trigger: decision.trigger } : {}), evidence: decision.evidence });
    if (typeof t !== 'string' && t.expect && t.expect !== decision.mode) modeMismatches.push({ turn, expected: t.expect, got: decision.mode });
    push('bot', decision.reply);
    if (decision.mode === 'escalate') {
      escalatedAt = turn;
      trigger = decision.trigger;
      break;
    }
  }
  const timing =
    escalatedAt === c.escalateAt ? 'ok' : c.escalateAt === null || (escalatedAt !== null && escalatedAt < c.escalateAt) ? 'too_early' : 'too_late';
  const triggerOk = escalatedAt !== null && c.escalateAt !== null && c.trigger ? trigger === c.trigger : null;
  let clarifyLoop = false;
  for (let i = 1; i < decisions.length; i++) {
    const a = decisions[i - 1]!;
    const b = decisions[i]!;
    if (a.mode === 'clarify' && b.mode === 'clarify' && a.missing === b.missing) clarifyLoop = true;
  }
  return {
    id: c.id,
    decisions: out,
    escalatedAt,
    trigger,
    expected: { escalateAt: c.escalateAt, ...(c.trigger ? { trigger: c.trigger } : {}) },
    timing,
    triggerOk,
    modeMismatches,
    clarifyLoop,
    pass: timing === 'ok' && triggerOk !== false && modeMismatches.length === 0 && !clarifyLoop,
  };
}

export function summarize(results: CaseResult[]) {
  const predicted = results.filter((r) => r.escalatedAt !== null);
  const expected = results.filter((r) => r.expected.escalateAt !== null);
  const truePositives = results.filter((r) => r.escalatedAt !== null && r.expected.escalateAt !== null);
  const withTrigger = results.filter((r) => r.triggerOk !== null);
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
  return {
    conversations: results.length,
    passed: results.filter((r) => r.pass).length,
    escalation_precision: ratio(truePositives.length, predicted.length),
    escalation_recall: ratio(truePositives.length, expected.length),
    trigger_accuracy: ratio(withTrigger.filter((r) => r.triggerOk).length, withTrigger.length),
    exact_timing: ratio(results.filter((r) => r.timing === 'ok').length, results.length),
    too_early: results.filter((r) => r.timing === 'too_early').length,
    too_late: results.filter((r) => r.timing === 'too_late').length,
    clarify_loops: results.filter((r) => r.clarifyLoop).length,
    turn_mode_mismatches: results.reduce((n, r) => n + r.modeMismatches.length, 0),
  };
}
