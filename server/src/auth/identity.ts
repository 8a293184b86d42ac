// Verified identity: the host page signs the user id with the site's identity secret
// (hex HMAC-SHA256, the convention Intercom and Chatwoot use). Unsigned or wrongly signed
// identities are kept but marked unverified, and never merged into anyone's history.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';

export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

export function verifyUserHash(secret: string | undefined, userId: string, hash: string | undefined): boolean {
  if (!secret || !hash || !/^[0-9a-f]{64}$/i.test(hash)) return false;
  const expected = Buffer.from(userHash(secret, userId), 'hex');
  const given = Buffer.from(hash, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Identity secrets valid now: the current one, and the previous one during its grace period. */
export function validSecrets(settings: { identitySecret?: string; identitySecretPrevious?: string; identitySecretRotatedAt?: string }, now: Date, graceMs = ROTATION_GRACE_MS): string[] {
  const out: string[] = [];
  if (settings.identitySecret) out.push(settings.identitySecret);
  const rotatedAt = settings.identitySecretRotatedAt ? Date.parse(settings.identitySecretRotatedAt) : Number.NaN;
  if (settings.identitySecretPrevious && Number.isFinite(rotatedAt) && now.getTime() - rotatedAt < graceMs) out.push(settings.identitySecretPrevious);
  return out;
}

/** After a rotation, the old identity secret keeps working this long. */
export const ROTATION_GRACE_MS = 7 * 24 * 60 * 60 * 1000;
/** A userJwt may live at most this long (exp − iat): short-lived by design. */
export const MAX_JWT_LIFETIME_S = 24 * 60 * 60;

export interface IdentityClaim {
  userId?: string;
  name?: string;
  email?: string;
  userHash?: string;
  userJwt?: string;
}

/**
 * Who the host page says the visitor is, and whether the site vouched for it: an HMAC of the user
 * id, or a short-lived HS256 JWT (`sub` = user id, `exp` required) signed with the same secret.
 */
export interface VerifiedIdentity {
  userId: string | null;
  name?: string;
  email?: string;
  /** The site signed the user id. */
  verified: boolean;
  /** The site signed the name and email too (claims of a JWT); with an HMAC only the user id is. */
  detailsVerified: boolean;
}

export async function verifyIdentity(secrets: string[], claim: IdentityClaim, now: Date): Promise<VerifiedIdentity> {
  if (claim.userJwt) {
    for (const secret of secrets) {
      try {
        const { payload } = await jwtVerify(claim.userJwt, new TextEncoder().encode(secret), {
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          currentDate: now,
          clockTolerance: 5,
        });
        // The lifetime is judged from `exp` alone: a token without `iat`, or with an `iat` far
        // in the future, must not live a year because it says nothing of when it was made.
        if (payload.exp! - now.getTime() / 1000 > MAX_JWT_LIFETIME_S + 5) continue;
        if (typeof payload.iat === 'number' && payload.exp! - payload.iat > MAX_JWT_LIFETIME_S) continue;
        if (claim.userId && claim.userId !== payload.sub) break; // a token for someone else
        const signedName = typeof payload.name === 'string';
        const signedEmail = typeof payload.email === 'string';
        return {
          userId: payload.sub!,
          verified: true,
          ...(signedName ? { name: payload.name as string } : claim.name ? { name: claim.name } : {}),
          ...(signedEmail ? { email: payload.email as string } : claim.email ? { email: claim.email } : {}),
          // A name or email the page added beside the token is only as good as the page.
          detailsVerified: (signedName || !claim.name) && (signedEmail || !claim.email),
        };
      } catch {
        // wrong secret, expired, malformed: try the next secret, else unverified
      }
    }
    return { userId: claim.userId ?? null, verified: false, detailsVerified: false, ...(claim.name ? { name: claim.name } : {}), ...(claim.email ? { email: claim.email } : {}) };
  }
  const userId = claim.userId ?? null;
  const verified = userId !== null && secrets.some((s) => verifyUserHash(s, userId, claim.userHash));
  // The HMAC signs the user id alone: a name or email beside it is the page's word.
  return { userId, verified, detailsVerified: verified && !claim.name && !claim.email, ...(claim.name ? { name: claim.name } : {}), ...(claim.email ? { email: claim.email } : {}) };
}
