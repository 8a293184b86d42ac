// From the learned layer's labels to the playbook's triggers (seed step 1). The labels are finer
// than the triggers (anger, a threat to leave and a vulnerable situation are all emotional
// urgency) so the corpus can say what it means; the policy reasons in triggers.
import type { Trigger } from '@baton/shared';
import type { Understood } from './signals.js';

export const LABEL_TRIGGER: Record<string, Trigger> = {
  person_request: 'visitor_request',
  anger: 'emotional_urgency',
  leave_threat: 'emotional_urgency',
  urgency: 'emotional_urgency',
  vulnerable: 'emotional_urgency',
  outage: 'emotional_urgency',
  security: 'accuracy_risk',
  legal: 'accuracy_risk',
  refund_dispute: 'accuracy_risk',
  exception: 'accuracy_risk',
  high_value: 'high_value_intent',
  self_service_failure: 'workflow_failure',
  cannot_provide: 'workflow_failure',
};

/** When several apply, the first wins (server/eval/LABELS.md). */
export const TRIGGER_ORDER: Trigger[] = ['visitor_request', 'emotional_urgency', 'accuracy_risk', 'high_value_intent', 'workflow_failure'];

export interface TriggerReading {
  trigger: Trigger;
  /** The summed probability of the trigger's labels. */
  p: number;
  /** Its most probable label, for the rule id and the evidence. */
  label: string;
}

/** Each trigger's probability mass, in the policy's order. */
export function triggerMass(understood: Understood): TriggerReading[] {
  return TRIGGER_ORDER.map((trigger) => {
    let p = 0;
    let label = '';
    let best = -1;
    for (const [l, v] of Object.entries(understood.p)) {
      if (LABEL_TRIGGER[l] !== trigger) continue;
      p += v;
      if (v > best) [best, label] = [v, l];
    }
    return { trigger, p, label };
  });
}

/** The probability that the turn needs a person at all: everything but `none`. */
export function escalationMass(understood: Understood): number {
  return 1 - (understood.p.none ?? 0);
}

/**
 * The trigger the reading supports, if it is confident enough: the most probable trigger reaches
 * the threshold, and of the triggers close to it the first in order wins — an angry refund
 * dispute is emotional urgency first (server/eval/LABELS.md).
 */
export function understoodTrigger(understood: Understood, threshold: number): TriggerReading | null {
  const readings = triggerMass(understood);
  const top = Math.max(...readings.map((r) => r.p));
  if (top < threshold) return null;
  return readings.find((r) => r.p >= Math.max(0.3, 0.75 * top)) ?? null;
}
