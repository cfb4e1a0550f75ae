import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import { JwksError, type JwksCache, type KeySet } from './jwks.ts';

// NUL and unpaired surrogates: text PostgreSQL cannot store, so no user id of ours.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a token of a trusted issuer was refused (the `reason` of the exchange's error). */
export type TokenRefusal =
  | 'expired'
  | 'not_yet_valid'
  | 'audience'
  | 'issuer'
  | 'algorithm'
  | 'signature'
  | 'unknown_key'
  | 'malformed'
  | 'claims'
  | 'subject'
  | 'email_unverified';

export class TokenRefused extends Error {
  constructor(
    readonly reason: TokenRefusal,
    detail: string,
  ) {
    super(detail);
    this.name = 'TokenRefused';
  }
}

/** What jose says of a token, as one of our reasons (never its claims, never the token). */
function refusalOf(err: unknown): TokenRefused {
  if (err instanceof TokenRefused) return err;
  if (err instanceof errors.JWTExpired) return new TokenRefused('expired', 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return new TokenRefused('not_yet_valid', 'the token is not yet valid');
    if (err.claim === 'aud')
      return new TokenRefused(
        'audience',
        'the token’s audience is not one this issuer is trusted for',
      );
    if (err.claim === 'iss') return new TokenRefused('issuer', 'the token’s issuer does not match');
    if (err.claim === 'iat')
      return new TokenRefused('not_yet_valid', 'the token was issued in the future');
    return new TokenRefused('claims', `the token’s ${err.claim} claim is missing or invalid`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new TokenRefused('algorithm', 'the token’s algorithm is not allowed for this issuer');
  if (err instanceof errors.JWKSNoMatchingKey)
    return new TokenRefused('unknown_key', 'no key of the issuer matches the token’s kid and alg');
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new TokenRefused('signature', 'the token’s signature does not verify');
  return new TokenRefused('malformed', 'the token is not a signed JWT this vault can read');
}

/** The verified claims of a token of `issuer`: its keys, iss, aud, algorithms, exp, nbf. */
export async function verifyIssuerToken(
  token: string,
  issuer: TrustedIssuerRow,
  jwks: JwksCache,
  now: Date,
): Promise<JWTPayload> {
  const options = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    algorithms: issuer.algorithms,
    clockTolerance: issuer.clockSkewSeconds,
    currentDate: now,
    requiredClaims: ['exp'],
  };
  const attempt = (set: KeySet) => jwtVerify(token, set, options).then((r) => r.payload);
  try {
    try {
      return await attempt(await jwks.keys(issuer));
    } catch (err) {
      // An unknown kid may be a rotation at the issuer: its keys once more, then refused.
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      const fresh = await jwks.refetch(issuer);
      if (!fresh) throw err;
      return await attempt(fresh);
    }
  } catch (err) {
    if (err instanceof JwksError) throw err; // the keys were not to be had
    throw refusalOf(err);
  }
}

/** Whether the token carries each required claim with one of its listed values. */
export function checkRequiredClaims(payload: JWTPayload, issuer: TrustedIssuerRow) {
  for (const [claim, values] of Object.entries(issuer.requiredClaims)) {
    const v = payload[claim];
    if (typeof v !== 'string' || !values.includes(v))
      throw new TokenRefused('claims', `the token’s ${claim} claim is not one this issuer accepts`);
  }
}

/** The subject a token names, as the vault's user_id (user issuers) or the workload's name. */
export function subjectOf(payload: JWTPayload, issuer: TrustedIssuerRow): string {
  const raw = payload[issuer.userClaim];
  const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof value !== 'string' || value === '')
    throw new TokenRefused(
      'subject',
      `the token has no ${issuer.userClaim} claim naming its subject`,
    );
  if (issuer.userClaim === 'email' && payload.email_verified === false)
    throw new TokenRefused('email_unverified', 'the token’s email is not verified');
  const id = issuer.userIdTemplate.replace('{claim}', () => value);
  if (UNSTORABLE.test(id))
    throw new TokenRefused('subject', `the token's ${issuer.userClaim} claim is not plain text`);
  if (id.length > 256)
    throw new TokenRefused(
      'subject',
      'the user id the token maps to is longer than 256 characters',
    );
  return id;
}
