import { brinPattern, gemeenteCodePattern, sectors, type Sector } from '@npo/contracts';
import { describe, expect, it } from 'vitest';
import { schoolAllocation } from '../funding/funding-rules.js';
import { generateWorld } from './generate-world.js';
import type { School } from './world-types.js';

const national = generateWorld({ scale: 'national', seed: 7 });
const demo = generateWorld({ scale: 'demo', seed: 7 });

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const allocation2021 = (s: School) => schoolAllocation('2021-2022', s)?.amountCents ?? 0;

describe('national world', () => {
  it('has the school counts of NPO-FACTS.md per sector', () => {
    const count = (sector: Sector) => national.schools.filter((s) => s.sector === sector).length;
    expect(count('bo')).toBe(6081);
    expect(count('sbo')).toBe(263);
    expect(count('vo') + count('pro')).toBe(650);
    expect(count('so') + count('vso')).toBe(264);
  });

  it('starts with 352 gemeenten and merges down to 342', () => {
    const merged = new Set(national.mergers.flatMap((m) => m.from));
    const initial = national.gemeenten.length - national.mergers.length;
    expect(initial).toBe(352);
    expect(initial - merged.size + national.mergers.length).toBe(342);
    expect(new Set(national.gemeenten.map((g) => g.code)).size).toBe(national.gemeenten.length);
    for (const g of national.gemeenten) expect(g.code).toMatch(gemeenteCodePattern);
  });

  it('has the real skew: many small gemeenten, a few large ones', () => {
    const perGemeente = new Map<string, number>();
    for (const s of national.schools.filter((x) => x.sector === 'bo')) perGemeente.set(s.gemeente, (perGemeente.get(s.gemeente) ?? 0) + 1);
    const counts = [...perGemeente.values()];
    expect(counts.length).toBe(352); // every gemeente has a basisschool
    expect(median(counts)).toBeGreaterThanOrEqual(7);
    expect(median(counts)).toBeLessThanOrEqual(16);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(150);
    expect(counts.filter((n) => n <= 4).length).toBeGreaterThanOrEqual(10);
    expect(mean(counts)).toBeGreaterThan(median(counts)); // right-skewed
  });

  it('gives distinct, valid BRIN codes', () => {
    const brins = national.schools.map((s) => s.brin);
    expect(new Set(brins).size).toBe(brins.length);
    for (const b of brins) expect(b).toMatch(brinPattern);
  });

  it('has about 1.48 million po pupils', () => {
    const po = national.schools.filter((s) => s.sector === 'bo' || s.sector === 'sbo').reduce((sum, s) => sum + s.pupils, 0);
    expect(po).toBeGreaterThan(1_380_000);
    expect(po).toBeLessThan(1_580_000);
  });

  it('reproduces the OCW averages: about EUR 180k per basisschool, EUR 1.3m per vo school (2021-22)', () => {
    const bo = mean(national.schools.filter((s) => s.sector === 'bo').map(allocation2021)) / 100;
    const vo = mean(national.schools.filter((s) => s.sector === 'vo').map(allocation2021)) / 100;
    expect(bo).toBeGreaterThan(162_000);
    expect(bo).toBeLessThan(198_000);
    expect(vo).toBeGreaterThan(1_150_000);
    expect(vo).toBeLessThan(1_450_000);
  });

  it('is the same world for the same seed and another for another seed', () => {
    expect(generateWorld({ scale: 'national', seed: 7 })).toEqual(national);
    expect(generateWorld({ scale: 'national', seed: 8 }).schools.map((s) => s.brin)).not.toEqual(national.schools.map((s) => s.brin));
  });
});

describe('demo world', () => {
  it('is small, includes school 16SW and a gemeente with 2-4 schools', () => {
    expect(demo.schools.length).toBeLessThan(120);
    expect(demo.schools.find((s) => s.brin === '16SW')?.gemeente).toBe('GM0074');
    const perGemeente = demo.gemeenten.map((g) => demo.schools.filter((s) => s.gemeente === g.code).length);
    expect(perGemeente.some((n) => n >= 2 && n <= 4)).toBe(true);
    expect(perGemeente.filter((n) => n >= 10).length).toBeGreaterThanOrEqual(2);
  });

  it('covers every sector', () => {
    for (const sector of sectors) expect(demo.schools.some((s) => s.sector === sector)).toBe(true);
  });
});

describe('stress world', () => {
  it('multiplies the national school counts and switches to vestiging codes', () => {
    const stress = generateWorld({ scale: 'stress', seed: 7, schoolMultiplier: 3 });
    expect(stress.schools.length).toBe(national.schools.length * 3);
    const brins = stress.schools.map((s) => s.brin);
    expect(new Set(brins).size).toBe(brins.length);
    expect(brins.every((b) => brinPattern.test(b) && b.length === 6)).toBe(true);
  });
});
