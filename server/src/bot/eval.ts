// The policy evaluation harness: replays labelled conversations through the same engine the
// server runs and scores escalation timing and triggers. Used by `pnpm eval:policy`.
import type { Message, Trigger } from '@baton/shared';
import { z } from 'zod';
import type { BotDecision, BotProvider } from './provider.js';

const Mode = z.enum(['resolve', 'clarify', 'escalate']);
export const EvalCase = z.object({
  id: z.string().min(1),
  note: z.string().optional(),
  /** The visitor's language (ISO 639-1), for the per-language figures. */
  lang: z.string().regex(/^[a-z]{2}$/).optional(),
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
  lang?: string;
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
    ...(c.lang ? { lang: c.lang } : {}),
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

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

function scores(results: CaseResult[]) {
  const predicted = results.filter((r) => r.escalatedAt !== null);
  const expected = results.filter((r) => r.expected.escalateAt !== null);
  const truePositives = results.filter((r) => r.escalatedAt !== null && r.expected.escalateAt !== null);
  const withTrigger = results.filter((r) => r.triggerOk !== null);
  return {
    conversations: results.length,
    passed: results.filter((r) => r.pass).length,
    escalation_precision: ratio(truePositives.length, predicted.length),
    escalation_recall: ratio(truePositives.length, expected.length),
    trigger_accuracy: ratio(withTrigger.filter((r) => r.triggerOk).length, withTrigger.length),
    exact_timing: ratio(results.filter((r) => r.timing === 'ok').length, results.length),
    too_early: results.filter((r) => r.timing === 'too_early').length,
    too_late: results.filter((r) => r.timing === 'too_late').length,
  };
}

function groupBy(results: CaseResult[], key: (r: CaseResult) => string | undefined) {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const k = key(r);
    if (k) groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function summarize(results: CaseResult[]) {
  const byTrigger = Object.fromEntries(
    groupBy(results, (r) => r.expected.trigger ?? r.trigger ?? undefined).map(([trigger]) => {
      const labelled = results.filter((r) => r.expected.trigger === trigger);
      const predicted = results.filter((r) => r.trigger === trigger);
      return [
        trigger,
        {
          labelled: labelled.length,
          // Escalated at all (any trigger), and with this trigger, among the cases labelled with it.
          recall: ratio(labelled.filter((r) => r.escalatedAt !== null).length, labelled.length),
          trigger_recall: ratio(labelled.filter((r) => r.triggerOk).length, labelled.length),
          predicted: predicted.length,
          trigger_precision: ratio(predicted.filter((r) => r.expected.trigger === trigger).length, predicted.length),
        },
      ];
    }),
  );
  const byLanguage = Object.fromEntries(
    groupBy(results, (r) => r.lang).map(([lang, rs]) => {
      const { escalation_precision, escalation_recall, trigger_accuracy, conversations, passed } = scores(rs);
      return [lang, { conversations, passed, escalation_precision, escalation_recall, trigger_accuracy }];
    }),
  );
  return {
    ...scores(results),
    clarify_loops: results.filter((r) => r.clarifyLoop).length,
    turn_mode_mismatches: results.reduce((n, r) => n + r.modeMismatches.length, 0),
    by_trigger: byTrigger,
    ...(Object.keys(byLanguage).length ? { by_language: byLanguage } : {}),
  };
}
