import type { AuthConfigRow, AuthConfigInsert } from '../../db/schema/index.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { standalone, type TxScope, type Writes } from '../../db/transact.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { InternalError, badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import { providerDefinition, type ProviderName } from '../../providers/index.ts';
import { ProviderError, type ProviderApp } from '../../providers/types.ts';
import { schemeOf, type AuthSchemeName } from '../../schemes/index.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';
import type { SchemePolicy } from './scheme-policy.ts';
import type { CreateAuthConfigInput, UpdateAuthConfigInput } from './schemas.ts';
import { checkScheme, normalizeReturnUrls, providerSettings } from './validate.ts';

const secretField = (
  tenantId: string,
  rowId: string,
  field: 'client_secret' | 'previous_client_secret' = 'client_secret',
) => ({ tenantId, field, rowId });
const PREVIOUS = 'previous_client_secret';

/** A tail is shown only where it says little about the whole: secrets of 16+ characters. */
const last4 = (secret: string) => (secret.length >= 16 ? secret.slice(-4) : null);

export function createAuthConfigService(deps: {
  db: Db;
  /** the database and this process's change feed: every write of a config is announced */
  writes: Writes;
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  dataKeys: Pick<DataKeyService, 'encrypt' | 'decrypt'>;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl: (url: string) => Promise<unknown>;
  /** PUBLIC_URL/v1/oauth/callback: each config's redirect URI is this plus its id */
  callbackBase: string;
  /** https for tenant-supplied URLs (http only in development) */
  urlPolicy: TenantUrlPolicy;
  /**
   * A config's client secret changed (in the same transaction, `scope`): accounts its scheme
   * expired for a refused secret get another attempt. Bound late (accounts need configs).
   */
  onClientSecretChanged?: (config: AuthConfigRow, scope: TxScope) => Promise<void>;
  /** ALLOWED_AUTH_SCHEMES: new configs use an allowed scheme */
  schemePolicy: Pick<SchemePolicy, 'assertAllowed'>;
  /** in the change's transaction, when `refresh_policy` turned `always`: every account warm now */
  onRefreshAlways?: (config: AuthConfigRow, scope: TxScope) => Promise<void>;
}) {
  /** The OAuth redirect URI of one config: its own, so no other config can receive its codes. */
  const callbackUrl = (id: string) => `${deps.callbackBase}/${id}`;

  /** The provider's view of a config; the secret is filled in per call (rotation fallback). */
  const providerApp = (config: AuthConfigRow, clientSecret = ''): ProviderApp => ({
    tenantId: config.tenantId,
    clientId: config.clientId ?? '',
    clientSecret,
    scopes: config.scopes,
    settings: config.settings,
    redirectUri: callbackUrl(config.id),
  });

  const { db, clock, dataKeys } = deps;
  /** Every URL of the provider settings the vault will call, against the egress policy. */
  async function checkSettingsUrls(provider: ProviderName, settings: unknown) {
    const fields = providerDefinition(provider).configFields;
    if (!fields || !settings) return;
    for (const url of fields.urlsToCall(settings)) await deps.checkUrl(url);
  }

  async function create(tenantId: string, input: CreateAuthConfigInput, change: ChangeContext) {
    // Everything is validated (and the URLs resolved) before the transaction opens.
    const scheme = checkScheme(input);
    deps.schemePolicy.assertAllowed(scheme, 'auth configs');
    const scopes = providerDefinition(input.provider).normalizeScopes(input.scopes ?? []);
    const settings = providerSettings(
      undefined,
      { provider: input.provider, authScheme: scheme },
      input,
      deps.urlPolicy,
    );
    await checkSettingsUrls(input.provider, settings);
    const allowedReturnUrls = normalizeReturnUrls(input.allowed_return_urls, deps.urlPolicy);
    const now = clock.now();
    const id = newId('ac', now);
    const row: AuthConfigInsert = {
      id,
      tenantId,
      name: input.name,
      provider: input.provider,
      authScheme: scheme,
      clientId: input.client_id ?? null,
      clientSecretEnc:
        input.client_secret === undefined
          ? null
          : await dataKeys.encrypt(secretField(tenantId, id), input.client_secret),
      clientSecretLast4: input.client_secret === undefined ? null : last4(input.client_secret),
      clientSecretUpdatedAt: now,
      scopes,
      status: input.status ?? 'enabled',
      refreshPolicy: input.refresh_policy ?? 'on_use',
      allowedReturnUrls,
      settings,
      createdAt: now,
      updatedAt: now,
    };
    return deps.commitChange(
      change,
      ({ tx }) => repo.insertAuthConfig(tx, row),
      (r) => r.id,
    );
  }

  async function get(tenantId: string, id: string, tx: DbOrTx = db) {
    const row = await repo.getAuthConfig(tx, tenantId, id);
    if (!row) throw notFound('auth_config', id);
    return row;
  }

  const list = (tenantId: string, filter: repo.AuthConfigFilter, page: PageRequest) =>
    repo.listAuthConfigs(db, tenantId, filter, page.limit, page.cursor);

  async function update(
    tenantId: string,
    id: string,
    input: UpdateAuthConfigInput,
    change: ChangeContext,
  ) {
    // Read, checked, resolved and sealed first; the transaction holds only the writes.
    const current = await get(tenantId, id);
    if (!schemeOf(current.authScheme).configHoldsClient) {
      for (const field of ['client_id', 'client_secret'] as const) {
        if (input[field] !== undefined) {
          throw badRequest(
            'invalid_request',
            `body.${field}: an ${current.authScheme} config holds no client`,
            { field: `body.${field}` },
          );
        }
      }
    }
    const now = clock.now();
    const set: Partial<AuthConfigInsert> = { updatedAt: now };
    if (input.name !== undefined) set.name = input.name;
    if (input.client_id !== undefined) set.clientId = input.client_id;
    if (input.status !== undefined) set.status = input.status;
    if (input.refresh_policy !== undefined) set.refreshPolicy = input.refresh_policy;
    if (input.scopes !== undefined)
      set.scopes = providerDefinition(current.provider).normalizeScopes(input.scopes);
    if (input.allowed_return_urls !== undefined)
      set.allowedReturnUrls = normalizeReturnUrls(input.allowed_return_urls, deps.urlPolicy);
    const settings = providerSettings(current, undefined, input, deps.urlPolicy);
    if (settings !== undefined) {
      set.settings = settings;
      await checkSettingsUrls(current.provider, settings);
    }
    if (input.client_secret !== undefined) {
      set.clientSecretEnc = await dataKeys.encrypt(secretField(tenantId, id), input.client_secret);
      set.clientSecretLast4 = last4(input.client_secret);
      set.clientSecretUpdatedAt = now;
      set.clientSecretWorking = null;
      // The old secret stays usable as a fallback for the overlap window (re-sealed: the AAD binds
      // the column it lives in).
      const overlap = input.previous_secret_overlap_seconds ?? 86_400;
      const old = overlap > 0 ? await clientSecret(current) : null;
      set.previousClientSecretEnc = old
        ? await dataKeys.encrypt(secretField(tenantId, id, PREVIOUS), old)
        : null;
      set.previousClientSecretLast4 = old ? current.clientSecretLast4 : null;
      set.previousClientSecretExpiresAt = old ? new Date(now.getTime() + overlap * 1000) : null;
    } else if (input.previous_secret_overlap_seconds !== undefined) {
      throw badRequest(
        'invalid_request',
        'body.previous_secret_overlap_seconds applies only together with client_secret',
      );
    }
    return deps.commitChange(change, async (scope) => {
      const row = await repo.updateAuthConfig(scope, tenantId, id, set);
      if (!row) throw notFound('auth_config', id);
      if (input.client_secret !== undefined) await deps.onClientSecretChanged?.(row, scope);
      if (input.refresh_policy === 'always' && current.refreshPolicy !== 'always')
        await deps.onRefreshAlways?.(row, scope);
      return row;
    });
  }

  const setStatus = (
    tenantId: string,
    id: string,
    status: 'enabled' | 'disabled',
    change: ChangeContext,
  ) => update(tenantId, id, { status }, change);

  const remove = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      if (!(await repo.deleteAuthConfig(scope, tenantId, id))) throw notFound('auth_config', id);
    });

  /** The decrypted client secret, for the provider calls (never for a response). */
  async function clientSecret(row: AuthConfigRow) {
    if (row.clientSecretEnc === null) {
      throw new InternalError(
        'client_secret_missing',
        `auth config ${row.id} holds no client secret`,
      );
    }
    return dataKeys.decrypt(secretField(row.tenantId, row.id), row.clientSecretEnc);
  }

  /**
   * Runs a provider call with the config's client (the current secret) and, when the provider
   * refuses the client and a previous secret is still inside its overlap window, once more with
   * that one. Records which secret works (a write only when that changes, on its own: never inside
   * a transaction, which would stay open across the provider call).
   */
  async function withClientApp<T>(
    row: AuthConfigRow,
    call: (app: ProviderApp) => Promise<T>,
  ): Promise<T> {
    const note = async (which: 'current' | 'previous') => {
      if (row.clientSecretWorking !== which) {
        await repo.updateAuthConfig(standalone(deps.writes), row.tenantId, row.id, {
          clientSecretWorking: which,
        });
      }
    };
    try {
      const result = await call(providerApp(row, await clientSecret(row)));
      await note('current');
      return result;
    } catch (err) {
      const hasPrevious =
        row.previousClientSecretEnc &&
        row.previousClientSecretExpiresAt &&
        row.previousClientSecretExpiresAt > clock.now();
      if (!(err instanceof ProviderError && err.kind === 'invalid_client') || !hasPrevious)
        throw err;
      const previous = await dataKeys.decrypt(
        secretField(row.tenantId, row.id, PREVIOUS),
        row.previousClientSecretEnc!,
      );
      const result = await call(providerApp(row, previous));
      await note('previous');
      return result;
    }
  }

  /** Ids among `ids` that do not exist in the tenant. */
  async function missingIds(tenantId: string, ids: string[], tx: DbOrTx = db) {
    const found = new Set(await repo.existingAuthConfigIds(tx, tenantId, ids));
    return ids.filter((i) => !found.has(i));
  }

  /** Configs (all tenants) made before ALLOWED_AUTH_SCHEMES forbade their scheme, per scheme. */
  const outsidePolicy = (allowed: readonly AuthSchemeName[]) =>
    repo.countConfigsOutside(db, allowed);

  /**
   * The provider's token endpoint rate-limited this config's app: every worker and request holds
   * its refreshes until `until` (docs/contracts.md#rate-limit-pause). Returns the pause in force.
   */
  const pauseRefreshes = (tenantId: string, id: string, until: Date) =>
    repo.pauseAuthConfigRefreshes(standalone(deps.writes), tenantId, id, until);

  return {
    outsidePolicy,
    callbackUrl,
    pauseRefreshes,
    providerApp,
    create,
    get,
    list,
    update,
    setStatus,
    remove,
    clientSecret,
    withClientApp,
    missingIds,
  };
}

export type AuthConfigService = ReturnType<typeof createAuthConfigService>;
