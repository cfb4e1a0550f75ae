import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdSet } from '../../src/lib/id-set.ts';
import { ID_ALPHABET, idTimeMs, newId } from '../../src/lib/ids.ts';

const at = new Date('2031-01-02T03:04:05.678Z');

test('holds every id added and none other, through growth, in a few bytes per id', () => {
  const set = new IdSet('key_', 16);
  const ids = Array.from({ length: 100_000 }, () => newId('key', at));
  for (const id of ids) set.add(id);
  for (const id of ids) set.add(id); // twice: still once
  assert.equal(set.size, ids.length);
  for (const id of ids) assert.ok(set.has(id), id);
  for (let i = 0; i < 100_000; i++) assert.equal(set.has(newId('key', at)), false);
  // One character off, anywhere in the id, is another id.
  for (const id of ids.slice(0, 200)) {
    for (let p = 4; p < id.length; p++) {
      const c = ID_ALPHABET[(ID_ALPHABET.indexOf(id[p]!) + 1) % 32]!;
      assert.equal(set.has(id.slice(0, p) + c + id.slice(p + 1)), false, `${id} @${p}`);
    }
  }
  // 16 bytes a slot, at most 4/3 of the ids' count rounded up to a power of two slots.
  assert.ok(set.bytes / set.size <= 16 * (8 / 3), `${set.bytes / set.size} bytes an id`);
});

test('ids whose text is not exactly their bits (stray padding bits, all zeros) are exact too', () => {
  const set = new IdSet('key_');
  const base = newId('key', at);
  // The last character carries 3 bits and 2 of padding: 'z' sets the padding, '0'..'7' do not.
  const odd = `${base.slice(0, -1)}z`;
  const oddSibling = `${base.slice(0, -1)}y`; // same 128 bits, other padding
  const zero = `key_${'0'.repeat(26)}`;
  set.add(odd);
  set.add(zero);
  assert.ok(set.has(odd));
  assert.ok(set.has(zero));
  assert.equal(set.has(oddSibling), false);
  assert.equal(set.has(`${base.slice(0, -1)}${ID_ALPHABET[ID_ALPHABET.indexOf('z') & ~3]}`), false);
  assert.equal(set.size, 2);
  for (const bad of [
    '',
    'key_',
    `ac_${base.slice(4)}`,
    `${base}0`,
    base.slice(0, -1),
    `${base.slice(0, -1)}i`,
    `${base.slice(0, -1)}U`,
  ])
    assert.equal(set.has(bad), false, bad);
  set.add(`${base.slice(0, -1)}i`); // not an id: ignored
  assert.equal(set.size, 2);
});

test('idTimeMs reads the creation time an id carries', () => {
  assert.equal(idTimeMs(newId('key', at), 'key'), at.getTime());
  assert.ok(Number.isNaN(idTimeMs(newId('ac', at), 'key')));
  assert.ok(Number.isNaN(idTimeMs('key_0123', 'key')));
});
