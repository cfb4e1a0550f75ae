import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { AccountRow } from '../../db/schema/index.ts';
import { transact, type Writes } from '../../db/transact.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { WindowCounter } from '../../lib/window-counter.ts';
import { providerDefinition } from '../../providers/index.ts';
import { accountField } from '../../schemes/sealed.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { PlainRecord } from './import-readers.ts';
import { claimForExport, countLeased, type AccountSelection } from './transfer-repo.ts';

/** The key agreement and content encryption of every exported record (docs/moving.md#export). */
export const EXPORT_ALG = 'ECDH-ES+A256KW';
export const EXPORT_ENC = 'A256GCM';
const CURVES: Record<string, readonly string[]> = { EC: ['P-256', 'P-384'], OKP: ['X25519'] };
/** Accounts claimed (and disabled) per transaction; their records go out before the next claim. */
const BATCH = 100;
const DAY_MS = 86_400_000;

export interface ExportInput {
  public_key: Record<string, unknown>;
  auth_config_ids?: string[];
  account_ids?: string[];
  keep_active?: boolean;
}

/**
 * Export of a tenant's grants: each ACTIVE account with its refresh token as the plain record an
 * import takes, encrypted to the admin's public key as a compact JWE, one NDJSON line each. The
 * tokens are opened in memory and leave only encrypted; nothing is written but the accounts'
 * status: exported accounts are DISABLED (`exported`) before their line is sent, because after the
 * hand-off only one party may use a rotating refresh token — unless `keep_active`.
 */
export function createAccountExport(deps: {
  writes: Writes;
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  authConfigs: Pick<AuthConfigService, 'get'>;
  perHour: number;
}) {
  const { clock } = deps;
  const exportsPerTenant = new WindowCounter(3_600_000, () => clock.now().getTime());

  /** The admin's public key, checked: a private key or another kind of key is refused. */
  async function publicKey(jwk: Record<string, unknown>) {
    const field = { field: 'body.public_key' };
    if ('d' in jwk) {
      throw badRequest(
        'private_key_supplied',
        'body.public_key: this is a private key; send only the public part (and replace this key pair)',
        field,
      );
    }
    const curves = CURVES[String(jwk.kty)];
    if (!curves?.includes(String(jwk.crv))) {
      throw badRequest(
        'invalid_public_key',
        'body.public_key: an EC P-256 or P-384, or an OKP X25519 public JWK is required',
        field,
      );
    }
    try {
      return await importJWK(jwk as JWK, EXPORT_ALG);
    } catch {
      throw badRequest('invalid_public_key', 'body.public_key: not a usable public key', field);
    }
  }

  /** The record an import takes back (docs/moving.md#the-plain-record), tokens opened. */
  async function recordOf(row: AccountRow, lifetimeDays: number | null): Promise<PlainRecord> {
    const open = (field: 'access_token' | 'refresh_token', sealed: string) =>
      deps.dataKeys.decrypt(accountField(row.tenantId, row.id, field), sealed);
    const record: PlainRecord = {
      auth_config_id: row.authConfigId,
      user_id: row.userId,
      refresh_token: await open('refresh_token', row.refreshTokenEnc!),
      external_id: row.externalId ?? row.id,
      scopes: row.grantedScopes,
      tags: row.tags,
    };
    if (row.accessTokenEnc) record.access_token = await open('access_token', row.accessTokenEnc);
    if (row.expiresAt) record.expires_at = row.expiresAt.toISOString();
    if (row.selectedCloudId) record.cloud_id = row.selectedCloudId;
    // The family's end, less the provider's lifetime, is when the user consented.
    if (row.familyExpiresAt && lifetimeDays)
      record.consented_at = new Date(
        row.familyExpiresAt.getTime() - lifetimeDays * DAY_MS,
      ).toISOString();
    return record;
  }

  /**
   * Checks the request (rate, key, configs) before anything is claimed, then returns the lines:
   * one `{connected_account_id, jwe}` per account and a last `{summary}` line.
   */
  async function exportAccounts(tenantId: string, input: ExportInput) {
    const rate = exportsPerTenant.hit(tenantId, deps.perHour);
    if (!rate.allowed) {
      throw new AppError(
        'rate_limited',
        429,
        'Too many requests',
        `at most ${deps.perHour} exports per hour; retry in ${rate.retryAfterSeconds} s`,
        { retry_after_seconds: rate.retryAfterSeconds },
        true,
      );
    }
    const key = await publicKey(input.public_key);
    // Every config named must be the tenant's own (another tenant's answers as not found).
    const lifetimes = new Map<string, number | null>();
    for (const id of input.auth_config_ids ?? []) {
      const config = await deps.authConfigs.get(tenantId, id);
      lifetimes.set(id, providerDefinition(config.provider).familyLifetimeDays);
    }
    const lifetimeOf = async (configId: string) => {
      if (!lifetimes.has(configId)) {
        const config = await deps.authConfigs.get(tenantId, configId);
        lifetimes.set(configId, providerDefinition(config.provider).familyLifetimeDays);
      }
      return lifetimes.get(configId)!;
    };
    const selection: AccountSelection = {
      authConfigIds: input.auth_config_ids,
      accountIds: input.account_ids,
    };
    const keepActive = input.keep_active ?? false;

    async function* lines() {
      let after: string | undefined;
      let exported = 0;
      for (;;) {
        const rows = await transact(deps.writes, (scope) =>
          claimForExport(scope, tenantId, selection, {
            limit: BATCH,
            after,
            now: clock.now(),
            keepActive,
          }),
        );
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        for (const row of rows) {
          const record = await recordOf(row, await lifetimeOf(row.authConfigId));
          const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(record)))
            .setProtectedHeader({ alg: EXPORT_ALG, enc: EXPORT_ENC, cty: 'json' })
            .encrypt(key);
          exported++;
          yield `${JSON.stringify({ connected_account_id: row.id, jwe })}\n`;
        }
      }
      // Held by a refresher (a rotation under way): not exported; named so it can be asked again.
      const leftOut = keepActive
        ? 0
        : await countLeased(deps.writes.db, tenantId, selection, clock.now());
      const summary = { exported, disabled: keepActive ? 0 : exported, left_out: leftOut };
      yield `${JSON.stringify({ summary })}\n`;
    }
    return lines();
  }

  return { exportAccounts };
}

export type AccountExport = ReturnType<typeof createAccountExport>;
