import type { ApiKeyRow } from '../../db/schema/index.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Principal, Role } from '../../lib/principal.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { InternalError, badRequest, notFound } from '../../lib/errors.ts';
import * as repo from './repo.ts';
import { hashApiKey, hashMatches, newApiKey, parseApiKey } from './secrets.ts';

export interface ApiKeyDeps {
  db: Db;
  clock: Clock;
  /** the ids among `ids` that are not auth configs of the tenant (service keys' allow-list) */
  missingAuthConfigIds(tenantId: string, ids: string[], tx?: DbOrTx): Promise<string[]>;
}

export interface CreateKeyInput {
  tenantId: string | null;
  role: Role;
  name: string;
  authConfigIds?: string[] | null;
}

export function createApiKeyService(deps: ApiKeyDeps) {
  const { db, clock } = deps;

  async function createKey(input: CreateKeyInput, tx: DbOrTx = db) {
    if ((input.role === 'operator') !== (input.tenantId === null))
      throw new InternalError(
        'api_key_scope_invalid',
        'operator keys, and only they, have no tenant',
      );
    if (input.authConfigIds && input.authConfigIds.length === 0) {
      // An empty allow-list would read as "every config": refuse it rather than guess.
      throw badRequest(
        'invalid_request',
        'body.auth_config_ids must list at least one auth config (omit it for a key limited to none of them: all)',
      );
    }
    if (input.role !== 'service' && input.authConfigIds?.length) {
      throw badRequest('invalid_request', 'body.auth_config_ids applies to service keys only');
    }
    if (input.tenantId && input.authConfigIds?.length) {
      const missing = await deps.missingAuthConfigIds(input.tenantId, input.authConfigIds, tx);
      if (missing.length) {
        throw badRequest(
          'auth_config_not_found',
          `body.auth_config_ids: ${missing.join(', ')} not found`,
        );
      }
    }
    const { id, token } = newApiKey(clock.now());
    const row = await repo.insertApiKey(tx, {
      id,
      tenantId: input.tenantId,
      role: input.role,
      name: input.name,
      secretHash: hashApiKey(token),
      authConfigIds: input.authConfigIds?.length ? [...new Set(input.authConfigIds)] : null,
    });
    return { row, token };
  }

  /**
   * Provisions a key whose token the operator chose in advance (VAULT_BOOTSTRAP_*_KEY), once. A key
   * id that existed before is never inserted again: a revoked key stays revoked, a key deleted
   * with its tenant stays deleted, and an existing key keeps the tenant it was made for.
   */
  async function ensureBootstrapKey(
    token: string,
    input: { tenantId: string | null; role: Role; name: string },
    tx: DbOrTx = db,
  ): Promise<
    | { outcome: 'created' | 'exists'; row: ApiKeyRow }
    | { outcome: 'revoked' | 'deleted' | 'secret_mismatch' | 'elsewhere'; row?: ApiKeyRow }
  > {
    const parsed = parseApiKey(token);
    if (!parsed)
      throw badRequest(
        'invalid_api_key_format',
        'a bootstrap key must look like cvk_<26 chars>_<43+ chars>; generate one with `npm run keys -- generate`',
      );
    const existing = await repo.findApiKeyById(tx, parsed.id);
    if (existing) {
      if (existing.revokedAt) return { outcome: 'revoked', row: existing };
      if (!hashMatches(token, existing.secretHash))
        return { outcome: 'secret_mismatch', row: existing };
      if (existing.tenantId !== input.tenantId || existing.role !== input.role)
        return { outcome: 'elsewhere', row: existing };
      return { outcome: 'exists', row: existing };
    }
    if (await repo.isTombstoned(tx, parsed.id)) return { outcome: 'deleted' };
    const row = await repo.insertApiKey(tx, {
      id: parsed.id,
      tenantId: input.tenantId,
      role: input.role,
      name: input.name,
      secretHash: hashApiKey(token),
      authConfigIds: null,
      bootstrap: true,
    });
    return { outcome: 'created', row };
  }

  /** Revokes the bootstrap operator keys other than `keepId` (the one configured now). */
  async function revokeOtherBootstrapOperators(keepId: string, tx: DbOrTx = db) {
    const revoked = await repo.revokeBootstrapOperatorKeysExcept(tx, keepId, clock.now());
    for (const r of revoked) forget(r.id);
    return revoked;
  }

  // Verified keys are remembered briefly so the hot path does not query for the key on every call.
  // Only successes are cached (keyed by the token's hash); a revocation here drops the entry at
  // once, and other replicas stop accepting the key within AUTH_CACHE_MS.
  const AUTH_CACHE_MS = 10_000;
  const verified = new Map<string, { principal: Principal; until: number }>();

  async function authenticate(token: string): Promise<Principal | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const hash = hashApiKey(token);
    const hit = verified.get(hash);
    if (hit && hit.until > clock.now().getTime()) return hit.principal;
    const row = await repo.findApiKeyById(db, parsed.id);
    if (!row || row.revokedAt || !hashMatches(token, row.secretHash)) return null;
    const principal: Principal = {
      keyId: row.id,
      tenantId: row.tenantId,
      role: row.role,
      authConfigIds: row.authConfigIds,
    };
    if (verified.size > 10_000) verified.clear();
    verified.set(hash, { principal, until: clock.now().getTime() + AUTH_CACHE_MS });
    return principal;
  }

  async function getKey(tenantId: string, id: string) {
    const row = await repo.getApiKey(db, tenantId, id);
    if (!row) throw notFound('api_key', id);
    return row;
  }

  const listKeys = (tenantId: string, page: PageRequest) =>
    repo.listApiKeys(db, tenantId, page.limit, page.cursor);

  const forget = (keyId: string) => {
    for (const [hash, v] of verified) if (v.principal.keyId === keyId) verified.delete(hash);
  };

  /** Drops cached verifications of a deleted tenant's keys. */
  function forgetTenant(tenantId: string) {
    for (const [hash, v] of verified) if (v.principal.tenantId === tenantId) verified.delete(hash);
  }

  async function revokeKey(tenantId: string, id: string) {
    forget(id);
    const row = await repo.revokeApiKey(db, tenantId, id, clock.now());
    if (row) return row;
    return getKey(tenantId, id); // already revoked: idempotent, or 404
  }

  /** Revokes any key by id, operator keys included (CLI, operator routes); idempotent. */
  async function revokeAnyKey(id: string) {
    for (const [hash, v] of verified) if (v.principal.keyId === id) verified.delete(hash);
    const row =
      (await repo.revokeApiKeyById(db, id, clock.now())) ?? (await repo.findApiKeyById(db, id));
    if (!row) throw notFound('api_key', id);
    return row;
  }

  return {
    createKey,
    revokeAnyKey,
    ensureBootstrapKey,
    revokeOtherBootstrapOperators,
    tombstoneTenantKeys: (tenantId: string, tx: DbOrTx) =>
      repo.tombstoneTenantKeys(tx, tenantId, clock.now()),
    getOperatorKey: (id: string) => repo.getOperatorKey(db, id),
    listOperatorKeys: (page: PageRequest) => repo.listOperatorKeys(db, page.limit, page.cursor),
    authenticate,
    getKey,
    listKeys,
    revokeKey,
    forgetTenant,
    hasOperatorKey: () => repo.hasOperatorKey(db),
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
