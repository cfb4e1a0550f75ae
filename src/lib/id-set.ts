import { randomBytes } from 'node:crypto';
import { ID_ALPHABET } from './ids.ts';

const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ID_ALPHABET.length; i++) VALUE[ID_ALPHABET.charCodeAt(i)] = i;
const BODY = 26;
const MAX_LOAD = 0.75;

/**
 * A set of ids of one kind (`key_…`), held as the 128 bits each id encodes rather than as strings:
 * 16 bytes a slot in one typed array (about 20–40 bytes an id with the table's slack, against some
 * 100 bytes for a string in a `Set`), so a million ids fit in tens of megabytes. Membership is
 * exact. An id whose text does not encode its bits exactly (stray padding bits, which `newId` never
 * writes) or that encodes all zeros (the empty slot) is kept in a small `Set` of strings instead.
 * Open addressing with linear probing; the slot comes from the id's random bits mixed with a
 * per-process seed, so nobody can aim ids at one run of slots.
 */
export class IdSet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  private readonly odd = new Set<string>();
  private readonly seed = randomBytes(4).readUInt32LE(0);
  /** the decoded id of the last `decode` (reused: no allocation per call) */
  private readonly w = new Uint32Array(4);

  constructor(
    private readonly prefix: string,
    initialCapacity = 1024,
  ) {
    let cap = 1;
    while (cap < initialCapacity) cap *= 2;
    this.slots = new Uint32Array(cap * 4);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count + this.odd.size;
  }

  /** Bytes held by the table (the odd ids aside). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  has(id: string): boolean {
    switch (this.decode(id)) {
      case 'bits':
        return this.find(this.slots, this.mask) >= 0;
      case 'odd':
        return this.odd.has(id);
      default:
        return false;
    }
  }

  add(id: string): void {
    const kind = this.decode(id);
    if (kind === 'odd') this.odd.add(id);
    if (kind !== 'bits') return;
    if (this.find(this.slots, this.mask) >= 0) return;
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) {
      this.grow(); // moves every id through `w`: decode this one again
      this.decode(id);
    }
    this.place(this.slots, this.mask);
    this.count++;
  }

  /** Into `w`: 'bits' when the id's text is exactly its 128 bits, 'odd' otherwise, 'none' if not an id. */
  private decode(id: string): 'bits' | 'odd' | 'none' {
    const p = this.prefix.length;
    if (id.length !== p + BODY || !id.startsWith(this.prefix)) return 'none';
    const w = this.w;
    w.fill(0);
    let exact = true;
    for (let i = 0; i < BODY; i++) {
      const c = id.charCodeAt(p + i);
      const v = c < 128 ? VALUE[c]! : -1;
      if (v < 0) return 'none';
      for (let b = 4; b >= 0; b--) {
        const bit = (v >> b) & 1;
        const pos = i * 5 + (4 - b);
        if (pos < 128) w[pos >> 5]! |= bit << (31 - (pos & 31));
        else if (bit) exact = false;
      }
    }
    if ((w[0]! | w[1]! | w[2]! | w[3]!) === 0) exact = false;
    return exact ? 'bits' : 'odd';
  }

  private home(mask: number): number {
    // The last 32 bits are random in every id newId makes.
    return (Math.imul(this.w[3]! ^ this.seed, 0x9e3779b1) >>> 0) & mask;
  }

  /** The slot holding `w`, or -1. */
  private find(slots: Uint32Array, mask: number): number {
    const w = this.w;
    for (let i = this.home(mask); ; i = (i + 1) & mask) {
      const o = i * 4;
      const a = slots[o]!;
      const b = slots[o + 1]!;
      const c = slots[o + 2]!;
      const d = slots[o + 3]!;
      if ((a | b | c | d) === 0) return -1;
      if (a === w[0] && b === w[1] && c === w[2] && d === w[3]) return i;
    }
  }

  private place(slots: Uint32Array, mask: number) {
    let i = this.home(mask);
    while ((slots[i * 4]! | slots[i * 4 + 1]! | slots[i * 4 + 2]! | slots[i * 4 + 3]!) !== 0)
      i = (i + 1) & mask;
    slots.set(this.w, i * 4);
  }

  private grow() {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Uint32Array(cap * 4);
    const mask = cap - 1;
    const w = this.w;
    for (let o = 0; o < old.length; o += 4) {
      if ((old[o]! | old[o + 1]! | old[o + 2]! | old[o + 3]!) === 0) continue;
      w[0] = old[o]!;
      w[1] = old[o + 1]!;
      w[2] = old[o + 2]!;
      w[3] = old[o + 3]!;
      this.place(slots, mask);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
