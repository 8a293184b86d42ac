// What a request costs against the limits (service/limits.ts). A visitor's message, the same for
// a chat message and a file: one point of the visitor's pace (the site's own when it set one),
// and, when it opens a new conversation, one of the per-IP and per-site new-conversation limits; a
// retry of a message already stored (the widget resending after a lost ack) costs nothing: it is
// not a new message. A sign-in: slower, then locked.
import type { Message } from '@baton/shared';
import { BatonError } from '@baton/shared';
import { conversationOpen } from '../core/conversation.js';
import type { AgentRecord, ConversationRecord, SiteRecord, Store } from '../store/types.js';
import type { LimitRule, Limits } from './limits.js';
import type { Sessions } from './sessions.js';

/** How far back a refused message is looked for among the stored ones (a widget retries its recent outbox). */
const RETRY_WINDOW = 50;

export interface Admitted {
  /** The visitor's latest conversation as read before the message (pass on to visitorSend). */
  open: ConversationRecord | null;
  /** Call with the message visitorSend returned: a stored retry gets its point back. */
  settle(message: Message): Promise<void>;
}

export async function admitVisitorMessage(
  deps: { store: Store; limits: Limits },
  input: { site: SiteRecord | null; siteId: string; visitorId: string; ip: string; clientId: string },
): Promise<Admitted> {
  const { store, limits } = deps;
  const open = await store.latestConversation(input.visitorId);
  const perSite = input.site?.settings.visitorMessagesPer10s;
  const rule: LimitRule | undefined = typeof perSite === 'number' ? { points: perSite, duration: 10 } : undefined;
  try {
    if (rule) await limits.consumeWith('visitorMessage', input.visitorId, rule);
    else await limits.consume('visitorMessage', input.visitorId);
  } catch (error) {
    // Over the pace: a retry of a stored message still gets its ack (and nothing is charged).
    if (error instanceof BatonError && error.code === 'rate_limited' && (await storedRetry(store, open, input.clientId))) {
      return { open, settle: async () => {} };
    }
    throw error;
  }
  if (!conversationOpen(open)) {
    await limits.consume('conversationPerIp', `${input.siteId}:${input.ip}`);
    await limits.consume('conversationPerSite', input.siteId);
  }
  return {
    open,
    async settle(message) {
      // Stored before this request read the conversation: the message is a retry, not a new one.
      if (conversationOpen(open) && message.conversationId === open.id && message.seq <= open.lastSeq) {
        await limits.refund('visitorMessage', input.visitorId, rule).catch(() => {});
      }
    },
  };
}

async function storedRetry(store: Store, open: ConversationRecord | null, clientId: string): Promise<boolean> {
  return (await storedMessage(store, open, clientId, 'visitor')) !== null;
}

/** The recent message of this author kind with this client id in an open conversation, if one is stored. */
export async function storedMessage(store: Store, conversation: ConversationRecord | null, clientId: string, author: 'visitor' | 'agent'): Promise<Message | null> {
  if (!conversationOpen(conversation) || conversation.lastSeq === 0) return null;
  const recent = await store.listMessages(conversation.id, Math.max(0, conversation.lastSeq - RETRY_WINDOW), RETRY_WINDOW);
  return recent.find((m) => m.clientId === clientId && m.author.kind === author) ?? null;
}

/**
 * Signs in, paced: per IP on every attempt, per account and address on failures (then locked for
 * a while — from that address only, so knowing an agent's email is not enough to lock them out).
 * Unknown emails are counted exactly like known ones, so the answers do not reveal which accounts exist.
 */
export async function pacedLogin(
  deps: { sessions: Sessions; limits: Limits; store: Store; clock: () => Date },
  input: { email: string; password: string; ip: string },
): Promise<{ agent: AgentRecord; token: string }> {
  const { sessions, limits } = deps;
  const email = input.email.trim().toLowerCase();
  const pair = `${email}|${input.ip}`;
  await limits.consume('loginPerIp', input.ip);
  await limits.check('loginPerAccount', pair);
  let signedIn: { agent: AgentRecord; token: string };
  try {
    signedIn = await sessions.login(input.email, input.password);
  } catch (error) {
    if (error instanceof BatonError && error.code === 'unauthorized') {
      await limits.consume('loginPerAccount', pair).catch(() => {});
      const lockedNow = await limits.check('loginPerAccount', pair).then(() => false, () => true);
      // The site's admins see it in the audit log (the caller is told nothing more).
      const agent = lockedNow ? await deps.store.getAgentByEmail(email) : null;
      if (agent) await deps.store.recordAudit({ siteId: agent.siteId, actorId: agent.id, action: 'agent.sign_in_locked', target: agent.id, data: { ip: input.ip }, at: deps.clock().toISOString() });
    }
    throw error;
  }
  await limits.reset('loginPerAccount', pair);
  return signedIn;
}
