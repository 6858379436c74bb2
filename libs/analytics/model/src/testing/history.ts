// A deterministic synthetic history of many schools, every event type and a few broken events, for
// crash, rebuild and equality tests. Not a simulator: just enough variety to exercise the projector.
import { menukaart } from '@npo/domain';
import { ev, school, type Step } from './events.js';

/** Mulberry32: a tiny seeded PRNG, so every run builds the same history. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const v1Codes = menukaart.filter((e) => e.editions.v1 !== undefined && e.category !== 'F').map((e) => e.code);
const gemeenten = ['GM0363', 'GM0599', 'GM0080', 'GM0060', 'GM0088', 'GM0014'];
const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';

export const brinFor = (i: number): string =>
  `${String(10 + (i % 90)).padStart(2, '0')}${letters[Math.floor(i / 90) % letters.length]}${letters[Math.floor(i / (90 * letters.length)) % letters.length]}`;

export function generateHistory(schools: number, seed = 1): Step[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const steps: Step[] = [];
  const year = '2021-2022';
  for (let i = 0; i < schools; i++) {
    const brin = brinFor(i);
    const gemeente = pick(gemeenten);
    steps.push(ev.registered(school(brin, gemeente, { pupils: 50 + Math.floor(rnd() * 500), achterstandsscore: Math.round(rnd() * 150) }), '2021-03-01'));
    steps.push(ev.scan(brin, year, '2021-04-20', { rekenen: pick(['none', 'mild', 'considerable', 'severe']) }));
    const codes = new Set<string>();
    const n = 1 + Math.floor(rnd() * 4);
    while (codes.size < n) codes.add(pick(v1Codes));
    let version = 0;
    for (const code of codes) {
      steps.push(ev.chosen(brin, year, code, 100_000 + Math.floor(rnd() * 5_000_000), '2021-05-12'));
      version++;
    }
    const [first, second] = [...codes];
    if (second !== undefined && rnd() < 0.3) {
      steps.push(ev.withdrawn(brin, year, second, '2021-06-01'));
      version++;
    }
    if (rnd() < 0.8) steps.push(ev.mr(brin, year, rnd() < 0.9 ? 'approved' : 'rejected', version, '2021-06-30'));
    steps.push(ev.funds(brin, year, 1_000_000 + Math.floor(rnd() * 20_000_000), '2021-08-15'));
    if (first !== undefined && rnd() < 0.5) {
      steps.push(
        ev.evaluated(brin, year, first, '2022-06-15', rnd() < 0.5 ? { measured: { effectSize: Math.round((rnd() * 0.8 - 0.1) * 100) / 100, pupils: 20 + Math.floor(rnd() * 80) } } : {}),
      );
    }
    if (rnd() < 0.05) steps.push(ev.raw(`school-${brin}`, 'npo.SomethingNew', { brin }, '2022-01-01'));
    if (i % 7 === 3) steps.push(ev.detailsChanged(school(brin, 'GM0363', { pupils: 300, achterstandsscore: 10 }), '2022-03-24'));
  }
  for (const g of gemeenten) steps.push(ev.gemeenteFunds(g, year, 50_000_000, '2021-08-01'));
  return steps;
}
