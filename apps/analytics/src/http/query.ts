import { schoolYearSchema } from '@npo/contracts';
import { z } from 'zod';

/** A release number as written in a URL: decimal digits only (no `0x1`, `1e0`, ` 1` or `1.0` for release 1). */
export const releaseNumberSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'a release number: 1 to 999999999, decimal digits only')
  .transform(Number);

// Strict: a misspelt or unsupported parameter (`format=csv`, `schoolyear=`) is refused, not silently ignored.
export const reportQuerySchema = z
  .object({
    schoolYear: schoolYearSchema.optional(),
    /** Ad hoc, as of the end of this day (ocw/admin). Without it: a release. */
    asOf: z.iso.date().optional(),
    /** A release number; default the latest. */
    release: releaseNumberSchema.optional(),
  })
  .strict();
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** The evidence view shows every school year side by side: a `schoolYear` would change nothing, so it is refused. */
export const evidenceQuerySchema = reportQuerySchema.omit({ schoolYear: true });

const percent = z.number().gt(0).lte(100);
/*
 * Upper bounds far beyond any meaningful setting (the Netherlands has ~9,000 schools; NPO's whole budget is
 * under €10 billion): they only keep absurd values (1e15) from sending a release into minutes of LP work.
 */
const MAX_SCHOOLS = 100_000;
const MAX_CENTS = 10_000_000_000_000;
const MAX_WEIGHT = 1_000_000;
const nonNegativeInt = z.number().int().nonnegative().max(MAX_SCHOOLS);
const cents = z.number().int().nonnegative().max(MAX_CENTS);
const weight = z.number().nonnegative().max(MAX_WEIGHT);

/**
 * Overrides of the disclosure settings (libs/privacy README), checked strictly: a misspelt key would
 * otherwise be ignored and the release made with settings nobody asked for. Whether they protect at
 * least as much as the service's settings is the release service's check.
 */
export const disclosureOverridesSchema = z
  .object({
    minFrequency: z.number().int().positive().max(MAX_SCHOOLS).optional(),
    allOrNothing: z.object({ belowPopulation: nonNegativeInt.optional(), zero: z.boolean().optional(), full: z.boolean().optional() }).strict().optional(),
    dominance: z
      .object({ pPercent: percent.nullable().optional(), nk: z.array(z.object({ n: z.number().int().positive().max(MAX_SCHOOLS), k: percent }).strict()).max(10).optional() })
      .strict()
      .optional(),
    protection: z
      .object({ countMargin: nonNegativeInt.optional(), amountPercent: z.number().nonnegative().max(100).optional(), amountMinimumCents: cents.optional(), minWidth: z.number().int().positive().max(MAX_CENTS).optional() })
      .strict()
      .optional(),
    cost: z
      .object({ base: z.number().positive().max(MAX_WEIGHT).optional(), perSchool: weight.optional(), perEuro: weight.optional(), priorSuppressedFactor: z.number().positive().max(MAX_WEIGHT).optional() })
      .strict()
      .optional(),
    maxRepairRounds: z.number().int().positive().max(10).optional(),
    exactAuditIntervals: z.boolean().optional(),
  })
  .strict();

export const createReleaseBodySchema = z
  .object({
    asOf: z.iso.date().optional(),
    parameters: disclosureOverridesSchema.optional(),
  })
  .strict();
export type CreateReleaseBody = z.infer<typeof createReleaseBodySchema>;
