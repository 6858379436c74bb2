import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * An analytics directory holds numbered DuckDB files (generations) and `current.json`, the pointer that
 * names the live one. A rebuild writes a new generation beside the live one and swaps by renaming a new
 * pointer over the old: atomic on POSIX, and each generation keeps its own `.wal` (DuckDB names the WAL
 * after the database path, so renaming a database over another would pair it with a stale WAL).
 */

export const POINTER_FILE = 'current.json';
const GENERATION_PATTERN = /^analytics-(\d{6,})\.duckdb$/;

export interface GenerationPointer {
  readonly generation: number;
  /** File name inside the analytics directory. */
  readonly file: string;
  readonly switchedAt: string;
}

export class AnalyticsFilesError extends Error {
  readonly code: 'analytics-pointer-invalid' | 'analytics-rebuild-locked';
  constructor(code: AnalyticsFilesError['code'], message: string) {
    super(message);
    this.name = 'AnalyticsFilesError';
    this.code = code;
  }
}

export const generationFileName = (generation: number): string => `analytics-${String(generation).padStart(6, '0')}.duckdb`;

export async function readPointer(dir: string): Promise<GenerationPointer | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, POINTER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<GenerationPointer>;
  if (typeof parsed.generation !== 'number' || typeof parsed.file !== 'string' || !GENERATION_PATTERN.test(parsed.file)) {
    throw new AnalyticsFilesError('analytics-pointer-invalid', `${join(dir, POINTER_FILE)} does not name an analytics generation`);
  }
  return { generation: parsed.generation, file: parsed.file, switchedAt: String(parsed.switchedAt ?? '') };
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Atomically makes `generation` the live one (write a temp pointer, fsync, rename over, fsync the dir). */
export async function writePointer(dir: string, generation: number, now: string): Promise<GenerationPointer> {
  const pointer: GenerationPointer = { generation, file: generationFileName(generation), switchedAt: now };
  const tmp = join(dir, `${POINTER_FILE}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(pointer, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await rename(tmp, join(dir, POINTER_FILE));
  fsyncDir(dir);
  return pointer;
}

/** Generation numbers present as files, ascending. */
export async function listGenerations(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return names
    .map((n) => GENERATION_PATTERN.exec(n)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** A generation number no file and no pointer has used yet. */
export async function nextGeneration(dir: string): Promise<number> {
  const used = await listGenerations(dir);
  const pointer = await readPointer(dir);
  return Math.max(used.at(-1) ?? 0, pointer?.generation ?? 0) + 1;
}

/**
 * Deletes generation files (and their WALs) older than the previous one. The previous generation is kept:
 * a live service may still be switching away from it.
 */
export async function removeOldGenerations(dir: string, current: number): Promise<number[]> {
  const removed: number[] = [];
  for (const g of await listGenerations(dir)) {
    if (g >= current - 1) continue;
    const file = join(dir, generationFileName(g));
    await rm(file, { force: true });
    await rm(`${file}.wal`, { force: true });
    removed.push(g);
  }
  return removed;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One rebuild at a time per directory. A lock left by a dead process is taken over. */
export async function acquireRebuildLock(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'rebuild.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new AnalyticsFilesError('analytics-rebuild-locked', `a rebuild is already running (pid ${holder}, ${path})`);
      }
      await rm(path, { force: true });
    }
  }
  throw new AnalyticsFilesError('analytics-rebuild-locked', `could not take ${path}`);
}
