// Reply-later emails over SMTP (nodemailer). The email carries the agent's replies and links
// back to the page the visitor chatted on, where the widget opens the same conversation.
import { createHmac } from 'node:crypto';
import type { Message } from '@baton/shared';
import nodemailer from 'nodemailer';
import { originAllowed, sameSignature } from '../auth/tokens.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** `smtp://user:pass@host:port` (or smtps://); from e.g. `Shop support <support@shop.example>`. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The chat link: the page the visitor was on, with the fragment that opens the widget. */
/**
 * The page to come back to: the visitor's own, but only on an origin the site allows (the page
 * URL comes from the visitor, and an email in the site's name must not carry anyone's link).
 */
export function chatLink(pageUrl: string | null, allowedOrigins: string[], fallback: string): string {
  let page: URL | null = null;
  try {
    page = pageUrl && /^https?:\/\//i.test(pageUrl) ? new URL(pageUrl) : null;
  } catch {
    page = null;
  }
  const base = page && originAllowed(page.origin, allowedOrigins) ? page.toString() : fallback;
  const url = new URL(base);
  url.hash = 'baton-open';
  return url.toString();
}

export function replyMail(input: { to: string; siteName: string; replies: Message[]; link: string }): OutgoingMail {
  const from = input.replies[0]?.author.name ?? input.siteName;
  const text = [
    `${from} from ${input.siteName} replied to your chat:`,
    '',
    ...input.replies.map((m) => m.body),
    '',
    `Continue the conversation: ${input.link}`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(from)} from ${escapeHtml(input.siteName)} replied to your chat:</p>`,
    ...input.replies.map((m) => `<blockquote style="white-space:pre-wrap">${escapeHtml(m.body)}</blockquote>`),
    `<p><a href="${escapeHtml(input.link)}">Continue the conversation</a></p>`,
  ].join('\n');
  return { to: input.to, subject: `${input.siteName}: ${from} replied to your chat`, text, html };
}

/** The address confirmation's signature: the conversation, the address and an expiry. */
export function contactSignature(secret: string, conversationId: string, email: string, exp: number): string {
  return createHmac('sha256', secret).update(`contact|${conversationId}|${email}|${exp}`).digest('base64url');
}

export function contactConfirmLink(secret: string, base: string, conversationId: string, email: string, exp: number): string {
  const url = new URL('/api/contact/confirm', base);
  url.search = new URLSearchParams({ c: conversationId, e: email, x: String(exp), s: contactSignature(secret, conversationId, email, exp) }).toString();
  return url.toString();
}

export function verifyContactLink(secret: string, q: { c?: unknown; e?: unknown; x?: unknown; s?: unknown }, now: number): { conversationId: string; email: string } | null {
  if (typeof q.c !== 'string' || typeof q.e !== 'string' || typeof q.x !== 'string' || typeof q.s !== 'string') return null;
  const exp = Number(q.x);
  if (!Number.isFinite(exp) || exp < now) return null;
  return sameSignature(contactSignature(secret, q.c, q.e, exp), q.s) ? { conversationId: q.c, email: q.e } : null;
}

/** Sent before any reply: no words from the chat, only the question and the link. */
export function confirmMail(input: { to: string; siteName: string; link: string }): OutgoingMail {
  const text = [
    `Someone asked ${input.siteName} to send replies from its chat to this address.`,
    '',
    `If it was you, confirm here: ${input.link}`,
    '',
    'If it was not, ignore this email: nothing more will be sent.',
  ].join('\n');
  const html = [
    `<p>Someone asked ${escapeHtml(input.siteName)} to send replies from its chat to this address.</p>`,
    `<p><a href="${escapeHtml(input.link)}">Yes, it was me: send the replies here</a></p>`,
    '<p>If it was not, ignore this email: nothing more will be sent.</p>',
  ].join('\n');
  return { to: input.to, subject: `${input.siteName}: confirm your email for chat replies`, text, html };
}
