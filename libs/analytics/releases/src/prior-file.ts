import { readFile } from 'node:fs/promises';
import type { PriorRelease } from '@npo/privacy';
import type { ProtectionOptions } from './part-request.js';

/** Name of the file in a release's directory that holds what the next releases must take as known. */
export const PRIOR_FILE = 'prior.json';

/** One release's prior knowledge, as the store wrote it (see ReleaseStore.create). */
export async function readPriorFile(path: string): Promise<PriorRelease> {
  return JSON.parse(await readFile(path, 'utf8')) as PriorRelease;
}

/** The options with the prior files' releases read and taken after the priors they already hold, oldest first. */
export async function withPriorFiles(options: ProtectionOptions, files: readonly string[]): Promise<ProtectionOptions> {
  if (files.length === 0) return options;
  return { ...options, priorReleases: [...(options.priorReleases ?? []), ...(await Promise.all(files.map(readPriorFile)))] };
}
