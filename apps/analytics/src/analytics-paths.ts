import { join } from 'node:path';
import type { SchemaOptions } from '@npo/analytics-model';
import type { PlatformConfig } from '@npo/platform/config';
import { codeVersion } from './code-version.js';
import { extraGemeenten } from './reference-file.js';

// Apart from the runtime so that the rebuild CLI does not load the service (Nest, releases, HiGHS) into its memory.

export const analyticsDir = (dataDir: string): string => join(dataDir, 'analytics');
export const releasesDir = (dataDir: string): string => join(dataDir, 'releases');

/** Reference options every new analytics file gets (the same for the live service and the rebuild CLI). */
export async function schemaOptions(config: PlatformConfig): Promise<Omit<SchemaOptions, 'createdAt'>> {
  return { codeVersion: codeVersion(), extraGemeenten: await extraGemeenten(config.dataDir) };
}
