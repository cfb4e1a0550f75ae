// fast-check arbitraries derived from the vault's OpenAPI document: valid-ish values for a JSON
// schema, and the malformed, oversized and unicode-heavy mutations the API fuzz test sends.
import fc, { type Arbitrary } from 'fast-check';

export interface JsonSchema {
  type?: string;
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  uniqueItems?: boolean;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** Text spliced verbatim into a JSON body: what JSON.stringify cannot say (-0, 1e400, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

export const toJson = (v: unknown): string => {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
};

/** Sets a key as an own property, even `__proto__`. */
const put = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

export interface IdPools {
  /** the calling tenant's real ids by prefix, and another tenant's */
  own: Record<string, string[]>;
  foreign: Record<string, string[]>;
  /** real connect-link tokens (JWTs) */
  tokens: string[];
  /** every generated client_secret that was sent: none may come back */
  sentSecrets: Set<string>;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const HEX = '0123456789abcdef';
// FIXED (found by this test): U+0000 (here, in oversized and in fc's 'binary' strings) fails every PostgreSQL text write
// or filter with a 500, and lone surrogates (\ud800…\udfff) fail the jsonb column auth_configs.oauth2:
// the per-route fuzz of those routes stops at its first such value (see knownBugs in setup.ts).
// prettier-ignore
const EDGE = [
  '\u0000', '\u0001', '\u202e', '\u200f', '\u200b', '\ufeff', '\ud800', '\udbff', '\udc00',
  '\udfff', '\ud83d\ude00', '💩', '👨‍👩‍👧‍👦', '🏳️‍🌈', 'Z̤͔ͧ̑̓ä̖̭̈̇', '\u2028', '\u2029', '\r\n', '\t', '\\',
  '"', "'", '<script>', '&amp;', '%00', '%s', '${x}', '{{x}}', '\u0085', '\uffff', '\ufffe', '𝕏',
  'ﷺ', 'İ', 'e\u0301', ' ', '../', '; drop table auth_configs; --',
];
const clamp = (n: number | undefined, d: number) => Math.min(n ?? d, d);

export const unicodeHeavy: Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.array(fc.constantFrom(...EDGE), { minLength: 1, maxLength: 20 }).map((a) => a.join('')),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...EDGE), fc.string({ maxLength: 8 }))
    .map((p) => p.join('')),
);

/** 10k–70k UTF-16 units: below and beyond the 64 KB body limit; slicing may split a surrogate. */
export const oversized: Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.constantFrom('a', '💩', '\u0000', 'é', '\ud800'), unicodeHeavy),
    fc.integer({ min: 10_000, max: 70_000 }),
  )
  .map(([u, n]) => u.repeat(Math.ceil(n / u.length)).slice(0, n));

// prettier-ignore
export const extremeNumber: Arbitrary<unknown> = fc.constantFrom(
  1e308, -1e308, 5e-324, 0.5, -1, 3301, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER,
  new Raw('-0'), new Raw('9007199254740993'), new Raw('1e400'), new Raw('-1e400'),
  new Raw('1.0'), new Raw('1E2'), new Raw('60.0000000000000001'), '60', '',
);

const deepNesting: Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => new Raw(open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)));

const hugeArray: Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 101, max: 30_000 }), fc.constantFrom<unknown>(0, 'x', null, {}, []))
  .map(([n, v]) => Array<unknown>(n).fill(v));

const protoPollution = fc.constantFrom(
  new Raw('{"__proto__":{"role":"operator"}}'),
  new Raw('{"constructor":{"prototype":{"admin":true}}}'),
  new Raw('{"a":1,"a":2}'),
);

export const wrongType: Arbitrary<unknown> = fc.oneof(
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
  fc.string({ maxLength: 10 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

export const nasty: Arbitrary<unknown> = fc.oneof(
  unicodeHeavy,
  oversized,
  extremeNumber,
  deepNesting,
  hugeArray,
  protoPollution,
  wrongType,
);

const randomId = (prefix: string) =>
  fc
    .string({ unit: fc.constantFrom(...ALPHABET), minLength: 26, maxLength: 26 })
    .map((s) => `${prefix}_${s}`);

const pick = (ids: string[] | undefined): Arbitrary<string>[] =>
  ids?.length ? [fc.constantFrom(...ids)] : [];

/** An id of the right shape: the caller's own, another tenant's, or one that does not exist. */
export const idValue = (prefix: string, pools: IdPools): Arbitrary<string> =>
  fc.oneof(...pick(pools.own[prefix]), ...pick(pools.foreign[prefix]), randomId(prefix));

const allIds = (pools: IdPools) =>
  [...Object.values(pools.own), ...Object.values(pools.foreign)].flat();

/** Ids of the wrong shape or prefix, already encoded for a path segment (some deliberately malformed). */
const badSegment = (pools: IdPools): Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...allIds(pools)).map(enc),
    fc.constantFrom(...allIds(pools)).map((id) => enc(id.toUpperCase())),
    fc.constantFrom(...allIds(pools)).map((id) => `${id.slice(0, -1)}${enc('\u0430')}`),
    fc
      .oneof(unicodeHeavy, fc.string())
      .filter((s) => s.length > 0)
      .map((s) => enc(s)),
    fc.constantFrom(
      '%00',
      '..',
      '%2e%2e',
      '%2F',
      'a%2Fb',
      '+',
      '%20',
      '%3F',
      '%23',
      ';x',
      'ac_%2A',
    ),
  );

/**
 * Segments the router refuses before any route runs: escapes that do not decode (truncated, not hex,
 * or invalid UTF-8: overlong, surrogate, beyond U+10FFFF) and segments over `maxParamLength`.
 */
// prettier-ignore
export const ROUTER_REJECTED = [
  '%', '%zz', '%E0%A4%A', 'ac_%', '%%', '%g0', 'a%2', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', '%FF%FE',
  'x'.repeat(2049), `ac_${'0'.repeat(2100)}`,
];

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Connect-link tokens: real ones (single use), tampered ones, and forged JWTs. */
const tokenSegment = (pools: IdPools): Arbitrary<string> => {
  const real = pools.tokens.length ? pools.tokens : ['x'.repeat(40)];
  return fc.oneof(
    fc.constantFrom(...real),
    fc
      .tuple(fc.constantFrom(...real), fc.nat(), fc.constantFrom(...ALPHABET))
      .map(([t, i, c]) => t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1)),
    fc.constantFrom(...real).map((t) => t.split('.').slice(0, 2).join('.') + '.'),
    fc
      .record({ sub: fc.string(), tid: fc.string(), jti: fc.string(), exp: extremeNumber })
      .map((p) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(p)}.`),
    fc.string({ minLength: 20, maxLength: 200 }).map(enc),
    badSegment(pools),
  );
};

/** A path segment for a `{name}` parameter whose schema may carry an id pattern. */
export const pathSegment = (schema: JsonSchema | undefined, pools: IdPools): Arbitrary<string> => {
  const prefix = /^\^([a-z]+)_\[/.exec(schema?.pattern ?? '')?.[1];
  if (!prefix) return tokenSegment(pools);
  return fc.oneof(
    { weight: 6, arbitrary: idValue(prefix, pools) },
    { weight: 3, arbitrary: badSegment(pools) },
  );
};

// prettier-ignore
const SCOPES = ['read:jira-work', 'read:jira-user', 'write:jira-work', 'read:confluence-content.all'];
// prettier-ignore
const BAD_SCOPES = ['offline_access', 'read:me', 'read:jira-work ', 'READ:JIRA-WORK', 'nope:x', 'read:jira-wrok'];
// prettier-ignore
const HOSTS = [
  'app.example.com', 'hooks.example.com', '127.0.0.1', '[::1]', '10.0.0.1', '169.254.169.254',
  'localhost', 'exämple.com', 'xn--exmple-cua.com', '0x7f000001', 'a.atlassian.net',
];
/** The return URL the seeded auth configs allow (so that some account requests succeed). */
export const ALLOWED_URL = 'https://app.example.com/connected';
const anyUrl: Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'javascript:', 'HTTPS://', 'ftp://', '//'),
    fc.constantFrom(...HOSTS),
    fc.constantFrom('', ':443', ':0', ':99999', '@evil.example'),
    fc.oneof(
      fc.constantFrom('/', '/connected', '/a?b=c', '/%2e%2e/', '/#frag'),
      unicodeHeavy.map((s) => `/${s}`),
    ),
  )
  .map((p) => p.join(''));
export const url: Arbitrary<string> = fc.oneof(
  fc.constant(ALLOWED_URL),
  fc.oneof(unicodeHeavy, fc.string()).map((q) => `${ALLOWED_URL}?q=${q}`),
  anyUrl,
);

/** Unicode-heavy text that still fits the length bounds (in code points, as ajv counts). */
const unicodeFit = (min: number, max: number) =>
  unicodeHeavy.map((u) => [...u.padEnd(min, '\u202e')].slice(0, max).join(''));

const ascii = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });

/** A value that mostly satisfies the schema (the field name refines strings: secrets, URLs, scopes). */
export function validish(
  s: JsonSchema,
  ctx: { resolve: (s: JsonSchema) => JsonSchema; pools: IdPools },
  name = '',
): Arbitrary<unknown> {
  s = ctx.resolve(s);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => validish(v, ctx, name)));
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum, max: s.maximum, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = validish(s.items ?? {}, ctx, name);
      const c = { minLength: s.minItems ?? 0, maxLength: clamp(s.maxItems, 4) };
      return s.uniqueItems ? fc.uniqueArray(item, { ...c, selector: toJson }) : fc.array(item, c);
    }
    case 'object': {
      const props = s.properties ?? {};
      const rec = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, p]) => [k, validish(p, ctx, k)])),
        { requiredKeys: s.required ?? [] },
      );
      if (typeof s.additionalProperties !== 'object') return rec;
      const dict = fc.dictionary(ascii(1, 12), validish(s.additionalProperties, ctx), {
        maxKeys: 3,
      });
      return fc.tuple(rec, dict).map(([r, d]) => ({ ...d, ...r }));
    }
    case 'string':
    default: {
      const prefix = /^\^([a-z]+)_\[/.exec(s.pattern ?? '')?.[1];
      if (prefix) return idValue(prefix, ctx.pools);
      if (name === 'client_secret')
        return fc
          .string({ unit: fc.constantFrom(...HEX), minLength: 24, maxLength: 32 })
          .map((x) => `fz-secret-${x}`);
      if (/url/.test(name) || s.pattern?.startsWith('^https?')) return url;
      if (name === 'scopes')
        return fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...SCOPES) },
          fc.constantFrom(...BAD_SCOPES),
        );
      if (s.format === 'date-time')
        return fc.oneof(
          fc
            .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
            .map((d) => d.toISOString()),
          // FIXED (found by this test): year 0000 and a leap second (:60) pass ajv's date-time format and then fail
          // GET /v1/audit-events?since=|until= with a 500 (see knownBugs in setup.ts).
          // prettier-ignore
          fc.constantFrom('2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2016-12-31T23:59:60Z', '2024-01-01T00:00:00+14:00', '2024-01-01'),
        );
      const max = clamp(s.maxLength, 40);
      if (s.pattern === '^[\\x21-\\x7e]+$') return ascii(Math.max(1, s.minLength ?? 1), max);
      const min = s.minLength ?? 0;
      const str = fc.oneof(
        fc.string({ unit: 'grapheme', minLength: min, maxLength: max }),
        unicodeFit(min, max),
      );
      return s.pattern === '\\S' ? str.map((x) => (/\S/.test(x) ? x : `x${x}`.slice(0, max))) : str;
    }
  }
}

/** Valid-ish values, their mutations (missing, unknown, wrongly typed or nasty fields) and nasty values. */
export function fuzzValue(
  s: JsonSchema,
  ctx: Parameters<typeof validish>[1],
  name = '',
  depth = 0,
): Arbitrary<unknown> {
  s = ctx.resolve(s);
  const valid = validish(s, ctx, name);
  const mutated = (): Arbitrary<unknown> => {
    if (s.type === 'object' && s.properties && depth < 2) {
      const keys = Object.keys(s.properties);
      const extraKey = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        // prettier-ignore
        fc.constantFrom('id', 'tenant_id', '__proto__', 'constructor', 'client_secret_enc', 'role', 'NAME', `${keys[0]}\u0000`),
      );
      const oneField = fc.oneof(
        ...keys.map((k) =>
          fc.tuple(fc.constant(k), fuzzValue(s.properties![k]!, ctx, k, depth + 1)),
        ),
      );
      const extraValue = fc.oneof(nasty, fc.jsonValue({ maxDepth: 1 }));
      const copy = (base: unknown, drop: string[], set: [string, unknown][]) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(base as object)) if (!drop.includes(k)) put(o, k, v);
        for (const [k, v] of set) put(o, k, v);
        return o;
      };
      return fc.oneof(
        fc.tuple(valid, oneField).map(([b, f]) => copy(b, [], [f])),
        fc.tuple(valid, fc.constantFrom(...keys)).map(([b, k]) => copy(b, [k], [])),
        fc.tuple(valid, extraKey, extraValue).map(([b, k, v]) => copy(b, [], [[k, v]])),
        fc
          .record({
            base: valid,
            drop: fc.subarray(keys),
            set: fc.array(
              fc.oneof(
                ...keys.map((k) =>
                  fc.tuple(fc.constant(k), fuzzValue(s.properties![k]!, ctx, k, depth + 1)),
                ),
              ),
              { maxLength: 3 },
            ),
            extra: fc.array(fc.tuple(extraKey, fc.oneof(nasty, fc.jsonValue({ maxDepth: 1 }))), {
              maxLength: 2,
            }),
          })
          .map(({ base, drop, set, extra }) => copy(base, drop, [...set, ...extra])),
      );
    }
    if (s.type === 'array')
      return fc.oneof(
        fc.array(fuzzValue(s.items ?? {}, ctx, name, depth + 1), { maxLength: 5 }),
        valid.map((a) => [...(a as unknown[]), ...(a as unknown[])]), // duplicates
      );
    if (s.type === 'string') {
      const lengths = [s.maxLength, s.maxLength !== undefined ? s.maxLength + 1 : undefined, 0, 1];
      return fc.oneof(
        unicodeFit(s.minLength ?? 0, clamp(s.maxLength, 60)),
        fc
          .constantFrom(...lengths.filter((n) => n !== undefined))
          .chain((n) => fc.constantFrom('a', '💩', 'e\u0301', ' ').map((c) => c.repeat(n))),
        fc.constantFrom(...allIds(ctx.pools)).map((id) => id.replace(/^[a-z]+_/, 'xx_')),
      );
    }
    return extremeNumber;
  };
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 3, arbitrary: mutated() },
    { weight: 2, arbitrary: nasty },
  );
}

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, where encodeURIComponent throws). */
export const enc = (s: string): string =>
  Buffer.from(s)
    .toString('latin1')
    .replace(
      /[^A-Za-z0-9\-_.~]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );

export interface Param {
  name: string;
  schema: JsonSchema;
}

/** A query string: schema-derived values, nasty ones, unknown and repeated keys, broken escapes. */
export function queryArb(params: Param[], ctx: Parameters<typeof validish>[1]): Arbitrary<string> {
  const value = (p: Param) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: validish(p.schema, ctx, p.name).map((v) =>
          v instanceof Raw ? v.text : String(v),
        ),
      },
      { weight: 2, arbitrary: fc.oneof(unicodeHeavy, oversized) },
      { weight: 1, arbitrary: extremeNumber.map((v) => (v instanceof Raw ? v.text : String(v))) },
    );
  const unknown = fc.tuple(
    fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('__proto__', 'limit[]', 'constructor[prototype][x]'),
    ),
    fc.string({ maxLength: 10 }),
  );
  const pairs = fc.array(
    fc.oneof(...params.map((p) => fc.tuple(fc.constant(p.name), value(p))), unknown),
    {
      maxLength: 4,
    },
  );
  const raw = fc.constantFrom(
    '%',
    '%zz',
    'limit=%E0%A4%A',
    '&&&',
    '=',
    'a=%00',
    'limit=1&limit=2',
    'cursor=%ED%A0%80',
    'since=%FF',
  );
  return fc.tuple(pairs, fc.option(raw, { freq: 5 })).map(([ps, r]) => {
    const all = ps.map(([k, v]) => `${enc(k)}=${enc(v)}`).concat(r ? [r] : []);
    return all.length ? `?${all.join('&')}` : '';
  });
}

export interface Payload {
  kind: string;
  payload?: string | Buffer;
  contentType?: string;
}

const JSON_CT = 'application/json';
// prettier-ignore
const NOT_JSON = [
  '{', '{"a":', 'nul', 'undefined', '{}x', "{'a':1}", '{"a":1,}', '/* c */{}', 'NaN', '{"a":NaN}',
  '{"min_ttl":Infinity}', '\ufeff{}', '\u0000', '"\\ud800"', '{"a":"\\u0000"}', '[1,2', ' ', 'null',
  '[]', '"str"', '123', 'true', '{"a":"\\x41"}',
];
// prettier-ignore
const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'APPLICATION/JSON', 'application/vnd.api+json', 'application/problem+json', '',
  'application/json, text/plain', 'text/html; charset=utf-8', 'application/json;;;',
];

/** A request body: JSON from the schema's fuzz values, or broken JSON, a wrong content type, none, too big, bad UTF-8. */
export function bodyArb(
  schema: JsonSchema | undefined,
  ctx: Parameters<typeof validish>[1],
): Arbitrary<Payload> {
  const value = schema
    ? fuzzValue(schema, ctx)
    : fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 }), nasty);
  const p = (kind: string, payload?: string | Buffer, contentType?: string): Payload => ({
    kind,
    payload,
    contentType,
  });
  const valid = schema
    ? [{ weight: 5, arbitrary: validish(schema, ctx).map((v) => p('valid', toJson(v), JSON_CT)) }]
    : [];
  return fc.oneof(
    ...valid,
    { weight: schema ? 10 : 1, arbitrary: value.map((v) => p('json', toJson(v), JSON_CT)) },
    { weight: schema ? 1 : 8, arbitrary: fc.constant(p('none')) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom(...NOT_JSON), fc.string({ unit: 'binary', maxLength: 50 }))
        .map((s) => p('not-json', s, JSON_CT)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(value, fc.constantFrom(...CONTENT_TYPES))
        .map(([v, ct]) => p('content-type', toJson(v), ct)),
    },
    { weight: 1, arbitrary: value.map((v) => p('no-content-type', toJson(v))) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 65_300, max: 200_000 })
        .map((n) => p('too-big', `{"name":"${'a'.repeat(n)}"}`, JSON_CT)),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map((b) =>
          p(
            'bad-utf8',
            Buffer.concat([Buffer.from('{"name":"'), Buffer.from(b), Buffer.from('"}')]),
            JSON_CT,
          ),
        ),
    },
  );
}

export const requestIdArb: Arbitrary<string> = fc.oneof(
  ascii(1, 80),
  fc.constantFrom(
    'trace-12345678',
    'a'.repeat(65),
    '../../../../etc',
    '<script>alert(1)</script>',
    'req_x',
  ),
);

interface Operation {
  security?: unknown[];
  parameters?: (Param & { in: string })[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
export interface Route {
  key: string;
  method: string;
  path: string;
  public: boolean;
  body?: JsonSchema;
  pathParams: Param[];
  query: Param[];
}

/** Every operation of an OpenAPI document, with a resolver for its `$ref`s to components. */
export function readRoutes(doc: {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}) {
  const resolve = (s: JsonSchema): JsonSchema =>
    s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s;
  const routes: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([m, op]) => ({
      key: `${m.toUpperCase()} ${path}`,
      method: m.toUpperCase(),
      path,
      public: !op.security?.length,
      body: op.requestBody?.content['application/json']?.schema,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path'),
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
    })),
  );
  return { routes, resolve };
}
