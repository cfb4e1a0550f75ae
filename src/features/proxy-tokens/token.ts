import { SignJWT, jwtVerify } from 'jose';
import type { ProxyTokenKeys } from '../../crypto/proxy-token-keys.ts';
import type { Policy } from '../policies/policy.ts';

/** The token type a token exchange names to ask for one (and answers with). */
export const PROXY_TOKEN_TYPE = 'urn:credential-vault:params:oauth:token-type:proxy' as const;
const TYP = 'cv-proxy+jwt';

/** Who a proxy token was issued to: it lives no longer than each of them stays trusted. */
export interface ProxyTokenParents {
  /** the service key that asked for it */
  k?: string;
  /** the workload (issuer id, subject) that asked for it */
  w?: { i: string; s: string };
  /** the user (issuer id, subject) whose token it was exchanged for */
  u?: { i: string; s: string };
}

export interface ProxyTokenClaims {
  id: string;
  tenantId: string;
  accountId: string;
  authConfigId: string;
  parents: ProxyTokenParents;
  /** the policies that applied when it was issued: it can never do more than they allowed */
  policies: Policy[];
  expiresAt: Date;
}

/** A compact HS256 JWT, audience the vault, bound to tenant, account and policies. */
export async function signProxyToken(
  keys: ProxyTokenKeys,
  audience: string,
  c: ProxyTokenClaims,
  now: Date,
): Promise<string> {
  return new SignJWT({ tid: c.tenantId, ac: c.authConfigId, par: c.parents, pol: c.policies })
    .setProtectedHeader({ alg: 'HS256', kid: keys.activeKid, typ: TYP })
    .setIssuer(audience)
    .setAudience(audience)
    .setSubject(c.accountId)
    .setJti(c.id)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(c.expiresAt.getTime() / 1000))
    .sign(keys.get(keys.activeKid)!);
}

const isSubject = (v: unknown): v is { i: string; s: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { i?: unknown }).i === 'string' &&
  typeof (v as { s?: unknown }).s === 'string';

/** The claims of a valid, unexpired proxy token of this vault; null for anything else. */
export async function verifyProxyToken(
  keys: ProxyTokenKeys,
  audience: string,
  token: string,
  now: Date,
): Promise<ProxyTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const k = header.kid ? keys.get(header.kid) : undefined;
        if (!k) throw new Error('unknown kid');
        return k;
      },
      {
        algorithms: ['HS256'],
        typ: TYP,
        issuer: audience,
        audience,
        currentDate: now,
        clockTolerance: 0,
        requiredClaims: ['exp', 'sub', 'jti'],
      },
    );
    const { sub, jti, tid, ac, par, pol, exp } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof jti !== 'string') return null;
    if (typeof tid !== 'string' || typeof ac !== 'string') return null;
    if (typeof par !== 'object' || par === null || !Array.isArray(pol)) return null;
    const p = par as Record<string, unknown>;
    const parents: ProxyTokenParents = {};
    if (typeof p.k === 'string') parents.k = p.k;
    if (isSubject(p.w)) parents.w = { i: p.w.i, s: p.w.s };
    if (isSubject(p.u)) parents.u = { i: p.u.i, s: p.u.s };
    if (!parents.k && !parents.w && !parents.u) return null;
    return {
      id: jti,
      tenantId: tid,
      accountId: sub,
      authConfigId: ac,
      parents,
      policies: pol as Policy[],
      expiresAt: new Date((exp as number) * 1000),
    };
  } catch {
    return null;
  }
}
