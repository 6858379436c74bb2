import { schoolYearSchema } from '@npo/contracts';
import { z } from 'zod';

export const reportQuerySchema = z.object({
  schoolYear: schoolYearSchema.optional(),
  /** Ad hoc, as of the end of this day (ocw/admin). Without it: a release. */
  asOf: z.iso.date().optional(),
  /** A release number; default the latest. */
  release: z.coerce.number().int().positive().max(1_000_000_000).optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export const createReleaseBodySchema = z
  .object({
    asOf: z.iso.date().optional(),
    /** Overrides of the disclosure defaults (see libs/privacy README); validated by the privacy library. */
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type CreateReleaseBody = z.infer<typeof createReleaseBodySchema>;
