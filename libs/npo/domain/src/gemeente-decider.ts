import { validateEventData, type NpoEventData, type NpoGemeenteEventData } from '@npo/contracts';
import type { GemeenteCommand } from './commands.js';
import { isProgrammeSchoolYear } from './menukaart.js';
import { DomainRuleViolation } from './rules.js';

/** State of stream `gemeente-<GMcode>`: the allocations (specifieke uitkering NPO) it received. */
export interface GemeenteState {
  readonly gemeente: string | null;
  readonly allocations: ReadonlyMap<string, readonly { readonly amountCents: number; readonly basis: string }[]>;
}

export const initialGemeenteState = (): GemeenteState => ({ gemeente: null, allocations: new Map() });

export function evolveGemeente(state: GemeenteState, event: NpoEventData): GemeenteState {
  if (event.type !== 'npo.GemeenteFundsAllocated') return state;
  const { gemeente, schoolYear, amountCents, basis } = event.data;
  const allocations = new Map(state.allocations);
  allocations.set(schoolYear, [...(state.allocations.get(schoolYear) ?? []), { amountCents, basis }]);
  return { gemeente, allocations };
}

/**
 * Gemeenten are not registered: the CBS code list is public reference data, so the first allocation
 * opens the stream. Several allocations per year are allowed (tranches, corrections upward).
 */
export function decideGemeente(command: GemeenteCommand, state: GemeenteState): NpoGemeenteEventData[] {
  switch (command.type) {
    case 'AllocateGemeenteFunds': {
      const { gemeente, schoolYear, amountCents } = command.data;
      if (state.gemeente !== null && state.gemeente !== gemeente) {
        throw new DomainRuleViolation('stream-mismatch', `Command for ${gemeente} decided on the stream of ${state.gemeente}.`);
      }
      if (!isProgrammeSchoolYear(schoolYear)) {
        throw new DomainRuleViolation('school-year-outside-programme', `${schoolYear} is not an NPO programme year.`);
      }
      if (command.actor.role !== 'ocw') {
        throw new DomainRuleViolation('allocation-requires-ocw', `Role ${command.actor.role} cannot allocate funds.`);
      }
      if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
        throw new DomainRuleViolation('amount-not-positive-cents', `amountCents must be positive whole cents, got ${String(amountCents)}.`);
      }
      // The reports add the year's allocations up: past 2^53 - 1 cents the total is no longer exact.
      const total = (state.allocations.get(schoolYear) ?? []).reduce((sum, a) => sum + a.amountCents, amountCents);
      if (total > Number.MAX_SAFE_INTEGER) {
        throw new DomainRuleViolation('total-beyond-exact-cents', `The allocations to ${gemeente} for ${schoolYear} would exceed ${Number.MAX_SAFE_INTEGER} cents.`);
      }
      const result = validateEventData('npo.GemeenteFundsAllocated', command.data);
      if (!result.ok) throw new DomainRuleViolation('invalid-command', result.reason);
      return [result.event];
    }
    default:
      return assertNever(command.type);
  }
}

const assertNever = (x: never): never => {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
};

/** Total allocated per school year, for reports and the API. */
export const gemeenteAllocationTotals = (state: GemeenteState): Record<string, number> =>
  Object.fromEntries([...state.allocations].map(([year, list]) => [year, list.reduce((sum, a) => sum + a.amountCents, 0)]));

/** The gemeente decider as one value, emmett style. Stream: `gemeente-<GMcode>`. */
export const gemeenteDecider = {
  decide: (command: GemeenteCommand, state: GemeenteState, _context?: unknown) => decideGemeente(command, state),
  evolve: evolveGemeente,
  initialState: initialGemeenteState,
} as const;
