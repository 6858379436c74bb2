import { gemeenteAllocation } from '../funding/funding-rules.js';
import { derive } from '../random/prng.js';
import type { World } from '../world/world-types.js';
import type { PlannedCommand } from './school-history.js';
import { between } from './sim-time.js';

/**
 * One specifieke uitkering per gemeente existing in 2021, in July 2021 before the money becomes
 * spendable (1 August 2021), on its schools' 1 October 2020 pupils. The GOAB score is synthetic: the
 * sum of its basisscholen's achterstandsscores (GOAB is about young children, so po only).
 */
export function planGemeenteAllocations(world: World): { readonly gemeente: string; readonly commands: PlannedCommand[] }[] {
  const merged = new Set(world.mergers.map((m) => m.into.code));
  const pupils = new Map<string, number>();
  const goab = new Map<string, number>();
  for (const s of world.schools) {
    pupils.set(s.gemeente, (pupils.get(s.gemeente) ?? 0) + s.pupils);
    if (s.sector === 'bo') goab.set(s.gemeente, (goab.get(s.gemeente) ?? 0) + s.achterstandsscore);
  }
  return world.gemeenten
    .filter((g) => !merged.has(g.code) && (pupils.get(g.code) ?? 0) > 0)
    .map((g) => {
      const rng = derive(world.seed, 'gemeente', g.code);
      const allocation = gemeenteAllocation({ pupils: pupils.get(g.code) ?? 0, goabScore: Math.round((goab.get(g.code) ?? 0) * 100) / 100 });
      const t = between(rng, '2021-07-12', '2021-07-23');
      return {
        gemeente: g.code,
        commands: [
          { t, request: { kind: 'gemeenteAllocation', gemeente: g.code, body: { schoolYear: '2021-2022', amountCents: allocation.amountCents, basis: allocation.basis } } },
        ],
      };
    });
}
