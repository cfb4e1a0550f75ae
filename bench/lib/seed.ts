// Seeding: tenants, auth configs and keys over the vault's HTTP API; connected accounts by SQL,
// sealed exactly as the vault seals them (same envelope code, same AAD, the tenant's own data key).
import { randomBytes } from 'node:crypto';
import type { MasterKey } from '../../src/crypto/master-keys.ts';
import { dataKeyAad, fieldAad, seal } from '../../src/crypto/envelope.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { newId } from '../../src/lib/ids.ts';
import type { Sql } from './db.ts';

export interface SeededTenant {
  tenantId: string;
  adminKey: string;
  serviceKey: string;
  configId: string;
  clientId: string;
  clientSecret: string;
}

export interface SeededAccount {
  id: string;
  tenant: SeededTenant;
  userId: string;
  accessToken: string;
}

export const SCOPES = ['read:jira-work', 'read:jira-user'];

async function call(base: string, key: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Tenants, each with one Atlassian auth config, an admin key and a service key. */
export async function seedTenants(
  base: string,
  operatorKey: string,
  count: number,
): Promise<SeededTenant[]> {
  const out: SeededTenant[] = [];
  for (let i = 0; i < count; i++) {
    const t = await call(base, operatorKey, '/v1/tenants', { name: `bench tenant ${i}` });
    const tenantId = t.id as string;
    const admin = await call(base, operatorKey, `/v1/tenants/${tenantId}/api-keys`, {
      name: 'bench admin',
      role: 'admin',
    });
    const adminKey = admin.key as string;
    const clientId = `bench-${randomBytes(6).toString('hex')}`;
    const clientSecret = `cs-${randomBytes(24).toString('hex')}`;
    const cfg = await call(base, adminKey, '/v1/auth-configs', {
      name: `bench config ${i}`,
      provider: 'atlassian',
      client_id: clientId,
      client_secret: clientSecret,
      scopes: SCOPES,
    });
    const service = await call(base, adminKey, '/v1/api-keys', {
      name: 'bench service',
      role: 'service',
    });
    out.push({
      tenantId,
      adminKey,
      serviceKey: service.key as string,
      configId: cfg.id as string,
      clientId,
      clientSecret,
    });
  }
  return out;
}

export interface AccountPlan {
  tenant: SeededTenant;
  count: number;
  /** refresh tokens known to the emulator (one per account); random ones when absent */
  refreshTokens?: string[];
  site: { cloud_id: string; name: string; url: string };
}

/**
 * Inserts ACTIVE connected accounts. `due`: next_refresh_at one second ago (the sweep); otherwise
 * long-lived tokens (expires in a day, next refresh 600 s before that): no refresh during the load.
 */
export async function insertAccounts(
  sql: Sql,
  masterKey: MasterKey,
  plans: AccountPlan[],
  opts: { due: boolean },
): Promise<SeededAccount[]> {
  const keyring = createKeyring([masterKey]);
  const out: SeededAccount[] = [];
  const now = Date.now();
  const expiresAt = new Date(now + (opts.due ? 300_000 : 86_400_000));
  const nextRefresh = new Date(opts.due ? now - 1000 : expiresAt.getTime() - 600_000);
  for (const plan of plans) {
    const { tenantId } = plan.tenant;
    const [dk] = await sql<{ id: string; wrapped_key: string }>(
      `select id, wrapped_key from data_keys where tenant_id = $1 and status = 'active' order by id limit 1`,
      [tenantId],
    );
    if (!dk) throw new Error(`tenant ${tenantId} has no data key`);
    const key = keyring.unwrap(dk.wrapped_key, dataKeyAad(tenantId, dk.id));
    const sites = JSON.stringify([{ ...plan.site, scopes: SCOPES }]);
    for (let start = 0; start < plan.count; start += 5000) {
      const n = Math.min(5000, plan.count - start);
      const cols: string[][] = [[], [], [], []];
      for (let i = start; i < start + n; i++) {
        const id = newId('ca', new Date());
        const userId = `user-${i}`;
        const access = `at-${randomBytes(24).toString('base64url')}`;
        const refresh = plan.refreshTokens?.[i] ?? `rt-${randomBytes(24).toString('base64url')}`;
        const aad = (col: string) => fieldAad(tenantId, 'connected_accounts', id, col);
        cols[0]!.push(id);
        cols[1]!.push(userId);
        cols[2]!.push(seal(key, dk.id, access, aad('access_token')));
        cols[3]!.push(seal(key, dk.id, refresh, aad('refresh_token')));
        out.push({ id, tenant: plan.tenant, userId, accessToken: access });
      }
      await sql(
        `insert into connected_accounts (id, tenant_id, auth_config_id, user_id, status, sites,
           selected_cloud_id, granted_scopes, access_token_enc, refresh_token_enc, token_type,
           expires_at, generation, connected_at, family_expires_at, next_refresh_at)
         select u.id, $5, $6, u.user_id, 'ACTIVE', $7::jsonb, $8, $9::text[], u.at, u.rt, 'Bearer',
           $10::timestamptz, 0, now(), now() + interval '365 days', $11::timestamptz
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as u(id, user_id, at, rt)`,
        [
          ...cols,
          tenantId,
          plan.tenant.configId,
          sites,
          plan.site.cloud_id,
          SCOPES,
          expiresAt.toISOString(),
          nextRefresh.toISOString(),
        ],
      );
    }
  }
  return out;
}
