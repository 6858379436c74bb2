import { type LinearSystem } from './linear-system.js';

/** Which share of a release one thread protects: part `index` of `count`. */
export interface ReleasePartSelector {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_RELEASE: ReleasePartSelector = { index: 0, count: 1 };

/**
 * Assigns every connected component to one of `count` parts, largest first to the least loaded part
 * (ties to the lower index), weighted by cell count. Components share no relation, so protecting them
 * apart gives the same pattern as protecting them together; the assignment only balances the work. It
 * depends on nothing but the system, so every thread computes the same one.
 */
export function componentParts(system: LinearSystem, count: number): number[] {
  const load = new Array<number>(count).fill(0);
  const partOf = new Array<number>(system.components.length).fill(0);
  const order = system.components.map((spec, id) => ({ id, weight: spec.variables.length })).sort((a, b) => b.weight - a.weight || a.id - b.id);
  for (const { id, weight } of order) {
    let lightest = 0;
    for (let p = 1; p < count; p++) if ((load[p] ?? 0) < (load[lightest] ?? 0)) lightest = p;
    partOf[id] = lightest;
    load[lightest] = (load[lightest] ?? 0) + weight;
  }
  return partOf;
}

export function checkSelector(part: ReleasePartSelector): void {
  if (!Number.isInteger(part.count) || part.count < 1 || !Number.isInteger(part.index) || part.index < 0 || part.index >= part.count) {
    throw new RangeError(`release part ${part.index} of ${part.count} does not exist`);
  }
}
