import { SignJWT, jwtVerify } from 'jose';
import type { LinkKeys } from '../../crypto/link-keys.ts';

/**
 * The connect link carries a compact HS256 JWT (account, tenant, expiry, one-time id): a forged or
 * stale link is refused before any database work.
 */
export interface LinkClaims {
  accountId: string;
  tenantId: string;
  sessionId: string;
}

const AUDIENCE = 'credential-vault/connect';

export async function signLink(
  keys: LinkKeys,
  claims: LinkClaims,
  now: Date,
  ttlSeconds: number,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: claims.tenantId })
    .setProtectedHeader({ alg: 'HS256', kid: keys.activeKid })
    .setSubject(claims.accountId)
    .setJti(claims.sessionId)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(keys.get(keys.activeKid)!);
}

/** The claims of a valid, unexpired link; null for anything else. */
export async function verifyLink(
  keys: LinkKeys,
  token: string,
  now: Date,
): Promise<LinkClaims | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const k = header.kid ? keys.get(header.kid) : undefined;
        if (!k) throw new Error('unknown kid');
        return k;
      },
      { algorithms: ['HS256'], audience: AUDIENCE, currentDate: now, clockTolerance: 0 },
    );
    const { sub, jti, tid } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof tid !== 'string') return null;
    return { accountId: sub, tenantId: tid, sessionId: jti };
  } catch {
    return null;
  }
}
