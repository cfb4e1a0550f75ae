import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OUTBOUND_BUSY,
  OutboundBusyError,
  createOutboundLimiter,
  type Release,
  type SlotOutcome,
} from '../../src/lib/outbound-limiter.ts';

const A = 'tn_a';
const B = 'tn_b';
const IDP = 'https://idp.example.com';
const GATEWAY = 'https://api.atlassian.com';

function limiter(perTenant: number, perOrigin: number, maxWaitMs = 10_000) {
  const outcomes: SlotOutcome[] = [];
  const l = createOutboundLimiter(
    { perTenant, perOrigin, maxWaitMs },
    { onSlot: (o) => outcomes.push(o) },
  );
  return { l, outcomes };
}

/** Whether the promise has settled after the pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

test('a tenant gets its cap at once; the next call waits and goes when one is released', async () => {
  const { l, outcomes } = limiter(2, 100);
  const r1 = await l.acquire(A, IDP);
  const r2 = await l.acquire(A, IDP);
  assert.equal(l.hasRoom(A), false);
  const third = l.acquire(A, IDP);
  assert.equal(await settled(third), false, 'the third call waits');
  // Another tenant on the same origin is not held up by A.
  const rb = await l.acquire(B, IDP);
  assert.deepEqual(l.stats(), { inFlight: 3, waiting: 1, tenantsAtLimit: 1, originsAtLimit: 0 });
  r1();
  const r3 = await third;
  assert.deepEqual(outcomes, ['immediate', 'immediate', 'immediate', 'waited']);
  for (const r of [r2, r3, rb]) r();
  assert.deepEqual(l.stats(), { inFlight: 0, waiting: 0, tenantsAtLimit: 0, originsAtLimit: 0 });
  assert.equal(l.hasRoom(A), true);
});

test('an origin is capped across tenants', async () => {
  const { l } = limiter(10, 2);
  const held = [await l.acquire(A, GATEWAY), await l.acquire(B, GATEWAY)];
  const waiting = l.acquire('tn_c', GATEWAY);
  assert.equal(await settled(waiting), false);
  // The same tenant to another origin is not held back by the full one.
  const other = await l.acquire('tn_c', IDP);
  held[0]!();
  (await waiting)();
  other();
  held[1]!();
  assert.equal(l.stats().inFlight, 0);
});

test('a wait that runs out is a retryable 503 outbound_busy naming the tenant cap', async () => {
  const { l, outcomes } = limiter(1, 100, 30);
  const r = await l.acquire(A, IDP);
  const err = await l.acquire(A, IDP).then(
    () => assert.fail('granted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof OutboundBusyError);
  assert.deepEqual([err.code, err.status, err.retryable], [OUTBOUND_BUSY, 503, true]);
  assert.equal(err.extra.retry_after_seconds, 1);
  assert.match(err.detail, /OUTBOUND_CONCURRENCY_PER_TENANT/);
  assert.deepEqual(outcomes, ['immediate', 'timeout']);
  // The refused waiter is gone: a release grants nothing to it and frees the slot.
  r();
  assert.deepEqual(l.stats(), { inFlight: 0, waiting: 0, tenantsAtLimit: 0, originsAtLimit: 0 });
});

test('maxWaitMs 0 refuses at once; an origin at its cap is named', async () => {
  const { l } = limiter(5, 1, 0);
  const r = await l.acquire(A, GATEWAY);
  await assert.rejects(l.acquire(B, GATEWAY), (e: unknown) => {
    assert.ok(e instanceof OutboundBusyError);
    assert.match(e.detail, /api\.atlassian\.com \(OUTBOUND_CONCURRENCY_PER_ORIGIN\)/);
    return true;
  });
  r();
});

test('release is idempotent: releasing twice frees one slot, not two', async () => {
  const { l } = limiter(1, 100);
  const r = await l.acquire(A, IDP);
  r();
  r();
  const again = await l.acquire(A, IDP);
  const next = l.acquire(A, IDP);
  assert.equal(await settled(next), false, 'the double release did not make room for two');
  again();
  (await next)();
});

test('run gives the slot back when the work throws', async () => {
  const { l } = limiter(1, 100);
  await assert.rejects(
    l.run(A, IDP, async () => {
      throw new Error('provider exploded');
    }),
    /provider exploded/,
  );
  assert.equal(l.stats().inFlight, 0);
  assert.equal(await l.run(A, IDP, async () => 'ok'), 'ok');
  assert.equal(l.stats().inFlight, 0);
});

test('an aborted wait leaves the queue and rejects with the caller’s reason', async () => {
  const { l, outcomes } = limiter(1, 100);
  const r = await l.acquire(A, IDP);
  const abort = new AbortController();
  const waiting = l.acquire(A, IDP, abort.signal);
  const reason = new Error('caller went away');
  abort.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.equal(l.stats().waiting, 0);
  r();
  assert.equal(l.stats().inFlight, 0, 'the release granted nothing to the aborted waiter');
  assert.deepEqual(outcomes, ['immediate', 'aborted']);
  // An already aborted signal never takes a slot.
  await assert.rejects(l.acquire(A, IDP, abort.signal), (e) => e === reason);
  assert.equal(l.stats().inFlight, 0);
});

test('a waiter held back by its origin does not hold back its tenant’s calls elsewhere', async () => {
  const { l } = limiter(3, 1);
  const gw = await l.acquire(B, GATEWAY);
  const heldByOrigin = l.acquire(A, GATEWAY);
  assert.equal(await settled(heldByOrigin), false);
  const releases: Release[] = [];
  for (let i = 0; i < 2; i++) releases.push(await l.acquire(A, `https://idp${i}.example.com`));
  gw();
  releases.push(await heldByOrigin);
  releases.forEach((r) => r());
  assert.equal(l.stats().inFlight, 0);
});

test('waiters are served in order among those whose keys have room', async () => {
  const { l } = limiter(1, 100);
  const r = await l.acquire(A, IDP);
  const order: number[] = [];
  const waits = [1, 2, 3].map((n) =>
    l.acquire(A, IDP).then((release) => {
      order.push(n);
      release();
    }),
  );
  r();
  await Promise.all(waits);
  assert.deepEqual(order, [1, 2, 3]);
});
