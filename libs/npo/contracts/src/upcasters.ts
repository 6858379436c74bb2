import { z } from 'zod';
import { eventContracts, InterventionChosen, isNpoEventType, type NpoEventType } from './events.js';
import {
  brinSchema,
  menukaartCodeSchema,
  positiveCentsSchema,
  scanDomains,
  schoolYearSchema,
} from './primitives.js';

/** One step: data of version N in, data of version N+1 out. Throw (any error) if the input is not version N. */
export type Upcaster = (data: unknown) => unknown;

export type UpcastResult =
  | { readonly ok: true; readonly version: number; readonly data: unknown }
  | { readonly ok: false; readonly reason: string };

/** `npo.InterventionChosen` v1 (the 2021 pilot contract): a single target domain. */
export const interventionChosenV1Schema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  targetDomain: z.enum(scanDomains),
  plannedBudgetCents: positiveCentsSchema,
  pupilsReached: z.number().int().positive(),
});
export type InterventionChosenV1Data = z.infer<typeof interventionChosenV1Schema>;

const interventionChosenV1ToV2: Upcaster = (data) => {
  const { targetDomain, ...rest } = interventionChosenV1Schema.parse(data);
  return { ...rest, targetDomains: [targetDomain] };
};

/**
 * Registered steps per type, keyed by the version they upgrade FROM. A type whose current version is N
 * must have steps 1..N-1 (checked by a unit test), so every stored version can be read forever.
 */
export const upcasters: { readonly [T in NpoEventType]?: Readonly<Record<number, Upcaster>> } = {
  [InterventionChosen]: { 1: interventionChosenV1ToV2 },
};

const describe = (err: unknown): string =>
  err instanceof z.ZodError
    ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    : err instanceof Error
      ? err.message
      : String(err);

/**
 * Walks the registered steps from `version` to the type's current version. The result is NOT yet
 * validated against the current schema; `decodeEvent` does that.
 */
export function upcast(type: string, version: number, data: unknown): UpcastResult {
  if (!isNpoEventType(type)) return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  const { currentVersion } = eventContracts[type];
  if (!Number.isSafeInteger(version) || version < 1) {
    return { ok: false, reason: `${type}: schemaVersion ${String(version)} is not a positive integer` };
  }
  if (version > currentVersion) {
    return { ok: false, reason: `${type}: schemaVersion ${version} is newer than this reader's current version ${currentVersion}` };
  }
  const steps = upcasters[type] ?? {};
  let current = data;
  for (let v = version; v < currentVersion; v++) {
    const step = steps[v];
    if (step === undefined) return { ok: false, reason: `${type}: no upcaster from v${v} to v${v + 1}` };
    try {
      current = step(current);
    } catch (err) {
      return { ok: false, reason: `${type}: v${v} data cannot be upcast: ${describe(err)}` };
    }
  }
  return { ok: true, version: currentVersion, data: current };
}

export { describe as describeValidationError };
