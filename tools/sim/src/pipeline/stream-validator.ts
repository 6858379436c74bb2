import type { NpoEventData } from '@npo/contracts';
import {
  decideGemeente,
  decideSchool,
  evolveGemeente,
  evolveSchool,
  initialGemeenteState,
  initialSchoolState,
  isDomainRuleViolation,
  type GemeenteCommand,
  type GemeenteState,
  type SchoolCommand,
  type SchoolState,
} from '@npo/domain';

type StreamState = { kind: 'school'; state: SchoolState; version: number } | { kind: 'gemeente'; state: GemeenteState; version: number };

/**
 * The generator produced a command the real domain refuses (or one that records nothing). That is a
 * bug in the simulator, never something to write around: the run stops and says which rule.
 */
export class SimulatedCommandRejectedError extends Error {
  readonly code = 'sim-command-rejected' as const;
  constructor(
    readonly streamId: string,
    readonly commandType: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`The simulator generated a ${commandType} on ${streamId} that the domain refuses (${rule}): ${detail}`);
    this.name = 'SimulatedCommandRejectedError';
  }
}

const isGemeenteCommand = (c: SchoolCommand | GemeenteCommand): c is GemeenteCommand => c.type === 'AllocateGemeenteFunds';

/**
 * Runs every generated command through the domain's deciders on the state of its stream, as the API
 * would, and keeps each stream's state and version. A stream's state is dropped once its last
 * command is through, so memory follows the streams in flight, not the whole world.
 */
export class StreamValidator {
  readonly #streams = new Map<string, StreamState>();

  /** The decided events and the stream version before them (-1: the stream does not exist yet). */
  decide(streamId: string, command: SchoolCommand | GemeenteCommand, now: string): { events: NpoEventData[]; versionBefore: number } {
    let entry = this.#streams.get(streamId);
    let events: NpoEventData[];
    try {
      if (isGemeenteCommand(command)) {
        if (entry === undefined) entry = { kind: 'gemeente', state: initialGemeenteState(), version: -1 };
        if (entry.kind !== 'gemeente') throw new Error(`stream ${streamId} is a school stream`);
        events = decideGemeente(command, entry.state);
      } else {
        if (entry === undefined) entry = { kind: 'school', state: initialSchoolState(), version: -1 };
        if (entry.kind !== 'school') throw new Error(`stream ${streamId} is a gemeente stream`);
        events = decideSchool(command, entry.state, { now });
      }
    } catch (error) {
      if (isDomainRuleViolation(error)) throw new SimulatedCommandRejectedError(streamId, command.type, error.rule, error.message);
      throw error;
    }
    if (events.length === 0) throw new SimulatedCommandRejectedError(streamId, command.type, 'no-op', 'the command records nothing');
    const versionBefore = entry.version;
    if (entry.kind === 'school') {
      let state = entry.state;
      for (const e of events) state = evolveSchool(state, e);
      entry = { kind: 'school', state, version: entry.version + events.length };
    } else {
      let state = entry.state;
      for (const e of events) state = evolveGemeente(state, e);
      entry = { kind: 'gemeente', state, version: entry.version + events.length };
    }
    this.#streams.set(streamId, entry);
    return { events, versionBefore };
  }

  /** The state of a school stream, for checks. */
  schoolState(streamId: string): SchoolState | undefined {
    const entry = this.#streams.get(streamId);
    return entry?.kind === 'school' ? entry.state : undefined;
  }

  forget(streamId: string): void {
    this.#streams.delete(streamId);
  }
}
