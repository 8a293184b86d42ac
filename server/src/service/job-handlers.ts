// What each durable job does when it comes due (service/jobs.ts runs them, on whichever node
// polls first), and the recurring jobs a node schedules when it starts.
import type { Logger } from '../log.js';
import { refreshRollup } from '../metrics/queries.js';
import type { Store } from '../store/types.js';
import type { ConversationService } from './conversations.js';
import type { JobHandler } from './jobs.js';
import { chatLink, confirmMail, contactConfirmLink, type Mailer, replyMail } from './mail.js';
import type { WebhookDeliverer } from './webhooks.js';

export interface JobHandlerDeps {
  store: Store;
  service: ConversationService;
  webhooks: WebhookDeliverer;
  clock: () => Date;
  logger: Logger;
  /** Reply-later emails; absent = replies wait in the chat only. */
  mailer?: Mailer;
  /** Where emails link to when the visitor's page is unknown, and where the confirmation link points. */
  publicUrl?: string;
  /** Signs the confirmation links. */
  secret: string;
}

/** A confirmation link is good for three days. */
const CONFIRM_TTL_MS = 3 * 86_400_000;

/** Idle conversations are closed and the metrics rollup refreshed this often. */
const EVERY_MS = 10 * 60_000;

export function jobHandlers(deps: JobHandlerDeps): Record<string, JobHandler> {
  const { store, service, clock } = deps;
  const again = (kind: string) => store.scheduleJob({ id: kind, kind, runAt: new Date(clock().getTime() + EVERY_MS).toISOString(), data: {} });
  return {
    agent_silent: (d) => service.agentSilent({ conversationId: String(d.conversationId), agentId: String(d.agentId), sinceSeq: Number(d.sinceSeq ?? 0) }),
    agent_gone: (d) => service.agentGone(String(d.agentId)),
    abandon: (d) => service.abandonIfGone(String(d.conversationId)),
    webhook: (d) => deps.webhooks.attempt(String(d.deliveryId)),
    retention: async () => {
      await service.applyRetention();
    },
    idle_close: async () => {
      await service.closeIdle();
      await again('idle_close');
    },
    metrics_rollup: async () => {
      await refreshRollup(store, clock(), (siteId, err) => deps.logger.warn({ err, siteId }, 'metrics rollup failed'));
      await again('metrics_rollup');
    },
    reply_email: (d) => sendReplyEmail(deps, String(d.conversationId)),
    contact_confirm: (d) => sendConfirmEmail(deps, String(d.conversationId)),
  };
}

/** One email with the agent's replies the visitor has not seen yet, then noted as sent. */
async function sendReplyEmail(deps: JobHandlerDeps, conversationId: string) {
  const { store, service } = deps;
  const pending = await service.replyEmail(conversationId);
  if (!pending) return;
  if (!deps.mailer) {
    deps.logger.info({ conversationId: pending.conversationId }, 'reply-later email skipped: SMTP_URL is not set');
    return;
  }
  const conversation = await store.getConversation(pending.conversationId);
  const site = conversation ? await store.getSite(conversation.siteId) : null;
  const link = chatLink(pending.pageUrl, site?.allowedOrigins ?? [], deps.publicUrl ?? 'http://localhost:3000/');
  await deps.mailer.send(replyMail({ to: pending.to, siteName: site?.name ?? 'Support', replies: pending.replies, link }));
  await service.replyEmailed(pending.conversationId, Math.max(...pending.replies.map((m) => m.seq)));
}

/** Before any reply: does the owner of the address want them? */
async function sendConfirmEmail(deps: JobHandlerDeps, conversationId: string) {
  const pending = await deps.service.contactToConfirm(conversationId);
  if (!pending) return;
  if (!deps.mailer) {
    deps.logger.info({ conversationId }, 'reply-later confirmation skipped: SMTP_URL is not set');
    return;
  }
  const site = await deps.store.getSite(pending.siteId);
  const link = contactConfirmLink(deps.secret, deps.publicUrl ?? 'http://localhost:3000/', pending.conversationId, pending.to, deps.clock().getTime() + CONFIRM_TTL_MS);
  await deps.mailer.send(confirmMail({ to: pending.to, siteName: site?.name ?? 'Support', link }));
}

/** The recurring jobs, first due shortly after start; each reschedules itself when it runs. */
export function scheduleRecurringJobs(store: Store, clock: () => Date, logger: Logger) {
  const first = (kind: string, afterMs: number, what: string) =>
    void store.scheduleJob({ id: kind, kind, runAt: new Date(clock().getTime() + afterMs).toISOString(), data: {} }).catch((err) => logger.error({ err }, `scheduling ${what} failed`));
  first('retention', 60_000, 'retention'); // daily (service/conversation/lifecycle.ts)
  first('idle_close', 60_000, 'idle close'); // conversations left with the bot, closed once idle
  first('metrics_rollup', 30_000, 'the metrics rollup'); // kept filled for metrics/queries.ts
}
