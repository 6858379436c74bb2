import { currentVersionOf, gemeenteStreamId, schoolStreamId, type NewEvent, type NpoEventData } from '@npo/contracts';
import type { GemeenteCommand, SchoolCommand } from '@npo/domain';
import { v7 as uuidv7 } from 'uuid';
import { planGemeenteAllocations } from '../behaviour/gemeente-allocations.js';
import { planSchoolHistory, type PlannedCommand } from '../behaviour/school-history.js';
import { isoInstant } from '../behaviour/sim-time.js';
import { actorOf, authOf, commandOf, type ApiRequest } from '../commands/api-request.js';
import { derive } from '../random/prng.js';
import { generateWorld } from '../world/generate-world.js';
import type { Merger, School, SimScale, World } from '../world/world-types.js';
import { StreamValidator } from './stream-validator.js';

export interface SimulationOptions {
  readonly scale: SimScale;
  readonly seed: number;
  /** Stop after this many events (a prefix of the run). Stress scale: the size of the world follows from it. */
  readonly maxEvents?: number;
  /** Nothing after this instant is generated (a store seeded today holds no future). */
  readonly now?: Date;
  /** Schools planned and merged into time order together; memory grows with it. Default: national in one block. */
  readonly blockSchools?: number;
}

/** One accepted command: the API request, the domain command it becomes, and the events it records. */
export interface SimStep {
  /** 0-based position of the step in the run. */
  readonly index: number;
  /** Simulated instant (ISO 8601), also the events' occurredAt. */
  readonly at: string;
  readonly streamId: string;
  readonly request: ApiRequest;
  /** Deterministic: the same step of the same run always sends the same key, so a retry is recognised. */
  readonly idempotencyKey: string;
  readonly command: SchoolCommand | GemeenteCommand;
  /** Stream position of the stream's last event before this step; -1 when the stream is new. */
  readonly versionBefore: number;
  readonly events: readonly NewEvent<NpoEventData['type'], NpoEventData['data']>[];
}

export interface Simulation {
  readonly world: World;
  readonly options: Required<Pick<SimulationOptions, 'scale' | 'seed'>> & SimulationOptions;
  /** Events the run will produce: exact for a single block, else extrapolated from the first block. */
  readonly estimatedEvents: number;
  steps(): Generator<SimStep>;
}

export const DEFAULT_STRESS_EVENTS = 10_000_000;
const DEFAULT_STRESS_BLOCK = 10_000;

export class SimulationOptionsError extends Error {
  readonly code = 'sim-options-invalid' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SimulationOptionsError';
  }
}

interface Planned {
  readonly t: number;
  readonly streamId: string;
  readonly request: ApiRequest;
}

function mergerIndex(world: World): Map<string, Merger> {
  const map = new Map<string, Merger>();
  for (const m of world.mergers) for (const code of m.from) map.set(code, m);
  return map;
}

/** Plans a block of schools (plus, for the first block, the gemeente allocations), in time order. */
function planBlock(world: World, schools: readonly School[], withGemeenten: boolean, until: number): Planned[] {
  const mergers = mergerIndex(world);
  const planned: Planned[] = [];
  const add = (streamId: string, commands: readonly PlannedCommand[]) => {
    for (const c of commands) if (c.t <= until) planned.push({ t: c.t, streamId, request: c.request });
  };
  if (withGemeenten) for (const g of planGemeenteAllocations(world)) add(gemeenteStreamId(g.gemeente), g.commands);
  for (const school of schools) add(schoolStreamId(school.brin), planSchoolHistory({ seed: world.seed, school, mergers }));
  // Stable: steps at the same instant keep their planned order (a school's own order among them).
  return planned.sort((a, b) => a.t - b.t);
}

/** Events per school of the national model, from a sample of its schools: sizes the stress world. */
function eventsPerSchool(seed: number): number {
  const national = generateWorld({ scale: 'national', seed });
  const mergers = mergerIndex(national);
  const step = Math.max(1, Math.floor(national.schools.length / 400));
  let events = 0;
  let schools = 0;
  for (let i = 0; i < national.schools.length; i += step) {
    events += planSchoolHistory({ seed, school: national.schools[i] as School, mergers }).length;
    schools++;
  }
  return events / schools;
}

export function createSimulation(input: SimulationOptions): Simulation {
  const { scale, seed } = input;
  if (!Number.isSafeInteger(seed)) throw new SimulationOptionsError(`seed must be a whole number, got ${String(seed)}`);
  const maxEvents = input.maxEvents ?? (scale === 'stress' ? DEFAULT_STRESS_EVENTS : undefined);
  if (maxEvents !== undefined && (!Number.isSafeInteger(maxEvents) || maxEvents < 1)) {
    throw new SimulationOptionsError(`maxEvents must be a whole number >= 1, got ${String(maxEvents)}`);
  }
  const until = input.now?.getTime() ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(until)) throw new SimulationOptionsError('now is not a valid date');
  let schoolMultiplier = 1;
  if (scale === 'stress') {
    const nationalSchools = generateWorld({ scale: 'national', seed }).schools.length;
    // 10% headroom over the sampled mean, so the world does not run out before the requested count.
    schoolMultiplier = Math.max(1, Math.ceil(((maxEvents ?? DEFAULT_STRESS_EVENTS) * 1.1) / (eventsPerSchool(seed) * nationalSchools)));
  }
  const world = generateWorld({ scale, seed, schoolMultiplier });
  const blockSchools = input.blockSchools ?? (scale === 'stress' ? DEFAULT_STRESS_BLOCK : world.schools.length);
  if (!Number.isSafeInteger(blockSchools) || blockSchools < 1) throw new SimulationOptionsError(`blockSchools must be a whole number >= 1`);
  const blocks: School[][] = [];
  for (let i = 0; i < world.schools.length; i += blockSchools) blocks.push(world.schools.slice(i, i + blockSchools));
  if (blocks.length === 0) blocks.push([]);

  let firstBlock: Planned[] | undefined = planBlock(world, blocks[0] as School[], true, until);
  const firstSchools = Math.max(1, (blocks[0] as School[]).length);
  const extrapolated = blocks.length === 1 ? firstBlock.length : Math.round((firstBlock.length * world.schools.length) / firstSchools);
  const estimatedEvents = maxEvents === undefined ? extrapolated : Math.min(maxEvents, extrapolated);
  const options = { ...input, scale, seed, ...(maxEvents === undefined ? {} : { maxEvents }) };

  function* steps(): Generator<SimStep> {
    const validator = new StreamValidator();
    const idRng = derive(seed, 'event-ids', scale);
    const random = new Uint8Array(16);
    const commandsSeen = new Map<string, number>();
    let index = 0;
    let eventCount = 0;
    for (let b = 0; b < blocks.length; b++) {
      const planned = b === 0 && firstBlock !== undefined ? firstBlock : planBlock(world, blocks[b] as School[], b === 0, until);
      firstBlock = undefined; // a second iteration of steps() plans again rather than reuse consumed state
      const remaining = new Map<string, number>();
      for (const p of planned) remaining.set(p.streamId, (remaining.get(p.streamId) ?? 0) + 1);
      for (const p of planned) {
        if (maxEvents !== undefined && eventCount >= maxEvents) return;
        const at = isoInstant(p.t);
        const command = commandOf(p.request);
        const { events, versionBefore } = validator.decide(p.streamId, command, at);
        const n = (commandsSeen.get(p.streamId) ?? 0) + 1;
        commandsSeen.set(p.streamId, n);
        const idempotencyKey = `sim-${scale}-${seed}-${p.streamId}-${n}`;
        const actor = actorOf(authOf(p.request));
        const envelopes = events.map((e) => ({
          id: uuidv7({ msecs: p.t, random: idRng.fillBytes(random) }),
          type: e.type,
          schemaVersion: currentVersionOf(e.type),
          occurredAt: at,
          data: e.data,
          metadata: { correlationId: idempotencyKey, causationId: null, actor, idempotencyKey },
        }));
        const left = (remaining.get(p.streamId) ?? 1) - 1;
        if (left === 0) {
          remaining.delete(p.streamId);
          validator.forget(p.streamId);
          commandsSeen.delete(p.streamId);
        } else remaining.set(p.streamId, left);
        yield { index, at, streamId: p.streamId, request: p.request, idempotencyKey, command, versionBefore, events: envelopes };
        index++;
        eventCount += events.length;
      }
    }
  }

  return { world, options, estimatedEvents, steps };
}
