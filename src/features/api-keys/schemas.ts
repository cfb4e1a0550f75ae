import type { ApiKeyRow } from '../../db/schema/index.ts';
import { Type } from 'typebox';
import { Timestamp } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import { effectivePolicy } from '../policies/policy.ts';
import { EffectivePolicy, PolicyInput } from '../policies/schemas.ts';

export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const CreateApiKeyBody = Type.Object(
  {
    name: Name,
    role: Type.Union([Type.Literal('admin'), Type.Literal('service')]),
    auth_config_ids: Type.Optional(
      Type.Array(Type.String({ pattern: ID_PATTERN('ac') }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description:
          'service keys only: the auth configs this key may fetch tokens for (at least one; omit for all of the tenant’s)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A tenant admin's new key: what an operator's takes, and a service key's policy. */
export const CreateTenantApiKeyBody = Type.Object(
  {
    ...CreateApiKeyBody.properties,
    policy: Type.Optional(PolicyInput),
  },
  { additionalProperties: false },
);

export const UpdateApiKeyBody = Type.Object(
  {
    name: Type.Optional(Name),
    policy: Type.Optional(
      Type.Union([PolicyInput, Type.Null()], {
        description: 'service keys: the new policy, replacing the old one; null: none (everything)',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    tenant_id: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    role: Type.String(),
    auth_config_ids: Type.Union([Type.Array(Type.String()), Type.Null()]),
    policy: Type.Union([PolicyInput, Type.Null()], {
      description: 'the policy as set; null: none (the key may do everything its role allows)',
    }),
    effective_policy: EffectivePolicy,
    created_at: Timestamp,
    revoked_at: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);

export const CreatedApiKey = Type.Object(
  {
    ...ApiKey.properties,
    key: Type.String({ description: 'the secret; shown once, store it now' }),
  },
  { additionalProperties: false },
);

export const apiKeyView = (r: ApiKeyRow) => ({
  id: r.id,
  tenant_id: r.tenantId,
  name: r.name,
  role: r.role,
  auth_config_ids: r.authConfigIds,
  policy: r.policy ?? null,
  effective_policy: effectivePolicy(r.policy),
  created_at: r.createdAt.toISOString(),
  revoked_at: r.revokedAt?.toISOString() ?? null,
});
