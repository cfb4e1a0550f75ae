import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { PRESETS, RULE_METHODS } from './policy.ts';

const Rule = Type.Object(
  {
    methods: Type.Array(Type.String({ enum: RULE_METHODS }), {
      minItems: 1,
      maxItems: 8,
      uniqueItems: true,
      description: 'HTTP methods (GET allows HEAD too); * for any',
    }),
    paths: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
      minItems: 1,
      maxItems: 50,
      description:
        'proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them',
    }),
  },
  { additionalProperties: false },
);

const Budget = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    window_seconds: Type.Integer({
      minimum: 60,
      maximum: 31 * 86_400,
      description:
        'fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas',
    }),
  },
  { additionalProperties: false },
);

/** A policy as an admin writes it (on a service key or a trusted issuer). */
export const PolicyInput = Type.Object(
  {
    token: Type.Optional(
      Type.Boolean({
        description:
          'may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true',
      }),
    ),
    proxy: Type.Optional(
      Nullable(
        Type.Array(
          Type.Union([Type.String({ enum: Object.keys(PRESETS) }), Rule], {
            description: `a rule, or a preset name (${Object.keys(PRESETS).join(', ')})`,
          }),
          { maxItems: 100 },
        ),
      ),
    ),
    budget: Type.Optional(Nullable(Budget)),
  },
  {
    additionalProperties: false,
    description:
      'what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none)',
  },
);

/** What applies: defaults filled in, presets expanded (no policy: everything). */
export const EffectivePolicy = Type.Object(
  {
    token: Type.Boolean(),
    proxy: Type.Array(Rule),
    budget: Nullable(Budget),
  },
  { additionalProperties: false },
);
