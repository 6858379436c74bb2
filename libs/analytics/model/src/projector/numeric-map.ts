/*
 * A map from non-negative safe integers to numbers in two Float64Arrays (open addressing, linear
 * probing, backward-shift deletion). The projector keeps one entry per open interval — millions at
 * national history scale — and a JS Map spent about 70 bytes of heap per entry there plus the garbage
 * collector's time walking it; this spends 16 bytes per slot, outside the collected heap's object graph.
 */

const EMPTY = -1;
const MAX_LOAD = 0.7;
const MIN_CAPACITY = 16;

export class NumericMap {
  #keys: Float64Array;
  #values: Float64Array;
  #mask: number;
  #size = 0;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#values = new Float64Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  get(key: number): number | undefined {
    const slot = this.#find(key);
    return this.#keys[slot] === EMPTY ? undefined : this.#values[slot];
  }

  set(key: number, value: number): void {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`NumericMap keys are non-negative safe integers, not ${key}`);
    const slot = this.#find(key);
    if (this.#keys[slot] === EMPTY) {
      this.#keys[slot] = key;
      this.#size++;
      this.#values[slot] = value;
      if (this.#size > this.#keys.length * MAX_LOAD) this.#grow();
      return;
    }
    this.#values[slot] = value;
  }

  delete(key: number): boolean {
    let hole = this.#find(key);
    const keys = this.#keys;
    if (keys[hole] === EMPTY) return false;
    this.#size--;
    // Backward shift: move later members of the probe run into the hole, so lookups never need tombstones.
    let next = hole;
    for (;;) {
      next = (next + 1) & this.#mask;
      const k = keys[next] as number;
      if (k === EMPTY) break;
      const home = this.#home(k);
      // k may fill the hole only if its home slot is not cyclically within (hole, next].
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!between) {
        keys[hole] = k;
        this.#values[hole] = this.#values[next] as number;
        hole = next;
      }
    }
    keys[hole] = EMPTY;
    return true;
  }

  *entries(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.#keys.length; i++) {
      const k = this.#keys[i] as number;
      if (k !== EMPTY) yield [k, this.#values[i] as number];
    }
  }

  #home(key: number): number {
    // Folds the upper bits in, then murmur3's finaliser: a plain multiply would leave the low bits
    // (the ones the mask keeps) depending on the key's low bits only.
    let h = (key >>> 0) ^ Math.imul(Math.floor(key / 4_294_967_296), 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.#mask;
  }

  #find(key: number): number {
    let slot = this.#home(key);
    for (;;) {
      const k = this.#keys[slot];
      if (k === key || k === EMPTY) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.#values = new Float64Array(keys.length * 2);
    this.#mask = this.#keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k === EMPTY) continue;
      const slot = this.#find(k);
      this.#keys[slot] = k;
      this.#values[slot] = values[i] as number;
    }
  }
}
