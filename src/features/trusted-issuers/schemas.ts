import { Type } from 'typebox';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import { ListQuery, Nullable, Timestamp } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import { effectivePolicy } from '../policies/policy.ts';
import { EffectivePolicy, PolicyInput } from '../policies/schemas.ts';

/** Asymmetric signature algorithms only: `none` and HMAC (HS*) are never accepted. */
export const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export const DEFAULT_ALGORITHMS = ['RS256', 'ES256'];

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Kind = Type.Union([Type.Literal('user'), Type.Literal('workload')], {
  description:
    'user: its tokens name end users (a subject token selects that user’s account); workload: its tokens name services acting for them (an actor token)',
});
const Jwks = Type.Object(
  {
    keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 20 }),
  },
  { description: 'the issuer’s public keys (JWK Set), when it publishes none at a URL' },
);
const Audience = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
  minItems: 1,
  maxItems: 10,
  uniqueItems: true,
  description: 'a token’s aud must name one of these',
});
const Algorithms = Type.Array(Type.Union(ALGORITHMS.map((a) => Type.Literal(a))), {
  minItems: 1,
  uniqueItems: true,
  description: `asymmetric only (never none, never HMAC); default ${DEFAULT_ALGORITHMS.join(', ')}`,
});
const ClockSkew = Type.Integer({
  minimum: 0,
  maximum: 300,
  description: 'seconds of leeway on exp, nbf and iat; default 60',
});
const UserClaim = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_.:/-]+$',
  description:
    'the claim naming the user (user issuers: sub, email, oid …) or the workload (sub); default sub. A false email_verified is refused when it is email',
});
const UserIdTemplate = Type.String({
  minLength: 7,
  maxLength: 200,
  pattern: '\\{claim\\}',
  description:
    'how the claim becomes the vault’s user_id: {claim} is replaced by its value (e.g. okta|{claim}); default {claim}',
});
const RequiredClaims = Type.Record(
  Type.String({ minLength: 1, maxLength: 100 }),
  Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: 50 }),
  {
    description:
      'claims a token must carry with one of the values listed, e.g. {"sub": ["system:serviceaccount:agents:jira-bot"]}',
  },
);
const AuthConfigIds = Type.Array(Type.String({ pattern: ID_PATTERN('ac') }), {
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  description: 'the auth configs its tokens may reach (at least one; omit for all of the tenant’s)',
});
const Status = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);

export const CreateTrustedIssuerBody = Type.Object(
  {
    name: Name,
    kind: Kind,
    issuer: Type.String({ minLength: 1, maxLength: 512, description: 'the iss its tokens carry' }),
    jwks_uri: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    jwks: Type.Optional(Jwks),
    audience: Audience,
    algorithms: Type.Optional(Algorithms),
    clock_skew_seconds: Type.Optional(ClockSkew),
    user_claim: Type.Optional(UserClaim),
    user_id_template: Type.Optional(UserIdTemplate),
    required_claims: Type.Optional(RequiredClaims),
    auth_config_ids: Type.Optional(AuthConfigIds),
    policy: Type.Optional(PolicyInput),
  },
  { additionalProperties: false },
);

export const UpdateTrustedIssuerBody = Type.Object(
  {
    name: Type.Optional(Name),
    jwks_uri: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2048 }))),
    jwks: Type.Optional(Nullable(Jwks)),
    audience: Type.Optional(Audience),
    algorithms: Type.Optional(Algorithms),
    clock_skew_seconds: Type.Optional(ClockSkew),
    user_claim: Type.Optional(UserClaim),
    user_id_template: Type.Optional(UserIdTemplate),
    required_claims: Type.Optional(RequiredClaims),
    auth_config_ids: Type.Optional(Nullable(AuthConfigIds)),
    policy: Type.Optional(Nullable(PolicyInput)),
    status: Type.Optional(Status),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TrustedIssuer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    issuer: Type.String(),
    jwks_uri: Nullable(Type.String()),
    jwks: Nullable(Jwks),
    audience: Type.Array(Type.String()),
    algorithms: Type.Array(Type.String()),
    clock_skew_seconds: Type.Integer(),
    user_claim: Type.String(),
    user_id_template: Type.String(),
    required_claims: Type.Record(Type.String(), Type.Array(Type.String())),
    auth_config_ids: Nullable(Type.Array(Type.String())),
    policy: Nullable(PolicyInput),
    effective_policy: EffectivePolicy,
    status: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const TrustedIssuerListQuery = ListQuery({
  kind: Type.Optional(Kind),
});

export const trustedIssuerView = (r: TrustedIssuerRow) => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  issuer: r.issuer,
  jwks_uri: r.jwksUri,
  jwks: r.jwks ? { keys: r.jwks.keys as unknown as Record<string, unknown>[] } : null,
  audience: r.audience,
  algorithms: r.algorithms,
  clock_skew_seconds: r.clockSkewSeconds,
  user_claim: r.userClaim,
  user_id_template: r.userIdTemplate,
  required_claims: r.requiredClaims,
  auth_config_ids: r.authConfigIds,
  policy: r.policy ?? null,
  effective_policy: effectivePolicy(r.policy),
  status: r.status,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});
