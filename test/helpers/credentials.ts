import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
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
