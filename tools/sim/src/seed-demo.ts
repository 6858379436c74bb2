import type { EventStore } from '@npo/event-store';
import { createSimulation } from './pipeline/simulation.js';
import { writeToStore } from './targets/store-target.js';
import { generateWorld } from './world/generate-world.js';

/** The seed of the demo world `npm start` shows; fixed so every fresh start looks the same. */
export const DEMO_SEED = 20210420;

export interface SeedDemoResult {
  /** False when the store already held events and nothing was written. */
  readonly seeded: boolean;
  readonly events: number;
  readonly gemeenten: readonly { readonly code: string; readonly name: string; readonly schools: number }[];
  readonly schools: readonly { readonly brin: string; readonly name: string; readonly sector: string; readonly gemeente: string }[];
  /** A school and a gemeente to print demo tokens for. */
  readonly example: { readonly brin: string; readonly gemeente: string };
}

/**
 * Seeds the demo world into an empty store: four Frisian gemeenten (one of them with three schools,
 * so reports must suppress), about eighty schools and some four thousand events over 2021-2025.
 * Nothing after `clock()` is written. A store that already holds events is left alone.
 */
export async function seedDemo(store: EventStore, clock: () => Date = () => new Date(), options: { readonly seed?: number } = {}): Promise<SeedDemoResult> {
  const seed = options.seed ?? DEMO_SEED;
  const world = generateWorld({ scale: 'demo', seed });
  const summary = {
    gemeenten: world.gemeenten.map((g) => ({ code: g.code, name: g.name, schools: world.schools.filter((s) => s.gemeente === g.code).length })),
    schools: world.schools.map(({ brin, name, sector, gemeente }) => ({ brin, name, sector, gemeente })),
    example: { brin: '16SW', gemeente: 'GM0074' },
  };
  if ((await store.headPosition()) >= 0) return { seeded: false, events: 0, ...summary };
  const result = await writeToStore(store, createSimulation({ scale: 'demo', seed, now: clock() }).steps(), { requireEmpty: true });
  return { seeded: true, events: result.events, ...summary };
}
