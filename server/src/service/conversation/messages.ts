// Appending a message and delivering it: the store (with its file and webhook outbox in one
// transaction), the visitor's tabs, the agents watching, the meter and the site's queue view.
import type { Message, NoticeKind } from '@baton/shared';
import { isUniqueViolation } from '../../store/kysely-store.js';
import type { Appended, AttachmentRecord, ConversationRecord, NewMessage } from '../../store/types.js';
import { type InspectedFile, isImage } from '../attachments.js';
import { agentView } from '../views.js';
import { publish } from '../webhooks.js';
import { type Ctx, now } from './context.js';
import { visitorViewOf } from './queue.js';

/** Messages as clients get them: attachments with fresh short-lived signed links. */
export function present(ctx: Ctx, m: Message): Message {
  if (!m.attachments?.length || !ctx.attachmentUrl) return m;
  const sign = ctx.attachmentUrl;
  return {
    ...m,
    attachments: m.attachments.map((a) => ({ ...a, url: sign(a.id, 'full'), ...(isImage(a.type) ? { thumbUrl: sign(a.id, 'thumb') } : {}) })),
  };
}

/**
 * An inspected file as the row to store and what the message carries. The row is written in the
 * message's own transaction (append): a retry whose message was stored already stores no file.
 */
export function fileFor(ctx: Ctx, conversationId: string, file: InspectedFile): { record: AttachmentRecord; meta: NonNullable<NewMessage['attachments']>[number] } {
  const id = ctx.newId('att');
  return {
    record: { id, conversationId, name: file.name, type: file.type, size: file.data.length, width: file.width, height: file.height, data: file.data, thumb: file.thumb, createdAt: now(ctx) },
    meta: { id, name: file.name, type: file.type, size: file.data.length, ...(file.width ? { width: file.width } : {}), ...(file.height ? { height: file.height } : {}) },
  };
}

/**
 * Stores a message and delivers it live at once, before anything else is awaited, so that a
 * conversation's tabs and watchers get this node's messages in seq order. Then the meter and
 * the site's queue view, with the conversation as the append left it.
 */
/** What a visitor or an agent writes (or says: `spoken`, the body is the transcript), with a file if it has one. */
export interface Written {
  clientId: string;
  body: string;
  file?: InspectedFile;
  spoken?: true;
}

/** What a visitor or an agent writes, with its file if it has one, appended to the conversation. */
export function appendWritten(ctx: Ctx, conversation: ConversationRecord, author: NewMessage['author'], input: Written, at: string): Promise<Appended> {
  const file = input.file ? fileFor(ctx, conversation.id, input.file) : undefined;
  const message = {
    id: ctx.newId('m'),
    conversationId: conversation.id,
    clientId: input.clientId,
    author,
    body: input.body,
    ...(file ? { attachments: [file.meta] } : {}),
    ...(input.spoken ? { spoken: true as const } : {}),
    now: at,
  };
  return append(ctx, conversation.siteId, message, file?.record);
}

export async function append(ctx: Ctx, siteId: string, input: NewMessage, file?: AttachmentRecord): Promise<Appended> {
  const appended = await appendStored(ctx, siteId, input, file);
  if (!appended.created) return appended;
  // The store returns the conversation with a created message; read it only if it did not.
  const conversation = appended.conversation ?? (await ctx.store.getConversation(appended.message.conversationId));
  if (conversation) {
    await deliverLive(ctx, appended.message, conversation);
    await announce(ctx, siteId, appended.message, conversation, appended.visitorProfile);
  }
  return appended;
}

/** A system line (`notice`) in the conversation, in the visitor's language as the caller chose it. */
export async function systemNotice(ctx: Ctx, conversation: ConversationRecord, notice: NoticeKind, body: string) {
  await append(ctx, conversation.siteId, {
    id: ctx.newId('m'),
    conversationId: conversation.id,
    clientId: `sys-${notice}-${ctx.newId('n')}`,
    author: { kind: 'system' },
    body,
    notice,
    now: now(ctx),
  });
}

/** A new message to the visitor's tabs and the agents watching (a new conversation first announced to every tab). */
async function deliverLive(ctx: Ctx, message: Message, c: ConversationRecord) {
  const { notifier } = ctx;
  if (message.seq === 1) notifier.toVisitor(c.visitorId, 'conversation:updated', await visitorViewOf(ctx, c));
  const shown = present(ctx, message);
  notifier.toVisitor(c.visitorId, 'message:new', shown);
  notifier.toWatchers(message.conversationId, 'message:new', shown);
}

/**
 * Appends a message and, in the same transaction, its file and webhook deliveries (the outbox).
 * A concurrent retry with the same client id that won returns the stored message.
 */
async function appendStored(ctx: Ctx, siteId: string, input: NewMessage, file?: AttachmentRecord): Promise<Appended> {
  const { store } = ctx;
  try {
    return await store.transaction(async (tx) => {
      if (file) await tx.saveAttachment(file);
      const result = await tx.appendMessage(input);
      if (result.created) {
        const at = result.message.createdAt;
        if (result.message.seq === 1) {
          const c = await tx.getConversation(result.message.conversationId);
          if (c) await publish(tx, { siteId, type: 'conversation.created', data: { conversation: await agentView(tx, c) }, at, newId: ctx.newId });
        }
        await publish(tx, { siteId, type: 'message.created', data: { message: result.message }, at, newId: ctx.newId });
      }
      return result;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return store.appendMessage(input);
    throw error;
  }
}

/** After a new message was delivered live (append): the meter, and the site's queue view. */
async function announce(ctx: Ctx, siteId: string, message: Message, conversation: ConversationRecord, visitorProfile: Appended['visitorProfile']) {
  ctx.meter.message(message.author.kind);
  ctx.notifier.toSiteAgents(siteId, 'conversation:updated', await agentView(ctx.store, conversation, message, visitorProfile));
}
