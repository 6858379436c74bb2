import { z } from 'zod';
import {
  achterstandsscoreSchema,
  findingsBodySchema,
  freeTextBodySchema,
  gemeenteCodeSchema,
  implementedAsPlannedValues,
  isoDateSchema,
  measuredEffectBodySchema,
  menukaartCodeSchema,
  mrDecisions,
  positiveCentsSchema,
  pupilCountSchema,
  schoolNameBodySchema,
  schoolYearSchema,
  sectors,
  targetDomainsSchema,
} from './primitives.js';

/*
 * Request bodies of the school API. Strict, nested objects included: an unknown field is a client
 * error (400), not silently dropped, so typos like `plannedBudget` surface. The same schemas produce the OpenAPI document
 * (`z.toJSONSchema`). Path parameters (brin, code, gemeente) are validated with the primitives.
 */

/** `PUT /v1/schools/{brin}` (ocw, admin). */
export const registerSchoolBodySchema = z.strictObject({
  name: schoolNameBodySchema,
  sector: z.enum(sectors),
  gemeente: gemeenteCodeSchema,
  pupils: pupilCountSchema,
  achterstandsscore: achterstandsscoreSchema,
});
export type RegisterSchoolBody = z.infer<typeof registerSchoolBodySchema>;

/** `POST /v1/schools/{brin}/scans`. */
export const scanBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  completedOn: isoDateSchema,
  findings: findingsBodySchema,
});
export type ScanBody = z.infer<typeof scanBodySchema>;

/** `POST /v1/schools/{brin}/interventions`. */
export const interventionBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  plannedBudgetCents: positiveCentsSchema,
  pupilsReached: z.number().int().positive().max(1_000_000),
  targetDomains: targetDomainsSchema,
});
export type InterventionBody = z.infer<typeof interventionBodySchema>;

/** `POST /v1/schools/{brin}/interventions/{code}/withdrawals`. */
export const withdrawalBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  reason: freeTextBodySchema,
});
export type WithdrawalBody = z.infer<typeof withdrawalBodySchema>;

/** `POST /v1/schools/{brin}/mr-decisions`. */
export const mrDecisionBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  decision: z.enum(mrDecisions),
  decidedOn: isoDateSchema,
});
export type MrDecisionBody = z.infer<typeof mrDecisionBodySchema>;

/** `POST /v1/schools/{brin}/evaluations`. */
export const evaluationBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  code: menukaartCodeSchema,
  implementedAsPlanned: z.enum(implementedAsPlannedValues),
  experiencedEffect: z.number().int().min(1).max(5),
  measuredEffect: measuredEffectBodySchema.optional(),
});
export type EvaluationBody = z.infer<typeof evaluationBodySchema>;

/**
 * `POST /v1/schools/{brin}/allocations` and `POST /v1/gemeenten/{code}/allocations` (ocw). Nothing in
 * the body tells a retry from a second allocation of the same amount, so these routes also require an
 * `Idempotency-Key` header.
 */
export const allocationBodySchema = z.strictObject({
  schoolYear: schoolYearSchema,
  amountCents: positiveCentsSchema,
  basis: freeTextBodySchema,
});
export type AllocationBody = z.infer<typeof allocationBodySchema>;

/** Every request body by a stable name, for OpenAPI `components.schemas`. */
export const apiBodySchemas = {
  RegisterSchoolBody: registerSchoolBodySchema,
  ScanBody: scanBodySchema,
  InterventionBody: interventionBodySchema,
  WithdrawalBody: withdrawalBodySchema,
  MrDecisionBody: mrDecisionBodySchema,
  EvaluationBody: evaluationBodySchema,
  AllocationBody: allocationBodySchema,
} as const;
