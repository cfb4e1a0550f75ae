import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ID_PATTERN } from '../../lib/ids.ts';

/** The most records one import takes (a larger migration is split into several files). */
export const IMPORT_MAX_RECORDS = 10_000;
/** The largest import body: 10,000 records of a few hundred bytes each, with room. */
export const IMPORT_MAX_BYTES = 16 * 1024 * 1024;

export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), {
  maxItems: 20,
});

/**
 * The vault's own record (docs/moving.md#the-plain-record): what the other formats are read into
 * and what an export decrypts to.
 */
export const PlainRecord = Type.Object(
  {
    auth_config_id: Type.String({ pattern: ID_PATTERN('ac') }),
    user_id: Type.String({ minLength: 1, maxLength: 256 }),
    refresh_token: Type.String({ minLength: 1, maxLength: 8192 }),
    access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
    expires_at: Type.Optional(Type.String({ maxLength: 64 })),
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }))),
    cloud_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    consented_at: Type.Optional(Type.String({ maxLength: 64 })),
    external_id: Type.String({ minLength: 1, maxLength: 256 }),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type PlainRecord = Static<typeof PlainRecord>;

export const IMPORT_FORMATS = ['plain', 'nango', 'vault'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A record read, or why it could not be: a stable code and a detail that quotes no value. */
export type ReadRecord =
  | { ok: true; record: PlainRecord }
  | { ok: false; code: string; detail: string; externalId: string | null };

export interface ReadOptions {
  /** Nango's provider_config_key (or another vault's auth config id) → auth config id */
  configMap: Record<string, string>;
  /** the auth config of records that name none (Vault oauthapp credentials) */
  authConfigId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const dateText = (v: unknown) => {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v * 1000).toISOString();
  return str(v);
};
const scopeList = (v: unknown) =>
  Array.isArray(v)
    ? (v as unknown[]).filter((s): s is string => typeof s === 'string')
    : typeof v === 'string'
      ? v.split(/[\s,]+/).filter(Boolean)
      : undefined;

/** Which format a record is in, when the caller did not say: by the fields it carries. */
export function detectFormat(item: unknown): ImportFormat {
  if (isObject(item) && isObject(item.credentials) && 'provider_config_key' in item) return 'nango';
  if (isObject(item) && ('expire_time' in item || 'expiry' in item || 'name' in item))
    return 'vault';
  return 'plain';
}

/** Nango's connection export: `credentials` holds the tokens, `connection_id` is its id. */
function fromNango(item: Record<string, unknown>, opts: ReadOptions) {
  const creds = isObject(item.credentials) ? item.credentials : {};
  const raw = isObject(creds.raw) ? creds.raw : {};
  const cfg = isObject(item.connection_config) ? item.connection_config : {};
  const endUser = isObject(item.end_user) ? item.end_user : {};
  const key = str(item.provider_config_key);
  const connectionId = str(item.connection_id);
  return {
    auth_config_id: key !== undefined ? opts.configMap[key] : undefined,
    user_id: str(endUser.id) ?? connectionId,
    refresh_token: str(creds.refresh_token),
    access_token: str(creds.access_token),
    expires_at: dateText(creds.expires_at),
    scopes: scopeList(raw.scope),
    cloud_id: str(cfg.cloudId) ?? str(cfg.cloud_id),
    consented_at: dateText(item.created_at),
    external_id: connectionId,
    tags: Array.isArray(item.tags) ? item.tags : undefined,
  };
}

/** Vault's oauthapp credential: its name is the id; `expire_time` (RFC 3339) or `expiry`. */
function fromVault(item: Record<string, unknown>, opts: ReadOptions) {
  const name = str(item.name) ?? str(item.external_id);
  return {
    auth_config_id: str(item.auth_config_id) ?? opts.authConfigId,
    user_id: str(item.user_id) ?? name,
    refresh_token: str(item.refresh_token),
    access_token: str(item.access_token),
    expires_at: dateText(item.expire_time ?? item.expiry),
    scopes: scopeList(item.scopes),
    cloud_id: str(item.cloud_id),
    consented_at: dateText(item.consented_at),
    external_id: name,
    tags: Array.isArray(item.tags) ? item.tags : undefined,
  };
}

const dropUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The first field of the plain record that fails its schema (its path, never its value). */
function firstError(candidate: unknown): string {
  for (const e of Value.Errors(PlainRecord, candidate)) {
    const path = (e as { instancePath?: string }).instancePath ?? '';
    const field = path.replace(/^\//, '').replace(/\//g, '.') || 'record';
    return `${field}: ${e.message}`;
  }
  return 'record: invalid';
}

/** One input item as a plain record, or the reason it is not one. */
export function readRecord(item: unknown, format: ImportFormat, opts: ReadOptions): ReadRecord {
  if (!isObject(item)) {
    return { ok: false, code: 'invalid_record', detail: 'not a JSON object', externalId: null };
  }
  let candidate: Record<string, unknown> = item;
  if (format === 'nango') candidate = dropUndefined(fromNango(item, opts));
  else if (format === 'vault') candidate = dropUndefined(fromVault(item, opts));
  else if (candidate.auth_config_id === undefined && opts.authConfigId)
    candidate = { ...candidate, auth_config_id: opts.authConfigId };
  // Another vault's config ids (an export's records) are mapped to this vault's by config_map too.
  const named = candidate.auth_config_id;
  if (format !== 'nango' && typeof named === 'string' && Object.hasOwn(opts.configMap, named))
    candidate = { ...candidate, auth_config_id: opts.configMap[named] };
  const externalId = typeof candidate.external_id === 'string' ? candidate.external_id : null;
  if (format === 'nango' && candidate.auth_config_id === undefined) {
    return {
      ok: false,
      code: 'config_not_mapped',
      detail: 'provider_config_key is not in config_map',
      externalId,
    };
  }
  if (!Value.Check(PlainRecord, candidate))
    return { ok: false, code: 'invalid_record', detail: firstError(candidate), externalId };
  for (const field of ['expires_at', 'consented_at'] as const) {
    const v = candidate[field];
    if (typeof v === 'string' && Number.isNaN(Date.parse(v))) {
      return { ok: false, code: 'invalid_record', detail: `${field}: not a date`, externalId };
    }
  }
  return { ok: true, record: candidate as PlainRecord };
}

/** An NDJSON body: one value per line (blank lines skipped); a line that is not JSON is `null`. */
export function parseNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(null);
    }
  }
  return out;
}

/** `key=ac_…,key2=ac_…` (the config_map query parameter) as a record. */
export function parseConfigMap(text: string | undefined): Record<string, string> | string {
  const map: Record<string, string> = {};
  if (!text) return map;
  for (const pair of text.split(',')) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) return 'config_map: expected key=auth_config_id pairs separated by commas';
    map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return map;
}
