/*
 * The simulator's only source of randomness: xoshiro128** (Blackman & Vigna) on 32-bit integers,
 * seeded through splitmix32. Written here from the published algorithm description so the output
 * never depends on a library's version.
 *
 * Streams are derived from a seed plus a path of labels (`derive(seed, 'school', brin, 2021)`) rather
 * than split off a running generator, so what one school gets does not depend on how many draws the
 * schools before it made. That keeps a world stable when one part of the model changes, and lets any
 * part be regenerated on its own.
 */

const UINT32 = 0x1_0000_0000;

/** FNV-1a over the label path, finished with the murmur3 avalanche so nearby labels spread out. */
export function hashLabels(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    // A separator, so ('ab','c') and ('a','bc') differ.
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** splitmix32: turns one 32-bit seed into well-mixed state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  constructor(seed32: number) {
    const st = { s: seed32 | 0 };
    this.#a = splitmix32(st);
    this.#b = splitmix32(st);
    this.#c = splitmix32(st);
    this.#d = splitmix32(st);
    // xoshiro must not start from the all-zero state.
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /** Next unsigned 32-bit integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max] (both inclusive), without modulo bias. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`bad int range ${min}..${max}`);
    const span = max - min + 1;
    if (span > UINT32) return min + Math.floor(this.float() * span);
    const limit = UINT32 - (UINT32 % span);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return min + (x % span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal (Marsaglia polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * f;
    return u * f;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Index drawn with probability proportional to its (non-negative) weight. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('weights must have a positive sum');
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** An item drawn with probability proportional to its weight (`items` and `weights` align). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length !== weights.length) throw new RangeError('items and weights differ in length');
    return items[this.weightedIndex(weights)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Fills `bytes` with random bytes (for UUID payloads). */
  fillBytes(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      const x = this.nextU32();
      bytes[i] = x & 0xff;
      if (i + 1 < bytes.length) bytes[i + 1] = (x >>> 8) & 0xff;
      if (i + 2 < bytes.length) bytes[i + 2] = (x >>> 16) & 0xff;
      if (i + 3 < bytes.length) bytes[i + 3] = x >>> 24;
    }
    return bytes;
  }
}

/** An independent generator for one purpose: same seed and labels, same sequence. */
export const derive = (seed: number, ...labels: (string | number)[]): Rng => new Rng(hashLabels([seed, ...labels]));
