import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTableColumns } from 'drizzle-orm';
import { loadConfig } from '../../src/config.ts';
import { connectedAccounts } from '../../src/db/schema/index.ts';
import { SEALED_FIELDS } from '../../src/db/sealed-fields.ts';
import { backoff } from '../../src/lib/backoff.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { backoffSeconds } from '../../src/lib/schedule.ts';
import {
  PROVIDER_NAMES,
  PROVIDER_SETTINGS,
  createProviders,
  providerDefinition,
} from '../../src/providers/index.ts';
import { SCHEME_NAMES, providersOffering, schemeOf } from '../../src/schemes/index.ts';
import { ACCOUNT_SEALED } from '../../src/schemes/sealed.ts';

const config = loadConfig({});
const providers = createProviders({
  env: (name) => config[name],
  timeoutMs: 1000,
  maxResponseBytes: 1024,
  outbound: { acquire: async () => () => {} },
  connections: 1,
  clock: systemClock,
});

test('every scheme a provider offers finds what it calls in the provider', () => {
  for (const p of PROVIDER_NAMES) {
    for (const s of providerDefinition(p).schemes) {
      assert.ok(schemeOf(s).servedBy(providers.get(p)), `${p} offers ${s}`);
    }
  }
});

test('every scheme is offered by some provider', () => {
  for (const s of SCHEME_NAMES) assert.ok(providersOffering(s).length > 0, s);
});

test('the schemes’ sealed fields are exactly the sealed columns of connected_accounts', () => {
  const columns = getTableColumns(connectedAccounts) as Record<string, { name: string }>;
  const inTable = Object.entries(SEALED_FIELDS)
    .filter(([, f]) => f.table === 'connected_accounts')
    .map(([name, f]) => [name, f.column] as const)
    .sort();
  const declared = Object.entries(ACCOUNT_SEALED)
    .map(([name, prop]) => [name, columns[prop]!.name] as const)
    .sort();
  assert.deepEqual(declared, inTable);
  const held = new Set(SCHEME_NAMES.flatMap((s) => schemeOf(s).sealedFields));
  assert.deepEqual([...held].sort(), Object.keys(ACCOUNT_SEALED).sort());
});

test('each provider setting is a configuration variable with its default, without a trailing slash', () => {
  assert.ok(PROVIDER_SETTINGS.length > 0);
  for (const s of PROVIDER_SETTINGS) {
    assert.equal(config[s.env], s.default.replace(/\/+$/, ''), s.env);
    assert.equal(loadConfig({ [s.env]: 'http://127.0.0.1:4010/' })[s.env], 'http://127.0.0.1:4010');
    assert.throws(() => loadConfig({ [s.env]: 'not a url' }), new RegExp(s.env));
  }
});

test('one backoff: the step doubles from the base to the cap, its jitter stays within its band', () => {
  const steps = [1, 2, 3, 4, 5, 6, 10].map((n) =>
    backoff(n, { base: 25, cap: 200, jitter: 'none' }),
  );
  assert.deepEqual(steps, [25, 50, 100, 200, 200, 200, 200]);
  for (const r of [0, 0.5, 0.999]) {
    const equal = backoff(4, { base: 5, cap: 600, jitter: 'equal' }, () => r);
    assert.ok(equal >= 20 && equal <= 40, `equal ${equal}`);
    const spread = backoff(4, { base: 10, cap: 3600, jitter: 'spread' }, () => r);
    assert.ok(spread >= 64 && spread <= 96, `spread ${spread}`);
  }
  // Refreshes and checks: 5 s, 10 s … capped at 10 min, never before Retry-After.
  assert.equal(
    backoffSeconds(1, undefined, () => 1),
    5,
  );
  assert.equal(
    backoffSeconds(30, undefined, () => 1),
    600,
  );
  assert.equal(
    backoffSeconds(30, undefined, () => 0),
    300,
  );
  assert.equal(
    backoffSeconds(1, 120, () => 1),
    120,
  );
});
