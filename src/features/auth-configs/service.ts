import type { Db, DbOrTx } from '../../db/client.ts';
import { decodeCursor } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';
import type { CreateAuthConfigInput, UpdateAuthConfigInput } from './schemas.ts';
import { normalizeOauth2, normalizeReturnUrls, normalizeScopes } from './validate.ts';

const secretField = (tenantId: string, rowId: string) => ({
  tenantId,
  table: 'auth_configs',
  rowId,
  column: 'client_secret',
});

const last4 = (secret: string) => secret.slice(-4);

export function createAuthConfigService(deps: { db: Db; clock: Clock; dataKeys: DataKeyService }) {
  const { db, clock, dataKeys } = deps;

  async function create(tenantId: string, input: CreateAuthConfigInput) {
    // Everything is validated before anything is written.
    const scopes = normalizeScopes(input.provider, input.scopes);
    const oauth2 = normalizeOauth2(input.provider, input.oauth2);
    const allowedReturnUrls = normalizeReturnUrls(input.allowed_return_urls);
    const id = newId('ac');
    const now = clock.now();
    return repo.insertAuthConfig(db, {
      id,
      tenantId,
      name: input.name,
      provider: input.provider,
      clientId: input.client_id,
      clientSecretEnc: await dataKeys.encrypt(secretField(tenantId, id), input.client_secret),
      clientSecretLast4: last4(input.client_secret),
      clientSecretUpdatedAt: now,
      scopes,
      status: input.status ?? 'enabled',
      allowedReturnUrls,
      oauth2,
      createdAt: now,
      updatedAt: now,
    });
  }

  async function get(tenantId: string, id: string, tx: DbOrTx = db) {
    const row = await repo.getAuthConfig(tx, tenantId, id);
    if (!row) throw notFound('auth_config', id);
    return row;
  }

  const list = (tenantId: string, filter: repo.AuthConfigFilter, limit: number, cursor?: string) =>
    repo.listAuthConfigs(db, tenantId, filter, limit + 1, decodeCursor(cursor));

  async function update(tenantId: string, id: string, input: UpdateAuthConfigInput) {
    const current = await get(tenantId, id);
    const now = clock.now();
    const set: Partial<repo.AuthConfigInsert> = { updatedAt: now };
    if (input.name !== undefined) set.name = input.name;
    if (input.client_id !== undefined) set.clientId = input.client_id;
    if (input.status !== undefined) set.status = input.status;
    if (input.scopes !== undefined) set.scopes = normalizeScopes(current.provider, input.scopes);
    if (input.allowed_return_urls !== undefined)
      set.allowedReturnUrls = normalizeReturnUrls(input.allowed_return_urls);
    if (input.oauth2 !== undefined)
      set.oauth2 = normalizeOauth2(current.provider, input.oauth2, current.oauth2);
    if (input.client_secret !== undefined) {
      set.clientSecretEnc = await dataKeys.encrypt(secretField(tenantId, id), input.client_secret);
      set.clientSecretLast4 = last4(input.client_secret);
      set.clientSecretUpdatedAt = now;
    }
    const row = await repo.updateAuthConfig(db, tenantId, id, set);
    if (!row) throw notFound('auth_config', id);
    return row;
  }

  const setStatus = (tenantId: string, id: string, status: 'enabled' | 'disabled') =>
    update(tenantId, id, { status });

  async function remove(tenantId: string, id: string) {
    const row = await repo.deleteAuthConfig(db, tenantId, id);
    if (!row) throw notFound('auth_config', id);
  }

  /** The decrypted client secret, for the provider calls (never for a response). */
  const clientSecret = (row: repo.AuthConfigRow) =>
    dataKeys.decrypt(secretField(row.tenantId, row.id), row.clientSecretEnc);

  /** Ids among `ids` that do not exist in the tenant. */
  async function missingIds(tenantId: string, ids: string[], tx: DbOrTx = db) {
    const found = new Set(await repo.existingAuthConfigIds(tx, tenantId, ids));
    return ids.filter((i) => !found.has(i));
  }

  return { create, get, list, update, setStatus, remove, clientSecret, missingIds };
}

export type AuthConfigService = ReturnType<typeof createAuthConfigService>;
