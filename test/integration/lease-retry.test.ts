import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import { createAccountLeaseService } from '../../src/features/connected-accounts/leases.ts';
import { createOutbox } from '../../src/features/events/outbox.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

/**
 * The refresh writes repeated through a database blip: when an update commits and its answer is
 * lost with the connection (a failover, a cut), the repetition matches nothing, and the lease
 * service must tell "my earlier attempt landed" (the lease or the result is ours) from "someone
 * else's did". The database is real; the fault is the answer of the first update(s), which run and
 * commit, then fail as a dead connection does.
 */
function answersLostAfterCommit(db: Db, count: number) {
  let left = count;
  const wrap = <T extends object>(obj: T): T =>
    new Proxy(obj, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'then' && typeof v === 'function' && left > 0) {
          return (ok: (x: unknown) => unknown, ko: (e: unknown) => unknown) =>
            (target as unknown as PromiseLike<unknown>)
              .then(() => {
                left--;
                throw Object.assign(new Error('Connection terminated unexpectedly'), {
                  code: 'ECONNRESET',
                });
              })
              .then(ok, ko);
        }
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const out = (v as (...a: unknown[]) => unknown).apply(target, args);
          return out && typeof out === 'object' ? wrap(out) : out;
        };
      },
    });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'update') return (...a: unknown[]) => wrap((target.update as any)(...a)); // eslint-disable-line @typescript-eslint/no-explicit-any
      return Reflect.get(target, prop, receiver);
    },
  });
}

test('a lease and a refresh result whose answers were lost are recognised as ours; a lease held by another is not', async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'blip' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  const { tenantId } = s;
  const id = run.accountId;
  const db = fx.vault.deps.database.db;
  const leasesWith = (lost: number) => {
    const lossy = answersLostAfterCommit(db, lost);
    return createAccountLeaseService({
      db: lossy,
      writes: { db: lossy, announce: () => {} },
      clock: fx.clock,
      outbox: createOutbox({ clock: fx.clock }),
    });
  };
  const now = fx.clock.now();
  const until = new Date(now.getTime() + 60_000);

  // The lease: taken, answer lost, taken "again" → ours.
  const leased = await leasesWith(1).acquire(tenantId, id, 'owner-a', now, until);
  assert.ok(leased, 'the lease the first attempt took is recognised');
  assert.equal(leased.leaseOwner, 'owner-a');

  // Another owner, answer lost too: the lease is owner-a's, not theirs.
  const other = await leasesWith(1).acquire(tenantId, id, 'owner-b', now, until);
  assert.equal(other, undefined);

  // The result: written (generation + 1), answer lost, written "again" → ours, not "lost".
  const written = await leasesWith(1).writeLeased(leased, 'owner-a', {
    generation: leased.generation + 1,
    lastRefreshedAt: new Date(now.getTime() + 1),
    updatedAt: new Date(now.getTime() + 1),
  });
  assert.ok(written, 'the result the first attempt wrote is recognised');
  assert.equal(written.generation, leased.generation + 1);
  assert.equal(written.leaseOwner, null, 'the lease released with it');

  // A result of a lease holder who lost the race (another wrote first) is not mistaken for ours.
  const again = await leasesWith(1).acquire(tenantId, id, 'owner-c', now, until);
  assert.ok(again);
  const stale = await leasesWith(1).writeLeased(leased, 'owner-a', {
    generation: leased.generation + 1,
    updatedAt: new Date(now.getTime() + 2),
  });
  assert.equal(stale, undefined);
  const row = await fx.vault.deps.services.leases.read(tenantId, id);
  assert.equal(row?.leaseOwner, 'owner-c');
  assert.equal(row?.generation, leased.generation + 1, 'nothing written twice');
});
