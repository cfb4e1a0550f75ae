import assert from 'node:assert/strict';
import { test } from 'node:test';
import { laneShare, runFairly } from '../../src/lib/fair-lanes.ts';

interface Item {
  tenant: string;
  n: number;
}

const items = (tenant: string, count: number): Item[] =>
  Array.from({ length: count }, (_, n) => ({ tenant, n }));

/** Work whose items of `held` tenants do not end until released; records what ran at once. */
function work(held: Set<string>) {
  const gates: (() => void)[] = [];
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const done: Item[] = [];
  return {
    done,
    peak,
    held: () => gates.length,
    release() {
      held.clear();
      gates.splice(0).forEach((g) => g());
    },
    async run(it: Item) {
      const n = (running.get(it.tenant) ?? 0) + 1;
      running.set(it.tenant, n);
      peak.set(it.tenant, Math.max(peak.get(it.tenant) ?? 0, n));
      if (held.has(it.tenant)) await new Promise<void>((r) => gates.push(r));
      else await new Promise((r) => setImmediate(r));
      running.set(it.tenant, running.get(it.tenant)! - 1);
      done.push(it);
    },
  };
}

async function until(ok: () => boolean) {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(ok(), 'the condition did not come true');
}

test('laneShare: half the lanes, at least one', () => {
  assert.deepEqual([1, 2, 3, 16].map(laneShare), [1, 1, 2, 8]);
});

test('a tenant whose work hangs holds at most its share; the others’ items all run meanwhile', async () => {
  const w = work(new Set(['A']));
  const run = runFairly([...items('A', 10), ...items('B', 5), ...items('C', 3)], {
    lanes: 4,
    perKey: 2,
    keyOf: (it) => it.tenant,
    run: (it) => w.run(it),
  });
  await until(() => w.done.length === 8);
  assert.equal(w.held(), 2, 'A holds its two lanes, no more');
  assert.deepEqual(
    w.done.map((d) => d.tenant).sort(),
    ['B', 'B', 'B', 'B', 'B', 'C', 'C', 'C'],
    'B and C finished while A hung',
  );
  w.release();
  assert.deepEqual(await run, []);
  assert.equal(w.done.length, 18);
  assert.equal(w.peak.get('A'), 2);
});

test('a tenant without outbound room waits while others can run, then gets its turn', async () => {
  const order: string[] = [];
  await runFairly([...items('A', 2), ...items('B', 2)], {
    lanes: 1,
    perKey: 1,
    keyOf: (it) => it.tenant,
    ready: (k) => k !== 'A',
    run: async (it) => {
      order.push(it.tenant);
      await new Promise((r) => setImmediate(r));
    },
  });
  assert.deepEqual(order, ['B', 'B', 'A', 'A'], 'B first; A once nothing else was left');
});

test('with its items in hand all held back, the pool asks for more of the other tenants', async () => {
  const w = work(new Set(['A']));
  const asked: string[][] = [];
  const batches = [items('A', 6), items('B', 2), []];
  const run = runFairly<Item>([], {
    lanes: 4,
    perKey: 2,
    keyOf: (it) => it.tenant,
    run: (it) => w.run(it),
    more: async (exclude) => {
      asked.push([...exclude].sort());
      const next = batches.shift() ?? [];
      return { items: next, last: next.length < 6 };
    },
  });
  await until(() => w.done.length === 2);
  assert.deepEqual(asked, [[], ['A']], 'A was left out of the claim while it hung');
  assert.deepEqual(
    w.done.map((d) => d.tenant),
    ['B', 'B'],
  );
  w.release();
  assert.deepEqual(await run, []);
  assert.equal(w.done.length, 8);
  assert.equal(w.peak.get('A'), 2);
  // Nothing more was due outside A; with A no longer held back it was asked once more.
  assert.deepEqual(asked, [[], ['A'], []]);
});

test('items not started when stop() turns true are handed back', async () => {
  let stop = false;
  const w = work(new Set(['A']));
  const run = runFairly(items('A', 5), {
    lanes: 4,
    perKey: 2,
    keyOf: (it) => it.tenant,
    run: (it) => w.run(it),
    stop: () => stop,
  });
  await until(() => w.held() === 2);
  stop = true;
  w.release();
  const left = await run;
  assert.equal(left.length, 3);
  assert.equal(w.done.length, 2);
});

test('a failing run or fetch ends the pool with that error once the work under way is done', async () => {
  await assert.rejects(
    runFairly(items('A', 3), {
      lanes: 2,
      perKey: 2,
      keyOf: (it) => it.tenant,
      run: async (it) => {
        if (it.n === 0) throw new Error('boom');
      },
    }),
    /boom/,
  );
  await assert.rejects(
    runFairly<Item>([], {
      lanes: 2,
      perKey: 1,
      keyOf: (it) => it.tenant,
      run: async () => {},
      more: async () => {
        throw new Error('database unavailable');
      },
    }),
    /database unavailable/,
  );
});
