import { readFile } from 'node:fs/promises';
import type { PriorRelease } from '@npo/privacy';

/** Name of the file in a release's directory that holds what the next releases must take as known. */
export const PRIOR_FILE = 'prior.json';

/** One release's prior knowledge, as the store wrote it (see ReleaseStore.create). */
export async function readPriorFile(path: string): Promise<PriorRelease> {
  return JSON.parse(await readFile(path, 'utf8')) as PriorRelease;
}

export const readPriorFiles = (paths: readonly string[]): Promise<PriorRelease[]> => Promise.all(paths.map(readPriorFile));
