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
  mrDecisions,
  pupilCountSchema,
  schoolNameSchema,
  schoolYearSchema,
  sectors,
  targetDomainsSchema,
} from './primitives.js';

const cents = z.number().int().nonnegative();

/** `201` answer to every accepted command. */
export const commandAcceptedSchema = z.object({
  eventId: z.string(),
  streamVersion: z.number().int().nonnegative(),
  globalPosition: z.number().int().nonnegative(),
});
export type CommandAccepted = z.infer<typeof commandAcceptedSchema>;

/** RFC 9457 problem details; `rule` names the broken domain rule on a 422. */
export const problemDetailsSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  rule: z.string().optional(),
  /** Stable machine-readable code when one kind covers several errors (e.g. NOT_OWN_GEMEENTE). */
  code: z.string().optional(),
  /** Quote it when reporting a problem: it finds the request in the logs. */
  correlationId: z.string().optional(),
});
export type ProblemDetails = z.infer<typeof problemDetailsSchema>;

export const consentStatuses = ['needs-consent', 'approved', 'rejected'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

/** One school year of a school's plan as `GET /v1/schools/{brin}` shows it. */
export const schoolYearPlanSchema = z.object({
  schoolYear: schoolYearSchema,
  /** `findings` only for the school itself: scan results do not go to the government 1:1. */
  scan: z.object({ completedOn: isoDateSchema, findings: findingsSchema.optional() }).nullable(),
  /** Increases with every choice or withdrawal in that year; MR consent is for one version. */
  planVersion: z.number().int().nonnegative(),
  consent: z.object({
    status: z.enum(consentStatuses),
    /** The latest MR decision, possibly about an older plan version. */
    lastDecision: z
      .object({ decision: z.enum(mrDecisions), planVersion: z.number().int().nonnegative(), decidedOn: isoDateSchema })
      .nullable(),
  }),
  activeChoices: z.array(
    z.object({
      code: menukaartCodeSchema,
      targetDomains: targetDomainsSchema,
      plannedBudgetCents: cents,
      pupilsReached: z.number().int().nonnegative(),
    }),
  ),
  withdrawnCodes: z.array(menukaartCodeSchema),
  plannedBudgetCents: cents,
  allocatedCents: cents,
  allocations: z.array(z.object({ amountCents: cents, basis: freeTextSchema })),
  evaluations: z.array(
    z.object({
      code: menukaartCodeSchema,
      implementedAsPlanned: z.enum(implementedAsPlannedValues),
      experiencedEffect: z.number().int().min(1).max(5),
      measuredEffect: measuredEffectSchema.optional(),
    }),
  ),
});
export type SchoolYearPlan = z.infer<typeof schoolYearPlanSchema>;

/** `GET /v1/schools/{brin}`. */
export const schoolPlanViewSchema = z.object({
  brin: brinSchema,
  name: schoolNameSchema,
  sector: z.enum(sectors),
  gemeente: gemeenteCodeSchema,
  pupils: pupilCountSchema,
  achterstandsscore: achterstandsscoreSchema,
  years: z.array(schoolYearPlanSchema),
});
export type SchoolPlanView = z.infer<typeof schoolPlanViewSchema>;

export const apiResponseSchemas = {
  CommandAccepted: commandAcceptedSchema,
  ProblemDetails: problemDetailsSchema,
  SchoolPlanView: schoolPlanViewSchema,
} as const;
