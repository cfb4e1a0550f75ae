import type { Db } from '../../db/client.ts';
import type { AuthConfigRow } from '../../db/schema/index.ts';
import { transact, type Writes } from '../../db/transact.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { providerDefinition, type Providers } from '../../providers/index.ts';
import { ProviderError, type Discovery, type TokenSet } from '../../providers/types.ts';
import { mapBounded } from '../../lib/map-bounded.ts';
import { familyEnd, grantOf } from '../../schemes/grant.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { Outbox } from '../events/outbox.ts';
import type { GrantWriter } from './grants.ts';
import {
  detectFormat,
  readRecord,
  type ImportFormat,
  type PlainRecord,
  type ReadOptions,
} from './import-readers.ts';
import { isUniqueViolation, PROVIDER_CODES, RecordError } from './import-errors.ts';
import * as repo from './repo.ts';
import { accountsByExternalId } from './transfer-repo.ts';

export type ImportStatus = 'imported' | 'unchanged' | 'valid' | 'failed';

export interface ImportResult {
  index: number;
  external_id: string | null;
  status: ImportStatus;
  connected_account_id: string | null;
  /** whether the provider was asked for a refresh: the source's copy of the token is then spent */
  refreshed: boolean;
  code: string | null;
  detail: string | null;
}

/**
 * Import of grants held elsewhere (docs/moving.md#import): each record is read into the plain
 * record, checked against its config, looked up by (config, external id) — a record already
 * imported is `unchanged` and costs nothing — then verified by one refresh (the hand-off) and
 * discovery, and stored as an ACTIVE account in one short transaction. A record that fails stores
 * nothing; the others go on. Provider calls run `concurrency` at a time, each through the
 * outbound limiter like every other call the vault makes.
 */
export function createAccountImport(deps: {
  db: Db;
  writes: Writes;
  clock: Clock;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  providers: Providers;
  grants: Pick<GrantWriter, 'grantColumns'>;
  outbox: Outbox;
  concurrency: number;
}) {
  const { db, clock } = deps;

  /** The config a record names, checked once per import: usable, or why not. */
  async function usableConfig(tenantId: string, id: string): Promise<AuthConfigRow | RecordError> {
    let config: AuthConfigRow;
    try {
      config = await deps.authConfigs.get(tenantId, id);
    } catch (err) {
      if (err instanceof AppError && err.status === 404)
        return new RecordError('auth_config_not_found', `auth config ${id} was not found`);
      throw err;
    }
    if (config.status !== 'enabled')
      return new RecordError('auth_config_disabled', `auth config ${id} is disabled`);
    // Only a user's consent grant has a refresh token to hand over.
    if (!schemeOf(config.authScheme).needsAuthorization) {
      return new RecordError(
        'scheme_not_importable',
        `auth config ${id} is ${config.authScheme}: create its accounts with POST /v1/connected-accounts`,
      );
    }
    return config;
  }

  /** The hand-off: one refresh with the source's token, then discovery with the new access token. */
  async function verify(config: AuthConfigRow, record: PlainRecord) {
    const provider = deps.providers.get(config.provider);
    let tokens: TokenSet;
    try {
      tokens = await deps.authConfigs.withClientApp(config, (app) =>
        provider.refresh(app, record.refresh_token),
      );
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      // A refresh that timed out may have been spent by the provider all the same.
      throw new RecordError(PROVIDER_CODES[err.kind], err.message, err.kind === 'transient');
    }
    let discovery: Discovery;
    try {
      discovery = await provider.discover(deps.authConfigs.providerApp(config), tokens.accessToken);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      throw new RecordError('discovery_failed', err.message, true);
    }
    return { tokens, discovery };
  }

  /** Verifies and stores one record; the account id, or a RecordError. */
  async function importOne(tenantId: string, config: AuthConfigRow, record: PlainRecord) {
    const sentAt = clock.now();
    const { tokens, discovery } = await verify(config, record);
    const sites = discovery.sites;
    let selected: string | null = sites.length === 1 ? sites[0]!.cloud_id : null;
    if (record.cloud_id !== undefined) {
      if (!sites.some((s) => s.cloud_id === record.cloud_id)) {
        throw new RecordError('site_not_granted', 'cloud_id is not among the grant’s sites', true);
      }
      selected = record.cloud_id;
    }
    if (!tokens.refreshToken) {
      // Nothing to store that could be renewed: a grant the vault could not keep alive.
      throw new RecordError(
        'refresh_token_missing',
        'the provider returned no refresh token',
        true,
      );
    }
    const grant = { ...grantOf(tokens, sentAt), refreshToken: tokens.refreshToken };
    const consentAt = record.consented_at ? new Date(record.consented_at) : sentAt;
    const now = clock.now();
    const id = newId('ca', now);
    const columns = await deps.grants.grantColumns({ tenantId, id, generation: 0 }, grant, now);
    try {
      return await transact(deps.writes, async (scope) => {
        const account = await repo.insertAccount(scope, {
          ...columns,
          id,
          tenantId,
          authConfigId: config.id,
          authScheme: config.authScheme,
          userId: record.user_id,
          status: 'ACTIVE',
          grantedScopes: tokens.scopes ?? record.scopes ?? config.scopes,
          sites,
          identity: discovery.identity,
          selectedCloudId: selected,
          familyExpiresAt: familyEnd(
            consentAt,
            providerDefinition(config.provider).familyLifetimeDays,
            grant.refreshExpiresAt,
          ),
          tags: record.tags ?? [],
          externalId: record.external_id,
          connectedAt: now,
          createdAt: now,
          updatedAt: now,
        });
        await deps.outbox.emit(scope.tx, 'connected_account.active', account);
        return account.id;
      });
    } catch (err) {
      // Another import of the same record won the race: it holds the grant now.
      if (isUniqueViolation(err))
        throw new RecordError('already_imported', 'imported meanwhile by another request', true);
      throw err;
    }
  }

  /**
   * POST /v1/connected-accounts/import: every item's result in input order, with counts.
   * `dryRun`: shapes, configs and idempotency only, no provider call and no write.
   */
  async function importRecords(
    tenantId: string,
    items: unknown[],
    opts: ReadOptions & { format?: ImportFormat; dryRun: boolean },
    /** told of each record once its result is final (a background job's progress) */
    onSettled: (r: ImportResult) => void = () => {},
  ) {
    const format = opts.format ?? (items.length ? detectFormat(items[0]) : 'plain');
    const results: ImportResult[] = items.map((_, index) => ({
      index,
      external_id: null,
      status: 'failed',
      connected_account_id: null,
      refreshed: false,
      code: null,
      detail: null,
    }));
    const fail = (r: ImportResult, e: RecordError) => {
      Object.assign(r, {
        status: 'failed',
        code: e.code,
        detail: e.message,
        refreshed: e.refreshed,
      });
      onSettled(r);
    };

    const configs = new Map<string, AuthConfigRow | RecordError>();
    const todo: { result: ImportResult; record: PlainRecord; config: AuthConfigRow }[] = [];
    const seen = new Set<string>();
    for (const [i, item] of items.entries()) {
      const result = results[i]!;
      const read = readRecord(item, format, opts);
      if (!read.ok) {
        result.external_id = read.externalId;
        fail(result, new RecordError(read.code, read.detail));
        continue;
      }
      const { record } = read;
      result.external_id = record.external_id;
      let config = configs.get(record.auth_config_id);
      if (!config) {
        config = await usableConfig(tenantId, record.auth_config_id);
        configs.set(record.auth_config_id, config);
      }
      if (config instanceof RecordError) {
        fail(result, config);
        continue;
      }
      const key = `${config.id}\u0000${record.external_id}`;
      if (seen.has(key)) {
        fail(result, new RecordError('duplicate_record', 'an earlier record has this external_id'));
        continue;
      }
      seen.add(key);
      todo.push({ result, record, config });
    }

    // Already imported: unchanged, and no provider call (a second refresh would spend the token).
    const byConfig = new Map<string, typeof todo>();
    for (const t of todo) {
      const group = byConfig.get(t.config.id);
      if (group) group.push(t);
      else byConfig.set(t.config.id, [t]);
    }
    const existing = new Map<string, string>();
    for (const [configId, group] of byConfig) {
      for (let i = 0; i < group.length; i += 500) {
        const ids = group.slice(i, i + 500).map((t) => t.record.external_id);
        const found = await accountsByExternalId(db, tenantId, configId, ids);
        for (const [ext, id] of found) existing.set(`${configId}\u0000${ext}`, id);
      }
    }
    const fresh = todo.filter((t) => {
      const id = existing.get(`${t.config.id}\u0000${t.record.external_id}`);
      if (id === undefined) return true;
      Object.assign(t.result, { status: 'unchanged', connected_account_id: id });
      onSettled(t.result);
      return false;
    });

    if (opts.dryRun) {
      for (const t of fresh) {
        t.result.status = 'valid';
        onSettled(t.result);
      }
    } else {
      // The config as it is now: its first verified refresh records which client secret works
      // (a write of the config), and later records use the row that says so, not another write.
      const latest = new Map<string, AuthConfigRow>();
      await mapBounded(fresh, deps.concurrency, async (t) => {
        try {
          const config = latest.get(t.config.id) ?? t.config;
          const id = await importOne(tenantId, config, t.record);
          if (!latest.has(config.id))
            latest.set(config.id, await deps.authConfigs.get(tenantId, config.id));
          Object.assign(t.result, {
            status: 'imported',
            connected_account_id: id,
            refreshed: true,
          });
          onSettled(t.result);
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          fail(t.result, err);
        }
      });
    }
    const count = (s: ImportStatus) => results.filter((r) => r.status === s).length;
    return {
      format,
      dry_run: opts.dryRun,
      counts: {
        total: results.length,
        imported: count('imported'),
        unchanged: count('unchanged'),
        valid: count('valid'),
        failed: count('failed'),
      },
      results,
    };
  }

  return { importRecords };
}

export type AccountImport = ReturnType<typeof createAccountImport>;
