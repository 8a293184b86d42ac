// Verified identity: the host page signs the user id with the site's identity secret
// (hex HMAC-SHA256, the convention Intercom and Chatwoot use). Unsigned or wrongly signed
// identities are kept but marked unverified, and never merged into anyone's history.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

export function verifyUserHash(secret: string | undefined, userId: string, hash: string | undefined): boolean {
  if (!secret || !hash || !/^[0-9a-f]{64}$/i.test(hash)) return false;
  const expected = Buffer.from(userHash(secret, userId), 'hex');
  const given = Buffer.from(hash, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
