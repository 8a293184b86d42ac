// Visitor tokens and agent session tokens.
// A visitor token is `v1.<siteId>.<visitorId>.<hmac>`: it proves which visitor of which site the
// bearer is, without a database read. Agent sessions are random tokens stored only as SHA-256.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/**
 * A signature someone sent against the one expected, in constant time. Compared as bytes: a
 * signature of multibyte characters has the right length only in characters (timingSafeEqual
 * throws on buffers of different lengths).
 */
export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function signVisitorToken(secret: string, siteId: string, visitorId: string): string {
  const payload = `${VERSION}.${siteId}.${visitorId}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The visitor id if the token is genuine and for this site; null otherwise. */
export function verifyVisitorToken(secret: string, siteId: string, token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [version, tokenSite, visitorId, signature] = parts as [string, string, string, string];
  if (version !== VERSION || tokenSite !== siteId || !visitorId) return null;
  return sameSignature(mac(secret, `${version}.${tokenSite}.${visitorId}`), signature) ? visitorId : null;
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `http://localhost:*` allows any port on that scheme and host; anything else must match exactly. */
export function originAllowed(origin: string, allowed: string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return allowed.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith(':*')) {
      try {
        const p = new URL(pattern.slice(0, -2));
        return p.protocol === url.protocol && p.hostname === url.hostname;
      } catch {
        return false;
      }
    }
    return pattern.replace(/\/$/, '') === url.origin;
  });
}
