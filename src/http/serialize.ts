import type { TSchema } from 'typebox';

/**
 * A JSON serializer compiled once from a flat object response schema: its fields in schema order,
 * each written by a function chosen for its type, nothing else (a field the schema does not name
 * is never written, as with the schema-driven serializer it stands in for). For the hot routes
 * (the token endpoints): fastify's serializer picks a branch of every nullable field (`anyOf`) by
 * running a validator per field per response, format checks included; here `null` is one
 * comparison. Shapes it does not know (nested objects, unions other than "T or null", numbers
 * that are not integers) make it throw when it is compiled, at start, never at a request.
 */
type Encode = (v: unknown, key: string) => string;

interface Field {
  key: string;
  /** `,"key":` (`"key":` for the schema's first field) */
  prefix: string;
  /** `"key":`, for the first field written when fields before it were absent */
  bare: string;
  required: boolean;
  encode: Encode;
}

const wrongType = (key: string, want: string, v: unknown) =>
  new TypeError(`response field ${key} must be ${want}, got ${v === null ? 'null' : typeof v}`);

const encodeString: Encode = (v, key) => {
  if (typeof v === 'string') return JSON.stringify(v);
  throw wrongType(key, 'a string', v);
};
const encodeDateTime: Encode = (v, key) =>
  v instanceof Date ? JSON.stringify(v.toISOString()) : encodeString(v, key);
const encodeInteger: Encode = (v, key) => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(Math.trunc(v));
  throw wrongType(key, 'an integer', v);
};
const encodeBoolean: Encode = (v, key) => {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw wrongType(key, 'a boolean', v);
};
const encodeStrings: Encode = (v, key) => {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return JSON.stringify(v);
  throw wrongType(key, 'an array of strings', v);
};

function encoderOf(schema: TSchema, where: string): Encode {
  const s = schema as {
    type?: string;
    format?: string;
    anyOf?: TSchema[];
    items?: { type?: string };
  };
  if (s.anyOf) {
    const rest = s.anyOf.filter((x) => (x as { type?: string }).type !== 'null');
    if (rest.length !== 1 || s.anyOf.length !== 2)
      throw new Error(`${where}: only "T or null" unions are supported`);
    const inner = encoderOf(rest[0]!, where);
    return (v, key) => (v === null ? 'null' : inner(v, key));
  }
  switch (s.type) {
    case 'string':
      return s.format === 'date-time' ? encodeDateTime : encodeString;
    case 'integer':
      return encodeInteger;
    case 'boolean':
      return encodeBoolean;
    case 'null':
      return (v, key) => {
        if (v === null) return 'null';
        throw wrongType(key, 'null', v);
      };
    case 'array':
      if (s.items?.type === 'string') return encodeStrings;
  }
  throw new Error(`${where}: a field of this shape is not supported (${JSON.stringify(schema)})`);
}

/** The serializer of `schema` (an object of flat fields); throws now if a field is not supported. */
export function compileObjectSerializer(schema: TSchema): (value: object) => string {
  const s = schema as {
    type?: string;
    properties?: Record<string, TSchema>;
    required?: string[];
  };
  if (s.type !== 'object' || !s.properties) throw new Error('an object schema is needed');
  const required = new Set(s.required ?? []);
  const fields: Field[] = Object.entries(s.properties).map(([key, field], i) => ({
    key,
    prefix: `${i === 0 ? '' : ','}${JSON.stringify(key)}:`,
    bare: `${JSON.stringify(key)}:`,
    required: required.has(key),
    encode: encoderOf(field, `response field ${key}`),
  }));
  return (value) => {
    const o = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const f of fields) {
      const v = o[f.key];
      if (v === undefined) {
        if (f.required) throw new TypeError(`response field ${f.key} is required`);
        continue;
      }
      out += first ? f.bare : f.prefix;
      out += f.encode(v, f.key);
      first = false;
    }
    return `${out}}`;
  };
}
