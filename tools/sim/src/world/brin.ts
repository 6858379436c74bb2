import type { Rng } from '../random/prng.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** 2 digits + 2 letters. */
export const BRIN_SPACE = 100 * 26 * 26;

export class BrinSpaceExhaustedError extends Error {
  readonly code = 'brin-space-exhausted' as const;
  constructor(wanted: number) {
    super(`cannot hand out ${wanted} distinct BRIN codes`);
    this.name = 'BrinSpaceExhaustedError';
  }
}

const brinAt = (index: number): string => {
  const digits = Math.floor(index / 676);
  const rest = index % 676;
  return `${String(digits).padStart(2, '0')}${LETTERS[Math.floor(rest / 26)]}${LETTERS[rest % 26]}`;
};

/**
 * `count` distinct BRIN codes in a random order, never one of `reserved`. Up to a quarter of the
 * 4-character space they are instellingscodes (`16SW`); beyond that every school gets a vestiging
 * code (`16SW03`), which lets the stress scale go far past the 67,600 real-format instellingen.
 */
export function allocateBrins(rng: Rng, count: number, reserved: ReadonlySet<string> = new Set()): string[] {
  if (count <= BRIN_SPACE / 4) {
    const out: string[] = [];
    const taken = new Set(reserved);
    while (out.length < count) {
      const code = brinAt(rng.int(0, BRIN_SPACE - 1));
      if (taken.has(code)) continue;
      taken.add(code);
      out.push(code);
    }
    return out;
  }
  const perBase = 100;
  const bases = Math.ceil(count / perBase);
  if (bases > BRIN_SPACE) throw new BrinSpaceExhaustedError(count);
  // A random permutation of base codes is too big to shuffle cheaply at stress scale; a stride that is
  // coprime with the space visits every base exactly once in a scattered order.
  const stride = 7919; // prime, does not divide 67,600
  const offset = rng.int(0, BRIN_SPACE - 1);
  const out: string[] = [];
  for (let b = 0; out.length < count; b++) {
    if (b >= BRIN_SPACE) throw new BrinSpaceExhaustedError(count);
    const base = brinAt((offset + b * stride) % BRIN_SPACE);
    if (reserved.has(base)) continue;
    for (let v = 0; v < perBase && out.length < count; v++) out.push(`${base}${String(v).padStart(2, '0')}`);
  }
  return out;
}
