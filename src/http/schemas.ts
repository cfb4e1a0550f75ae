import { Type, type TLiteral, type TSchema, type TSchemaOptions, type TUnion } from 'typebox';
import { ID_PATTERN, type IdPrefix } from '../lib/ids.ts';

export const IdParam = (prefix: IdPrefix) =>
  Type.Object(
    { id: Type.String({ pattern: ID_PATTERN(prefix) }) },
    { additionalProperties: false },
  );

export const Timestamp = Type.String({ format: 'date-time' });

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

/**
 * One of `names` (`anyOf` of `const`s, in their order): the API's enums spelled from the
 * registries and lists that own them (providers, schemes, statuses).
 */
export const Literals = <const T extends readonly [string, ...string[]]>(
  names: T,
  options?: TSchemaOptions,
) =>
  Type.Union(
    names.map((n) => Type.Literal(n)),
    options,
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    code: Type.String({ description: 'stable machine-readable error code' }),
    status: Type.Integer(),
    title: Type.String(),
    detail: Type.String(),
    request_id: Type.String(),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** Every route documents the problem responses it can give. */
export const problems = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]));

/** The query of every list route: `limit` and `cursor`, plus the route's own filters. */
export const ListQuery = <P extends Record<string, TSchema> = Record<never, TSchema>>(
  filters: P = {} as P,
) =>
  Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      cursor: Type.Optional(Type.String({ maxLength: 200 })),
      ...filters,
    },
    { additionalProperties: false },
  );

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
