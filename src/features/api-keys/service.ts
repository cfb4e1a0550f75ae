import type { ApiKeyRow } from '../../db/schema/index.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Role } from '../../lib/principal.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Change, ChangeFeed } from '../../db/changes.ts';
import type { Clock } from '../../lib/clock.ts';
import { InternalError, badRequest, conflict, notFound } from '../../lib/errors.ts';
import { validatePolicy, type Policy } from '../policies/policy.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import * as repo from './repo.ts';
import { hashApiKey, hashMatches, newApiKey, parseApiKey } from './secrets.ts';
import { createKeyVerifier } from './verification.ts';

export interface ApiKeyDeps {
  db: Db;
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  /** announced changes (revocations, new keys): the verification cache follows them */
  changes?: Pick<ChangeFeed, 'live' | 'subscribed' | 'subscribe'>;
  cache?: { maxEntries: number; maxAgeMs: number };
  /** tells this process's caches of a change it made, after the commit */
  announce?: (c: Change) => void;
  /** counts key lookups that reach the database (cv_api_key_lookups_total) */
  onLookup?: () => void;
  /** loading the ids of usable keys failed (it is retried; meanwhile every unknown key is looked up) */
  onError?: (err: unknown) => void;
  /** the ids among `ids` that are not auth configs of the tenant (service keys' allow-list) */
  missingAuthConfigIds(tenantId: string, ids: string[], tx?: DbOrTx): Promise<string[]>;
}

export interface CreateKeyInput {
  tenantId: string | null;
  role: Role;
  name: string;
  authConfigIds?: string[] | null;
  /** service keys only; null or absent: none (everything the role allows) */
  policy?: Policy | null;
}

/** What an admin may change on a key: its name, a service key's policy (null: none). */
export interface UpdateKeyInput {
  name?: string;
  policy?: Policy | null;
}

export function createApiKeyService(deps: ApiKeyDeps) {
  const { db, clock } = deps;
  const verifier = createKeyVerifier(deps);
  const { forget, announceKey } = verifier;

  /** A new key, inside `tx` (the admin change's, or the bootstrap's own). */
  async function insertKey(tx: DbOrTx, input: CreateKeyInput) {
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
    if (input.policy && input.role !== 'service') {
      throw badRequest('invalid_request', 'body.policy applies to service keys only');
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
      policy: input.policy ? validatePolicy(input.policy) : null,
    });
    announceKey(row);
    return { row, token };
  }

  const createKey = (input: CreateKeyInput, change: ChangeContext) =>
    deps.commitChange(
      change,
      ({ tx }) => insertKey(tx, input),
      (r) => r.row.id,
    );

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
    announceKey(row);
    return { outcome: 'created', row };
  }

  /** Revokes the bootstrap operator keys other than `keepId` (the one configured now). */
  async function revokeOtherBootstrapOperators(keepId: string, tx: DbOrTx = db) {
    const revoked = await repo.revokeBootstrapOperatorKeysExcept(tx, keepId, clock.now());
    for (const r of revoked) forget({ id: r.id, tenantId: null });
    return revoked;
  }

  async function getKey(tenantId: string, id: string) {
    const row = await repo.getApiKey(db, tenantId, id);
    if (!row) throw notFound('api_key', id);
    return row;
  }

  const listKeys = (tenantId: string, page: PageRequest) =>
    repo.listApiKeys(db, tenantId, page.limit, page.cursor);

  const revokeKey = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async ({ tx, afterCommit }) => {
      // Already revoked: idempotent; unknown: 404.
      const row =
        (await repo.revokeApiKey(tx, tenantId, id, clock.now())) ??
        (await repo.getApiKey(tx, tenantId, id));
      if (!row) throw notFound('api_key', id);
      afterCommit(() => forget({ id, tenantId }));
      return row;
    });

  /**
   * Renames a key or sets a service key's policy. Like a revocation, the change reaches every
   * replica's cache within the feed's second (the key's row change is announced).
   */
  async function updateKey(
    tenantId: string,
    id: string,
    input: UpdateKeyInput,
    change: ChangeContext,
  ) {
    const policy =
      input.policy === undefined ? undefined : input.policy && validatePolicy(input.policy);
    return deps.commitChange(change, async ({ tx, afterCommit }) => {
      const current = await repo.getApiKey(tx, tenantId, id);
      if (!current) throw notFound('api_key', id);
      if (current.revokedAt) throw conflict('api_key_revoked', `API key ${id} is revoked`);
      if (policy && current.role !== 'service')
        throw badRequest('invalid_request', 'body.policy applies to service keys only');
      const row = await repo.updateApiKey(
        tx,
        tenantId,
        id,
        { name: input.name, policy },
        clock.now(),
      );
      if (!row) throw conflict('api_key_revoked', `API key ${id} is revoked`);
      afterCommit(() => forget({ id, tenantId }));
      return row;
    });
  }

  /** Revokes any key by id, operator keys included (CLI, operator routes); idempotent. */
  const revokeAnyKey = (id: string, change: ChangeContext) =>
    deps.commitChange(change, async ({ tx, afterCommit }) => {
      const row =
        (await repo.revokeApiKeyById(tx, id, clock.now())) ?? (await repo.findApiKeyById(tx, id));
      if (!row) throw notFound('api_key', id);
      afterCommit(() => forget({ id, tenantId: row.tenantId }));
      return row;
    });

  return {
    createKey,
    check: verifier.check,
    /** Loads the ids of usable keys (once); resolves when loaded or failed (then retried). */
    loadKnownIds: verifier.loadKnownIds,
    /** a key made inside the caller's own transaction (the first start's), not an admin change */
    createKeyIn: insertKey,
    revokeAnyKey,
    ensureBootstrapKey,
    revokeOtherBootstrapOperators,
    tombstoneTenantKeys: (tenantId: string, tx: DbOrTx) =>
      repo.tombstoneTenantKeys(tx, tenantId, clock.now()),
    getOperatorKey: (id: string) => repo.getOperatorKey(db, id),
    /** any key by id, whatever its tenant (the key commands) */
    findAnyKey: (id: string) => repo.findApiKeyById(db, id),
    listOperatorKeys: (page: PageRequest) => repo.listOperatorKeys(db, page.limit, page.cursor),
    authenticate: verifier.authenticate,
    principalById: verifier.principalById,
    updateKey,
    getKey,
    listKeys,
    revokeKey,
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
