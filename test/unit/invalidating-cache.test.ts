import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidatingCache } from '../../src/lib/invalidating-cache.ts';

const cache = (live = { on: true }) =>
  new InvalidatingCache<{ v: number } | null>({
    max: 100,
    maxAgeMs: 60_000,
    isLive: () => live.on,
  });

test('serves what it stored until a tag of the entry is invalidated', async () => {
  const c = cache();
  let loads = 0;
  const load = async () => ({ v: ++loads });
  assert.deepEqual(await c.fill('a', ['t1', 't2'], load), { v: 1 });
  assert.deepEqual(await c.fill('a', ['t1', 't2'], load), { v: 1 });
  c.invalidate('t3');
  assert.deepEqual(await c.fill('a', ['t1', 't2'], load), { v: 1 }, 'an unrelated tag');
  c.invalidate('t2');
  assert.deepEqual(await c.fill('a', ['t1', 't2'], load), { v: 2 });
  assert.equal(loads, 2);
});

test('a value read while its tag was invalidated is returned but not stored (the fill race)', async () => {
  const c = cache();
  let release!: () => void;
  const slow = c.fill('a', ['t'], () => new Promise((r) => (release = () => r({ v: 1 }))));
  c.invalidate('t'); // the change commits while the old row is on its way
  release();
  assert.deepEqual(await slow, { v: 1 });
  assert.equal(c.get('a'), undefined, 'the stale read was not cached');
  // tags computed from the value are checked the same way
  let release2!: () => void;
  const slow2 = c.fill(
    'b',
    (v) => [`x:${v?.v}`],
    () => new Promise((r) => (release2 = () => r({ v: 7 }))),
  );
  c.invalidate('x:7');
  release2();
  await slow2;
  assert.equal(c.get('b'), undefined);
});

test('serves nothing while not live, and a reset drops everything', async () => {
  const live = { on: true };
  const c = cache(live);
  await c.fill('a', ['t'], async () => ({ v: 1 }));
  live.on = false;
  assert.equal(c.get('a'), undefined);
  let loads = 0;
  await c.fill('b', ['t'], async () => ({ v: ++loads }));
  await c.fill('b', ['t'], async () => ({ v: ++loads }));
  assert.equal(loads, 2, 'nothing is stored while not live');
  live.on = true;
  assert.deepEqual(c.get('a')?.value, { v: 1 });
  c.clear();
  assert.equal(c.get('a'), undefined);
  assert.equal(c.size, 0);
});

test('bounded: the least recently used entry goes, and its tags with it', async () => {
  const c = new InvalidatingCache<{ v: number }>({ max: 2, maxAgeMs: 60_000, isLive: () => true });
  await c.fill('a', ['ta'], async () => ({ v: 1 }));
  await c.fill('b', ['tb'], async () => ({ v: 2 }));
  await c.fill('c', ['tc'], async () => ({ v: 3 }));
  assert.equal(c.size, 2);
  assert.equal(c.get('a'), undefined);
  c.invalidate('tb');
  assert.equal(c.get('b'), undefined);
  assert.ok(c.get('c'));
});
