import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PublishedReport } from '@npo/analytics-reports';
import type { AuditReport, PatternEntry, PriorRelease } from '@npo/privacy';
import { publicReportOf } from './public-report.js';
import { jsonChunksInTurns } from './json-in-turns.js';
import { PRIOR_FILE } from './prior-file.js';

/*
 * Releases live in files under <NPO_DATA_DIR>/releases, not in the analytics DuckDB: a rebuild replaces
 * that file, a release must outlive it. Layout:
 *   000001/release.json     the published release (what anyone may read), read-only once written
 *   000001/metadata.json    its metadata alone, for listings
 *   000001/disclosure.json  the maker's record (0400): each suppressed cell's reason, the protection it
 *                           required and the interval the audit proved, and the evaluations behind each
 *                           published statistic; never served (it narrows true values, names schools)
 *   000001/prior.json       the unprotected input, kept (0400) only so later releases can stay consistent
 *                           with this one's suppression pattern; never served
 *   000001/request.json     only for a release asked with an Idempotency-Key: hashes of who asked with
 *                           which key and of the request, so a retry gets this release back (0400)
 *   log.ndjson              one line per release: its metadata (number, times, who, as-of date, code
 *                           version, cells suppressed and published, audit verdict) and the sha256 of release.json
 * A release directory appears by renaming a complete temporary directory to its number, so a reader
 * never sees half a release and two writers cannot take the same number.
 */

export interface ReleaseMetadata {
  readonly number: number;
  readonly id: string;
  readonly createdAt: string;
  /** Principal that asked for it (`ocw:<sub>`, `schedule`, ...). */
  readonly createdBy: string;
  readonly asOf: string;
  readonly schoolYears: readonly string[];
  readonly codeVersion: string;
  readonly suppressedCells: number;
  readonly publishedCells: number;
  readonly auditOk: boolean;
  /** sha256 of release.json as written. */
  readonly sha256?: string;
}

/**
 * The request a release was made for, when it came with an Idempotency-Key: a retry with the same key
 * gets this release back instead of a second one. Hashes only: the key is the client's.
 */
export interface ReleaseRequestRecord {
  /** sha256 of who asked and their key. */
  readonly keyHash: string;
  /** sha256 of the request as asked (canonical JSON). */
  readonly fingerprint: string;
}

export interface StoredRelease {
  readonly metadata: ReleaseMetadata;
  readonly report: PublishedReport;
}

/** How the release was protected, for whoever operates the service: see disclosure.json above. */
export interface DisclosureRecord {
  readonly pattern: readonly PatternEntry[];
  readonly audit: AuditReport;
  /** The evaluations behind each statistic it published (guard cell id); absent in releases made before. */
  readonly statistics?: readonly { readonly guard: string; readonly contributors: readonly string[] }[];
}

export class ReleaseStoreError extends Error {
  readonly code: 'release-number-taken' | 'release-corrupt';
  constructor(code: ReleaseStoreError['code'], message: string) {
    super(message);
    this.name = 'ReleaseStoreError';
    this.code = code;
  }
}

const NUMBER_DIR = /^\d{6}$/;
const REQUEST_FILE = 'request.json';

export const releaseIdOf = (n: number): string => `R${String(n).padStart(6, '0')}`;
const dirOf = (n: number): string => String(n).padStart(6, '0');

// The writes go through libuv's threads (a national release writes ~80 MB and fsyncs it): done with
// synchronous calls they held the service's thread for the whole write.
// A large file comes as chunks (jsonChunksInTurns), each encoded and written on its own: one string of
// tens of MB cost its whole UTF-8 encoding in one piece.
async function writeDurably(path: string, text: string | readonly string[], mode: number, flag: 'wx' | 'a' = 'wx'): Promise<void> {
  const file = await open(path, flag, mode);
  try {
    for (const chunk of typeof text === 'string' ? [text] : text) await file.writeFile(chunk);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

// JSON has no Infinity; the audit uses it for "no upper bound". Written as null, read back as Infinity.
const replacer = (_key: string, value: unknown): unknown => (value === Number.POSITIVE_INFINITY ? null : value);

export class ReleaseStore {
  constructor(readonly dir: string) {}

  async numbers(): Promise<number[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    return names
      .filter((n) => NUMBER_DIR.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async nextNumber(): Promise<number> {
    return ((await this.numbers()).at(-1) ?? 0) + 1;
  }

  async list(): Promise<ReleaseMetadata[]> {
    const out: ReleaseMetadata[] = [];
    for (const n of await this.numbers()) {
      try {
        out.push(JSON.parse(await readFile(join(this.dir, dirOf(n), 'metadata.json'), 'utf8')) as ReleaseMetadata);
      } catch (error) {
        throw new ReleaseStoreError('release-corrupt', `release ${n}: metadata.json unreadable (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    return out;
  }

  async get(number: number): Promise<StoredRelease | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, dirOf(number), 'release.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const stored = JSON.parse(text) as { metadata: ReleaseMetadata; report: unknown };
    // Releases written before the public view existed carry the maker's record; they are served through it.
    return { metadata: { ...stored.metadata, sha256: createHash('sha256').update(text).digest('hex') }, report: publicReportOf(stored.report) };
  }

  /** The private record of release `number` (never served); undefined for a release made before it existed. */
  async disclosureRecord(number: number): Promise<DisclosureRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, dirOf(number), 'disclosure.json'), 'utf8')) as DisclosureRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async latest(): Promise<StoredRelease | undefined> {
    const last = (await this.numbers()).at(-1);
    return last === undefined ? undefined : this.get(last);
  }

  /**
   * Every earlier release's private input with its pattern (for tracker protection), as files, oldest first:
   * a release's workers read them themselves (see protectOffThread).
   * Release directories are never changed once written, so the list stays valid.
   */
  /** The keyed request release `number` was made for; undefined for a release made without a key. */
  async requestRecord(number: number): Promise<ReleaseRequestRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, dirOf(number), REQUEST_FILE), 'utf8')) as ReleaseRequestRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ReleaseStoreError('release-corrupt', `release ${number}: ${REQUEST_FILE} unreadable (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  async priorFiles(): Promise<string[]> {
    return (await this.numbers()).map((n) => join(this.dir, dirOf(n), PRIOR_FILE));
  }

  /** Writes release `number` and appends it to the log. Fails if the number is taken. */
  async create(
    number: number,
    metadata: Omit<ReleaseMetadata, 'number' | 'id' | 'sha256'>,
    report: PublishedReport,
    record: DisclosureRecord,
    prior: PriorRelease,
    request?: ReleaseRequestRecord,
  ): Promise<StoredRelease> {
    await mkdir(this.dir, { recursive: true });
    const full: ReleaseMetadata = { number, id: releaseIdOf(number), ...metadata };
    const tmp = join(this.dir, `.${dirOf(number)}.${process.pid}.tmp`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { mode: 0o755 });
    // Tens of MB each for a national release: made, hashed and written in chunks with turns of the event
    // loop between them, so the service's thread keeps answering.
    const text = [...(await jsonChunksInTurns({ metadata: full, report }, replacer)), '\n'];
    const hash = createHash('sha256');
    for (const chunk of text) {
      hash.update(chunk);
      await nextTurn();
    }
    const sha256 = hash.digest('hex');
    await writeDurably(join(tmp, 'release.json'), text, 0o444);
    // The small metadata file lets a listing skip parsing every release.
    await writeDurably(join(tmp, 'metadata.json'), `${JSON.stringify({ ...full, sha256 })}\n`, 0o444);
    await writeDurably(join(tmp, 'disclosure.json'), await jsonChunksInTurns(record, replacer), 0o400);
    await writeDurably(join(tmp, PRIOR_FILE), await jsonChunksInTurns(prior), 0o400);
    if (request !== undefined) await writeDurably(join(tmp, REQUEST_FILE), `${JSON.stringify(request)}\n`, 0o400);
    await fsyncDir(tmp);
    try {
      await rename(tmp, join(this.dir, dirOf(number)));
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new ReleaseStoreError('release-number-taken', `release ${number} exists already`);
      throw error;
    }
    await fsyncDir(this.dir);
    await writeDurably(join(this.dir, 'log.ndjson'), `${JSON.stringify({ ...full, sha256 })}\n`, 0o644, 'a');
    return { metadata: { ...full, sha256 }, report };
  }
}
