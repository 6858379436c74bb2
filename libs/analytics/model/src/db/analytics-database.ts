import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SCHEMA_VERSION } from '../schema/ddl.js';
import { createSchema, readMeta, type SchemaOptions } from '../schema/create-schema.js';
import { generationFileName, nextGeneration, readPointer, writePointer } from './generation-files.js';

export class AnalyticsSchemaError extends Error {
  readonly code = 'analytics-schema-outdated' as const;
  constructor(
    readonly path: string,
    readonly found: string | undefined,
  ) {
    super(`${path} has analytics schema ${found ?? '(none)'}, this code needs ${SCHEMA_VERSION}: rebuild it (npm run analytics -- rebuild)`);
    this.name = 'AnalyticsSchemaError';
  }
}

export class AnalyticsClosedError extends Error {
  readonly code = 'analytics-closed' as const;
  constructor() {
    super('the analytics database is closed');
    this.name = 'AnalyticsClosedError';
  }
}

/** DuckDB settings for every instance opened here (e.g. `{ memory_limit: '256MB', threads: '2' }`). */
export type DuckDBSettings = Readonly<Record<string, string>>;

export async function openInstance(path: string, settings: DuckDBSettings = {}): Promise<DuckDBInstance> {
  return DuckDBInstance.create(path, { ...settings });
}

/** Creates generation `generation` as an empty, schema-complete file, closed again on return. */
export async function createGenerationFile(dir: string, generation: number, schema: SchemaOptions, settings: DuckDBSettings = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, generationFileName(generation));
  const instance = await openInstance(path, settings);
  try {
    const conn = await instance.connect();
    try {
      const meta = await readMeta(conn);
      if (meta['schema_version'] === undefined) await createSchema(conn, schema);
      await conn.run('CHECKPOINT');
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
  return path;
}

async function checkSchema(instance: DuckDBInstance, path: string): Promise<void> {
  const conn = await instance.connect();
  try {
    const found = (await readMeta(conn))['schema_version'];
    if (found !== String(SCHEMA_VERSION)) throw new AnalyticsSchemaError(path, found);
  } finally {
    conn.closeSync();
  }
}

class Generation {
  leases = 0;
  retired = false;
  closed = false;
  #drained: (() => void) | undefined;
  readonly drained: Promise<void>;

  constructor(
    readonly number: number,
    readonly path: string,
    readonly instance: DuckDBInstance,
  ) {
    this.drained = new Promise((resolve) => (this.#drained = resolve));
  }

  closeIfIdle(): void {
    if (!this.retired || this.leases > 0 || this.closed) return;
    this.closed = true;
    this.instance.closeSync();
    this.#drained?.();
  }
}

/** A connection on one generation; the generation stays open until every lease on it is released. */
export interface AnalyticsLease {
  readonly conn: DuckDBConnection;
  readonly generation: number;
  release(): void;
}

export interface OpenAnalyticsDatabaseOptions {
  /** The analytics directory (`<NPO_DATA_DIR>/analytics`). Created with an empty generation if new. */
  readonly dir: string;
  readonly clock?: () => Date;
  /** Reference options for a file created here (a new directory's first generation). */
  readonly schema?: Omit<SchemaOptions, 'createdAt'>;
  readonly settings?: DuckDBSettings;
}

export type SwitchListener = (generation: number) => void;

/**
 * The live analytics file of a process. Readers and the projector lease connections; when a rebuild
 * swaps the pointer, `refresh()` opens the new generation, hands out leases on it from then on, tells
 * the listeners (the projector restarts on the new file), and closes the old generation once its last
 * lease is released — so requests in flight finish on the file they started on.
 */
export class AnalyticsDatabase {
  #current: Generation;
  #closed = false;
  #switching: Promise<boolean> = Promise.resolve(false);
  readonly #listeners = new Set<SwitchListener>();
  readonly #retired = new Set<Generation>();
  #watch: NodeJS.Timeout | undefined;

  private constructor(
    readonly dir: string,
    generation: Generation,
    private readonly options: OpenAnalyticsDatabaseOptions,
  ) {
    this.#current = generation;
  }

  static async open(options: OpenAnalyticsDatabaseOptions): Promise<AnalyticsDatabase> {
    const clock = options.clock ?? (() => new Date());
    await mkdir(options.dir, { recursive: true });
    let pointer = await readPointer(options.dir);
    if (pointer === undefined) {
      const generation = await nextGeneration(options.dir);
      await createGenerationFile(
        options.dir,
        generation,
        { ...options.schema, createdAt: clock().toISOString() },
        options.settings,
      );
      pointer = await writePointer(options.dir, generation, clock().toISOString());
    }
    const path = join(options.dir, pointer.file);
    const instance = await openInstance(path, options.settings);
    try {
      await checkSchema(instance, path);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    return new AnalyticsDatabase(options.dir, new Generation(pointer.generation, path, instance), options);
  }

  get generation(): number {
    return this.#current.number;
  }

  get path(): string {
    return this.#current.path;
  }

  async lease(): Promise<AnalyticsLease> {
    if (this.#closed) throw new AnalyticsClosedError();
    const generation = this.#current;
    generation.leases++;
    let conn: DuckDBConnection;
    try {
      conn = await generation.instance.connect();
    } catch (error) {
      generation.leases--;
      generation.closeIfIdle();
      throw error;
    }
    let released = false;
    return {
      conn,
      generation: generation.number,
      release: () => {
        if (released) return;
        released = true;
        conn.closeSync();
        generation.leases--;
        generation.closeIfIdle();
      },
    };
  }

  /** Runs `fn` on a connection of the current generation. */
  async read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const lease = await this.lease();
    try {
      return await fn(lease.conn);
    } finally {
      lease.release();
    }
  }

  onSwitch(listener: SwitchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows the pointer: if a rebuild swapped in another generation, switch to it. True if switched. */
  refresh(): Promise<boolean> {
    this.#switching = this.#switching.then(
      () => this.#switchIfMoved(),
      () => this.#switchIfMoved(),
    );
    return this.#switching;
  }

  async #switchIfMoved(): Promise<boolean> {
    if (this.#closed) return false;
    const pointer = await readPointer(this.dir);
    if (pointer === undefined || pointer.generation === this.#current.number) return false;
    const path = join(this.dir, pointer.file);
    const instance = await openInstance(path, this.options.settings);
    try {
      await checkSchema(instance, path);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    const old = this.#current;
    this.#current = new Generation(pointer.generation, path, instance);
    old.retired = true;
    this.#retired.add(old);
    void old.drained.then(() => this.#retired.delete(old));
    for (const listener of this.#listeners) listener(pointer.generation);
    old.closeIfIdle();
    return true;
  }

  /** Polls the pointer (a rebuild may run in another process). Errors are reported, not thrown. */
  watch(intervalMs: number, onError: (error: unknown) => void = () => undefined): void {
    this.unwatch();
    this.#watch = setInterval(() => void this.refresh().catch(onError), intervalMs);
    this.#watch.unref();
  }

  unwatch(): void {
    if (this.#watch !== undefined) clearInterval(this.#watch);
    this.#watch = undefined;
  }

  /** Closes every generation once its leases are released. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.unwatch();
    await this.#switching.catch(() => undefined);
    this.#closed = true;
    const all = [this.#current, ...this.#retired];
    for (const g of all) {
      g.retired = true;
      g.closeIfIdle();
    }
    await Promise.all(all.map((g) => g.drained));
  }
}
