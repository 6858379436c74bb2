import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GemeenteReference } from '@npo/analytics-model';
import { gemeenteCodeSchema } from '@npo/contracts';
import { z } from 'zod';

const gemeentenFileSchema = z.array(
  z.object({
    code: gemeenteCodeSchema,
    name: z.string().min(1).max(200),
    province: z.string().regex(/^PV\d{2}$/, 'province must be a CBS code like PV27'),
    validTo: z.iso.date().optional(),
    mergedInto: gemeenteCodeSchema.optional(),
  }),
);

export class ReferenceFileError extends Error {
  readonly code = 'analytics-reference-invalid' as const;
  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'ReferenceFileError';
  }
}

/**
 * Gemeenten beyond the shipped reference list, from `<NPO_DATA_DIR>/reference/gemeenten.json`
 * (e.g. the simulator's synthetic gemeenten with their provinces). Missing file: none.
 */
export async function extraGemeenten(dataDir: string): Promise<GemeenteReference[]> {
  const path = join(dataDir, 'reference', 'gemeenten.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReferenceFileError(path, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = gemeentenFileSchema.safeParse(json);
  if (!parsed.success) throw new ReferenceFileError(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data.map((g) => ({ ...g }));
}
