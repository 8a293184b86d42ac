// Prometheus metrics for operations (per node), with prom-client. Names and meanings:
// docs/metrics.md. Handoff-quality numbers are not here: they come from stored facts.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Meter {
  message(author: string): void;
  escalation(trigger: string): void;
  botTurn(seconds: number): void;
  timeToHuman(seconds: number): void;
  webhookDelivery(result: 'ok' | 'failed'): void;
}

export const NO_METER: Meter = { message() {}, escalation() {}, botTurn() {}, timeToHuman() {}, webhookDelivery() {} };

export function createMetrics(sources: { socketCounts: () => Record<string, number>; queueWaiting: () => Promise<number> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const messages = new Counter({ name: 'baton_messages_total', help: 'Messages stored, by author kind.', labelNames: ['author'], registers: [registry] });
  const escalations = new Counter({ name: 'baton_escalations_total', help: 'Conversations handed to people, by trigger.', labelNames: ['trigger'], registers: [registry] });
  const botTurn = new Histogram({
    name: 'baton_bot_turn_seconds',
    help: 'Time the bot took to decide on a visitor message.',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const timeToHuman = new Histogram({
    name: 'baton_time_to_human_seconds',
    help: 'From escalation to an agent taking the conversation.',
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const webhooks = new Counter({ name: 'baton_webhook_deliveries_total', help: 'Webhook delivery attempts, by result.', labelNames: ['result'], registers: [registry] });
  new Gauge({
    name: 'baton_connected_sockets',
    help: 'Sockets connected to this node, by namespace.',
    labelNames: ['namespace'],
    registers: [registry],
    collect() {
      for (const [namespace, n] of Object.entries(sources.socketCounts())) this.set({ namespace }, n);
    },
  });
  new Gauge({
    name: 'baton_queue_waiting',
    help: 'Conversations waiting for an agent (all sites, from the database).',
    registers: [registry],
    async collect() {
      this.set(await sources.queueWaiting());
    },
  });
  const meter: Meter = {
    message: (author) => messages.inc({ author }),
    escalation: (trigger) => escalations.inc({ trigger }),
    botTurn: (s) => botTurn.observe(s),
    timeToHuman: (s) => timeToHuman.observe(s),
    webhookDelivery: (result) => webhooks.inc({ result }),
  };
  return { registry, meter };
}
