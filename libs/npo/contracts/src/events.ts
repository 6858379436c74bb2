import { z } from 'zod';
import {
  achterstandsscoreSchema,
  brinSchema,
  findingsSchema,
  freeTextSchema,
  gemeenteCodeSchema,
  implementedAsPlannedValues,
  isoDateSchema,
  measuredEffectSchema,
  menukaartCodeSchema,
  positiveCentsSchema,
  pupilCountSchema,
  schoolNameSchema,
  schoolYearSchema,
  sectors,
  targetDomainsSchema,
} from './primitives.js';

/*
 * The v1 wire contract. Every school event carries `brin` and every gemeente event `gemeente`, so a
 * consumer (Kafka, analytics) never has to parse stream ids to know whom an event is about.
 * Event data schemas strip unknown keys rather than reject them: a consumer must tolerate additive
 * fields from a newer producer. Breaking changes get a new schemaVersion and an upcaster.
 */

export const SchoolRegistered = 'npo.SchoolRegistered' as const;
export const SchoolDetailsChanged = 'npo.SchoolDetailsChanged' as const;
export const ScanCompleted = 'npo.ScanCompleted' as const;
export const InterventionChosen = 'npo.InterventionChosen' as const;
export const InterventionWithdrawn = 'npo.InterventionWithdrawn' as const;
export const MrApproved = 'npo.MrApproved' as const;
export const MrRejected = 'npo.MrRejected' as const;
export const FundsAllocated = 'npo.FundsAllocated' as const;
export const GemeenteFundsAllocated = 'npo.GemeenteFundsAllocated' as const;
export const InterventionEvaluated = 'npo.InterventionEvaluated' as const;

/** Reference data of a school as DUO/CBS (or the school's first submission) give it. */
export const schoolDetailsSchema = z.object({
  brin: brinSchema,
  name: schoolNameSchema,
  sector: z.enum(sectors),
  gemeente: gemeenteCodeSchema,
  pupils: pupilCountSchema,
  achterstandsscore: achterstandsscoreSchema,
});
export type SchoolDetails = z.infer<typeof schoolDetailsSchema>;

export const schoolRegisteredSchema = schoolDetailsSchema;
export type SchoolRegisteredData = z.infer<typeof schoolRegisteredSchema>;

/** The full new reference data (not a diff), e.g. after a gemeente merger or a new pupil count. */
export const schoolDetailsChangedSchema = schoolDetailsSchema;
export type SchoolDetailsChangedData = z.infer<typeof schoolDetailsChangedSchema>;

export const scanCompletedSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  completedOn: isoDateSchema,
  findings: findingsSchema,
});
export type ScanCompletedData = z.infer<typeof scanCompletedSchema>;

/** Current version (2): an intervention may aim at several domains. */
export const interventionChosenSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  targetDomains: targetDomainsSchema,
  plannedBudgetCents: positiveCentsSchema,
  pupilsReached: z.number().int().positive().max(1_000_000),
});
export type InterventionChosenData = z.infer<typeof interventionChosenSchema>;

export const interventionWithdrawnSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  reason: freeTextSchema,
});
export type InterventionWithdrawnData = z.infer<typeof interventionWithdrawnSchema>;

/** An MR decision names the plan version it is about, so a later change visibly needs new consent. */
export const mrDecisionSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  planVersion: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  decidedOn: isoDateSchema,
});
export const mrApprovedSchema = mrDecisionSchema;
export type MrApprovedData = z.infer<typeof mrApprovedSchema>;
export const mrRejectedSchema = mrDecisionSchema;
export type MrRejectedData = z.infer<typeof mrRejectedSchema>;

export const fundsAllocatedSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  amountCents: positiveCentsSchema,
  basis: freeTextSchema,
});
export type FundsAllocatedData = z.infer<typeof fundsAllocatedSchema>;

export const gemeenteFundsAllocatedSchema = z.object({
  gemeente: gemeenteCodeSchema,
  schoolYear: schoolYearSchema,
  amountCents: positiveCentsSchema,
  basis: freeTextSchema,
});
export type GemeenteFundsAllocatedData = z.infer<typeof gemeenteFundsAllocatedSchema>;

export const interventionEvaluatedSchema = z.object({
  brin: brinSchema,
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  implementedAsPlanned: z.enum(implementedAsPlannedValues),
  /** The school's own judgement, 1 (none) .. 5 (large). */
  experiencedEffect: z.number().int().min(1).max(5),
  measuredEffect: measuredEffectSchema.optional(),
});
export type InterventionEvaluatedData = z.infer<typeof interventionEvaluatedSchema>;

/** `{type, data}` pairs: what a decider emits and what `decodeEvent` returns inside an envelope. */
export type NpoEventData =
  | { readonly type: typeof SchoolRegistered; readonly data: SchoolRegisteredData }
  | { readonly type: typeof SchoolDetailsChanged; readonly data: SchoolDetailsChangedData }
  | { readonly type: typeof ScanCompleted; readonly data: ScanCompletedData }
  | { readonly type: typeof InterventionChosen; readonly data: InterventionChosenData }
  | { readonly type: typeof InterventionWithdrawn; readonly data: InterventionWithdrawnData }
  | { readonly type: typeof MrApproved; readonly data: MrApprovedData }
  | { readonly type: typeof MrRejected; readonly data: MrRejectedData }
  | { readonly type: typeof FundsAllocated; readonly data: FundsAllocatedData }
  | { readonly type: typeof GemeenteFundsAllocated; readonly data: GemeenteFundsAllocatedData }
  | { readonly type: typeof InterventionEvaluated; readonly data: InterventionEvaluatedData };

export type NpoEventType = NpoEventData['type'];
export type NpoEventOf<T extends NpoEventType> = Extract<NpoEventData, { type: T }>;
export type NpoSchoolEventData = Exclude<NpoEventData, { type: typeof GemeenteFundsAllocated }>;
export type NpoGemeenteEventData = NpoEventOf<typeof GemeenteFundsAllocated>;

export interface EventContract {
  /** The version producers write today; older versions are upcast to it on read. */
  readonly currentVersion: number;
  readonly schema: z.ZodType;
}

/** The registry: wire name -> current version and the schema of that version's `data`. */
export const eventContracts = {
  [SchoolRegistered]: { currentVersion: 1, schema: schoolRegisteredSchema },
  [SchoolDetailsChanged]: { currentVersion: 1, schema: schoolDetailsChangedSchema },
  [ScanCompleted]: { currentVersion: 1, schema: scanCompletedSchema },
  [InterventionChosen]: { currentVersion: 2, schema: interventionChosenSchema },
  [InterventionWithdrawn]: { currentVersion: 1, schema: interventionWithdrawnSchema },
  [MrApproved]: { currentVersion: 1, schema: mrApprovedSchema },
  [MrRejected]: { currentVersion: 1, schema: mrRejectedSchema },
  [FundsAllocated]: { currentVersion: 1, schema: fundsAllocatedSchema },
  [GemeenteFundsAllocated]: { currentVersion: 1, schema: gemeenteFundsAllocatedSchema },
  [InterventionEvaluated]: { currentVersion: 1, schema: interventionEvaluatedSchema },
} as const satisfies Record<NpoEventType, EventContract>;

export const npoEventTypes = Object.keys(eventContracts) as NpoEventType[];

export const isNpoEventType = (type: string): type is NpoEventType => Object.hasOwn(eventContracts, type);

/** The version a producer writes for `type` today. */
export const currentVersionOf = (type: NpoEventType): number => eventContracts[type].currentVersion;
