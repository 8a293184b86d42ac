// The handoff package, pinned above the transcript: what the agent reads instead of the transcript.
import type { HandoffPackage } from '@baton/shared';

const TRIGGER_LABELS: Record<HandoffPackage['trigger'], string> = {
  accuracy_risk: 'Accuracy risk',
  emotional_urgency: 'Emotional urgency',
  workflow_failure: 'Workflow failure',
  high_value_intent: 'High-value intent',
  visitor_request: 'Visitor asked for a person',
};

export const TRIGGERS = Object.keys(TRIGGER_LABELS) as Array<HandoffPackage['trigger']>;

export function triggerLabel(trigger: HandoffPackage['trigger']) {
  return TRIGGER_LABELS[trigger] ?? trigger;
}

export function Handoff({ handoff }: { handoff: HandoffPackage }) {
  const details = Object.entries(handoff.customerDetails);
  return (
    <section class="handoff" aria-label="Handoff package">
      <div class="handoff-head">
        <span class={`status status-${handoff.status}`}>{handoff.status}</span>
        <strong>{triggerLabel(handoff.trigger)}</strong>
        <span class="muted">intent: {handoff.intent}</span>
        {handoff.channel && <span class="muted">channel: {handoff.channel === 'voice' ? 'voice' : 'chat'}</span>}
      </div>
      <p class="summary">{handoff.summary}</p>
      <dl>
        <dt>Why the bot stopped</dt>
        <dd>
          {handoff.reason}
          {handoff.rule && <span class="rule"> (rule {handoff.rule})</span>}
          {handoff.evidence.length > 0 && <ul class="evidence">{handoff.evidence.map((e) => <li>{e}</li>)}</ul>}
        </dd>
        {handoff.riskFlags.length > 0 && (
          <>
            <dt>Risk flags</dt>
            <dd>{handoff.riskFlags.map((f) => <span class="flag">{f}</span>)}</dd>
          </>
        )}
        {details.length > 0 && (
          <>
            <dt>Customer details</dt>
            <dd>{details.map(([k, v]) => <span class="detail">{k}: {v}</span>)}</dd>
          </>
        )}
        {handoff.attempted.length > 0 && (
          <>
            <dt>Already tried</dt>
            <dd>
              <ul>{handoff.attempted.map((a) => <li>{a.action}: {a.outcome}</li>)}</ul>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
