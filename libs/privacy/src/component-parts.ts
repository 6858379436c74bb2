import { type LinearSystem } from './linear-system.js';

/** Which share of a release one thread protects: part `index` of `count`. */
export interface ReleasePartSelector {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_RELEASE: ReleasePartSelector = { index: 0, count: 1 };

/**
 * Assigns every connected component to one of `count` parts, largest group first to the least loaded part
 * (ties to the lower index), weighted by cell count. Components share no relation, so protecting them
 * apart gives the same pattern as protecting them together; the assignment only balances the work. A
 * presence relation joins a count's component to its amount's (a zero pair is suppressed together, see
 * presence.ts), so those stay in one part: a year's counts and amounts go to one thread. It depends on
 * nothing but the system, so every thread computes the same one.
 */
export function componentParts(system: LinearSystem, count: number): number[] {
  const group = linkedGroups(system);
  const weights = new Map<number, number>();
  system.components.forEach((spec, id) => weights.set(group[id] ?? id, (weights.get(group[id] ?? id) ?? 0) + spec.variables.length));
  const load = new Array<number>(count).fill(0);
  const partOfGroup = new Map<number, number>();
  const order = [...weights].map(([id, weight]) => ({ id, weight })).sort((a, b) => b.weight - a.weight || a.id - b.id);
  for (const { id, weight } of order) {
    let lightest = 0;
    for (let p = 1; p < count; p++) if ((load[p] ?? 0) < (load[lightest] ?? 0)) lightest = p;
    partOfGroup.set(id, lightest);
    load[lightest] = (load[lightest] ?? 0) + weight;
  }
  return system.components.map((_, id) => partOfGroup.get(group[id] ?? id) ?? 0);
}

/** Each component's group: the smallest component id it is joined to through presence relations. */
function linkedGroups(system: LinearSystem): number[] {
  const parent = system.components.map((_, id) => id);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] ?? i;
    return i;
  };
  for (const [n, a] of system.presence) {
    const x = find(system.componentOf[n] ?? 0);
    const y = find(system.componentOf[a] ?? 0);
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  }
  return parent.map((_, id) => find(id));
}

export function checkSelector(part: ReleasePartSelector): void {
  if (!Number.isInteger(part.count) || part.count < 1 || !Number.isInteger(part.index) || part.index < 0 || part.index >= part.count) {
    throw new RangeError(`release part ${part.index} of ${part.count} does not exist`);
  }
}
