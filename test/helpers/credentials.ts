import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { SEALED_FIELDS, type SealedField } from '../../src/db/sealed-fields.ts';
import type { TestVault } from './vault.ts';

/** Rows in a table of the test's own database (it holds this test's data only). */
export async function rowCount(vault: TestVault, table: string): Promise<number> {
  const r = await vault.deps.database.db.execute(
    sql`select count(*)::int as n from ${sql.identifier(table)}`,
  );
  return (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
}

/** The counts a refused create must leave as they were. */
export const storedCounts = async (vault: TestVault) => ({
  accounts: await rowCount(vault, 'connected_accounts'),
  events: await rowCount(vault, 'events'),
});

/** One column of one account, as the database holds it. */
export async function rawColumn(vault: TestVault, id: string, column: string): Promise<unknown> {
  const r = await vault.deps.database.db.execute(
    sql`select ${sql.identifier(column)} as v from connected_accounts where id = ${id}`,
  );
  return (r as unknown as { rows: { v: unknown }[] }).rows[0]?.v;
}

/** The types of the account's events, oldest first. */
export async function eventTypes(vault: TestVault, key: string, accountId: string) {
  const res = await vault.call('GET', `/v1/events?connected_account_id=${accountId}`, key);
  assert.equal(res.status, 200, res.text);
  return (res.body.data as { type: string }[]).map((e) => e.type).reverse();
}

/** Asserts that `secret` appears in none of the texts (responses, log lines). */
export function assertNowhere(secret: string, texts: string[], what: string) {
  const hit = texts.find((t) => t.includes(secret));
  assert.equal(hit, undefined, `${what} leaked`);
}

/** GET {base}/rest/api/3/myself at the emulator with the token endpoint's answer. */
export async function myself(token: {
  token_type: string;
  access_token: string;
  api_base_url: string;
}) {
  const res = await fetch(`${token.api_base_url}/rest/api/3/myself`, {
    headers: { authorization: `${token.token_type} ${token.access_token}` },
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as Record<string, unknown>,
  };
}

/** vault.call that keeps every response (body and headers), to look for leaks afterwards. */
export function recorded(vault: TestVault) {
  const texts: string[] = [];
  const call: TestVault['call'] = async (...args) => {
    const res = await vault.call(...args);
    texts.push(res.text, JSON.stringify(res.headers));
    return res;
  };
  return { call, texts };
}

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

/**
 * Every table of the test's database, schema-qualified, read from the catalog (not a hand-kept
 * list): a table a migration adds is scanned without anyone remembering to name it here.
 */
export async function allTables(vault: TestVault): Promise<string[]> {
  const r = await vault.deps.database.db.execute(
    sql`select table_schema as s, table_name as t from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2`,
  );
  return rowsOf<{ s: string; t: string }>(r).map(({ s, t }) => `${s}.${t}`);
}

/** The rows of every table as text, by table (`schema.table`). */
export async function databaseAsText(vault: TestVault): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const qualified of await allTables(vault)) {
    const [schema, table] = qualified.split('.') as [string, string];
    const r = await vault.deps.database.db.execute(
      sql`select * from ${sql.identifier(schema)}.${sql.identifier(table)}`,
    );
    out[qualified] = JSON.stringify(rowsOf(r));
  }
  return out;
}

/** One sealed value the database holds, opened with the vault's own keys. */
export interface OpenedSecret {
  field: SealedField;
  rowId: string;
  /** the secret itself (of an API-token credential, the token: the e-mail beside it is no secret) */
  secret: string;
}

/**
 * Every sealed value in the database (every column of db/sealed-fields.ts, every row), decrypted:
 * the secrets the vault knows, which may appear in clear nowhere but where they are handed out.
 */
export async function openedSecrets(vault: TestVault): Promise<OpenedSecret[]> {
  const out: OpenedSecret[] = [];
  for (const [field, f] of Object.entries(SEALED_FIELDS) as [
    SealedField,
    (typeof SEALED_FIELDS)[SealedField],
  ][]) {
    const r = await vault.deps.database.db.execute(
      sql`select id, tenant_id, ${sql.identifier(f.column)} as v from ${sql.identifier(f.table)}
          where ${sql.identifier(f.column)} is not null`,
    );
    for (const row of rowsOf<{ id: string; tenant_id: string; v: string }>(r)) {
      const opened = await vault.deps.services.dataKeys.decrypt(
        { tenantId: row.tenant_id, field, rowId: row.id },
        row.v,
      );
      const secret =
        field === 'api_token' ? (JSON.parse(opened) as { api_token: string }).api_token : opened;
      out.push({ field, rowId: row.id, secret });
    }
  }
  return out;
}
