import type { DuckDBConnection } from '@duckdb/node-api';
import { decodeEvent, gemeenteStreamId, type NpoRecordedEvent, schoolStreamId } from '@npo/contracts';
import { categoryOf } from '@npo/domain';
import { sqlString } from '../db/sql.js';
import type { FeedBatch, FeedEntry } from '../feed/event-feed.port.js';
import { achterstandBandOf } from '../reference/achterstand-bands.js';
import { sectorGroupOf } from '../reference/sector-groups.js';
import { checkpointStatement } from './checkpoint-store.js';
import { deferClose, deferredCloseRows } from './deferred-closes.js';
import { type EnvelopeFacts, envelopeFacts, envelopeProblem, isLoggable } from './envelope-check.js';
import { IntervalKeyError, intervalKey } from './interval-keys.js';
import { type Close, type IntervalTable, type OpenIntervals, type OpenIntervalsDraft, type SupersededTable } from './open-intervals.js';
import { appliedIdsBehindHeads, positionKey } from './applied-ids.js';
import { RowBuffer } from './row-buffer.js';
import type { StreamHeads } from './stream-heads.js';

export interface BatchResult {
  /** Entries whose facts were written. */
  readonly applied: number;
  readonly quarantined: number;
  /** Entries skipped because their event was applied before (at-least-once redelivery). */
  readonly duplicates: number;
  /** The offsets this batch moved the checkpoint to, per partition. */
  readonly offsets: ReadonlyMap<number, number>;
  readonly lastGlobalPosition: number | null;
}

export interface BatchHooks {
  /** Runs after every row of the batch is written and before COMMIT (crash tests kill the process here). */
  readonly beforeCommit?: (result: BatchResult) => void | Promise<void>;
  /** Runs right after COMMIT, before the next batch is read. */
  readonly afterCommit?: (result: BatchResult) => void | Promise<void>;
}

/**
 * How a rebuild writes: its file is read by no one until it is complete and swapped in, and a failed
 * rebuild is thrown away, so it does not need a valid model after every batch. Interval ends and
 * stream heads are written once at the end, and a transaction spans `commitEvery` entries: DuckDB
 * writes full row groups of a large transaction straight to the file instead of through its WAL.
 */
export interface RebuildWriting {
  readonly commitEvery: number;
  /** Positions per transaction of the closing pass (default CLOSE_CHUNK, see deferred-closes). */
  readonly closeChunk?: number;
}

export interface FeedIdentity {
  readonly name: string;
  readonly trusted: boolean;
}

const MAX_QUARANTINED_PAYLOAD = 256 * 1024;

// Column kinds per table, in DDL order (see RowBuffer), and where each interval table keeps valid_to.
const kinds = {
  school_version: 'vvvvvidvTTub',
  scan: 'vvDvvvvvvTTub',
  choice: 'vvvvvbiTTuub',
  mr_decision: 'vvviDTTub',
  school_allocation: 'vvbvTub',
  gemeente_allocation: 'vvbvTub',
  evaluation: 'vvvvtdivTTub',
  projected_event: 'ubvbvv',
  quarantine: 'vbvbvivvvibT',
} as const;
type FactTable = keyof typeof kinds;
const validToColumn: Record<IntervalTable, number> = { school_version: 9, scan: 10, choice: 8, mr_decision: 6, evaluation: 9 };
const CHOICE_WITHDRAWAL_COLUMN = 10;
const MAX_INTEGER = 2_147_483_647;
const fitsInteger = (n: number): boolean => n >= -MAX_INTEGER - 1 && n <= MAX_INTEGER;

function safeJson(payload: unknown): string {
  try {
    const text = JSON.stringify(payload) ?? 'null';
    return text.length > MAX_QUARANTINED_PAYLOAD ? JSON.stringify({ truncated: true, prefix: text.slice(0, MAX_QUARANTINED_PAYLOAD) }) : text;
  } catch (error) {
    return JSON.stringify({ unserialisable: error instanceof Error ? error.message : String(error) });
  }
}

/** Rules the contract's schemas cannot see: the event must be about the stream it is on, and codes must exist. */
function consistencyProblem(event: NpoRecordedEvent): string | null {
  if (event.type === 'npo.GemeenteFundsAllocated') {
    return event.streamId === gemeenteStreamId(event.data.gemeente) ? null : `stream ${event.streamId} does not belong to gemeente ${event.data.gemeente}`;
  }
  if (event.streamId !== schoolStreamId(event.data.brin)) return `stream ${event.streamId} does not belong to school ${event.data.brin}`;
  if ('code' in event.data && categoryOf(event.data.code) === undefined) return `menukaart code ${event.data.code} does not exist`;
  return null;
}

/** Everything one batch will write, collected before anything is appended. */
class BatchRows {
  readonly buffers = new Map<FactTable, RowBuffer>();
  table(name: FactTable): RowBuffer {
    let buffer = this.buffers.get(name);
    if (buffer === undefined) this.buffers.set(name, (buffer = new RowBuffer(name, kinds[name])));
    return buffer;
  }
}

/**
 * Writes one feed batch in one transaction: the fact rows through DuckDB appenders, the UPDATE that
 * ends rows of earlier batches (by global_position, from the in-memory open intervals), the stream
 * heads and the checkpoint. A crash at any point leaves either the whole batch or none of it.
 */
export class BatchWriter {
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly feed: FeedIdentity,
    private readonly heads: StreamHeads,
    private readonly intervals: OpenIntervals,
    /** Set for a rebuild, which nobody reads before it is complete (see RebuildWriting). */
    private readonly rebuild?: RebuildWriting,
  ) {}

  /** Rebuild: the open transaction and how many entries it holds. */
  #inTransaction = false;
  #sinceCommit = 0;

  /**
   * `whileCommitting` runs once COMMIT is under way in DuckDB's threads (the projector reads ahead there),
   * or once the batch is written when a rebuild's transaction stays open.
   */
  async write(batch: FeedBatch, now: string, hooks: BatchHooks = {}, whileCommitting?: () => void): Promise<BatchResult> {
    const rows = new BatchRows();
    const heads = this.heads.draft();
    const open = this.intervals.draft();
    const offsets = new Map<number, number>();
    let applied = 0;
    let quarantined = 0;
    let duplicates = 0;
    let lastGlobal: number | null = null;
    const envelopes = batch.entries.map((entry) => envelopeFacts(entry.payload));
    // Which event holds each position: from the model for positions behind the heads, from this batch for the rest.
    const seenBefore = await appliedIdsBehindHeads(this.conn, this.heads, envelopes);
    const appliedBefore = seenBefore.applied;
    // Built on the first repeat inside the batch (the first entry at a position is the one that advanced
    // the head), then kept up: a batch without repeats pays nothing per entry.
    const inBatch: { ids: Map<string, string> | null } = { ids: null };
    const firstIdAt = (key: string, before: number): string | undefined => {
      const known = appliedBefore.get(key);
      if (known !== undefined) return known;
      if (inBatch.ids === null) {
        const ids = new Map<string, string>();
        for (const e of envelopes.slice(0, before)) {
          if (e.streamId === null || e.streamPosition === null || e.id === null) continue;
          const k = positionKey(e.streamId, e.streamPosition);
          if (!ids.has(k)) ids.set(k, e.id);
        }
        inBatch.ids = ids;
      }
      return inBatch.ids.get(key);
    };

    /** `logged: false` for an event that conflicts with the one applied at its position: that one is the record. */
    const quarantine = (entry: FeedEntry, env: EnvelopeFacts, reason: string, logged = true): void => {
      rows.table('quarantine').push([
        env.id,
        env.globalPosition,
        env.streamId,
        env.streamPosition,
        env.type,
        // The column is an INTEGER; the payload keeps a version beyond it.
        env.schemaVersion !== null && fitsInteger(env.schemaVersion) ? env.schemaVersion : null,
        reason,
        safeJson(entry.payload),
        this.feed.name,
        entry.partition,
        entry.offset,
        now,
      ]);
      if (logged && isLoggable(env)) this.#log(rows, env, 'quarantined');
      quarantined++;
    };

    for (const [i, entry] of batch.entries.entries()) {
      offsets.set(entry.partition, Math.max(offsets.get(entry.partition) ?? -1, entry.offset));
      const env = envelopes[i] as EnvelopeFacts;
      if (env.streamId !== null && env.streamPosition !== null) {
        if (heads.seen(env.streamId, env.streamPosition)) {
          const key = positionKey(env.streamId, env.streamPosition);
          const first = firstIdAt(key, i);
          // The same event again, applied or quarantined before (or one without a usable id, which cannot be told apart): drop it.
          if (env.id === null || first === env.id || seenBefore.quarantined.has(`${key}|${env.id}`)) {
            duplicates++;
            continue;
          }
          if (env.globalPosition !== null) lastGlobal = Math.max(lastGlobal ?? -1, env.globalPosition);
          quarantine(
            entry,
            env,
            first === undefined
              ? `event ${env.id} arrived after a later event of ${env.streamId}: position ${env.streamPosition} was passed without it`
              : `event ${env.id} conflicts with event ${first}, applied before at position ${env.streamPosition} of ${env.streamId}`,
            false,
          );
          continue;
        }
        heads.advance(env.streamId, env.streamPosition);
        if (inBatch.ids !== null && env.id !== null) inBatch.ids.set(positionKey(env.streamId, env.streamPosition), env.id);
      }
      if (env.globalPosition !== null) lastGlobal = Math.max(lastGlobal ?? -1, env.globalPosition);
      const problem = entry.problem ?? envelopeProblem(env);
      if (problem !== null) {
        quarantine(entry, env, problem);
        continue;
      }
      let decoded;
      try {
        decoded = decodeEvent(entry.payload, { validateEnvelope: !this.feed.trusted });
      } catch (error) {
        decoded = { ok: false as const, reason: `decoder failed: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (!decoded.ok) {
        quarantine(entry, env, decoded.reason);
        continue;
      }
      const inconsistent = consistencyProblem(decoded.event) ?? this.#collectFactsOrKeyProblem(rows, open, decoded.event, env.occurredAt ?? decoded.event.occurredAt);
      if (inconsistent !== null) {
        quarantine(entry, env, inconsistent);
        continue;
      }
      this.#log(rows, env, 'projected');
      applied++;
    }

    let result: BatchResult;
    let committed: boolean;
    if (!this.#inTransaction) await this.conn.run('BEGIN TRANSACTION');
    this.#inTransaction = true;
    this.#sinceCommit += batch.entries.length;
    try {
      for (const buffer of rows.buffers.values()) await buffer.appendTo(this.conn);
      // The rest of the batch in one round trip: each run() costs a hop to DuckDB's threads and back.
      const statements: string[] = [];
      if (this.rebuild !== undefined) {
        const deferred = deferredCloseRows();
        for (const [table, closes] of open.closes) for (const close of closes) deferClose(deferred, table, close);
        await deferred.appendTo(this.conn);
      } else {
        for (const [table, closes] of open.closes) statements.push(...this.#endEarlierRows(table, closes));
        statements.push(...(await this.#stageHeads(heads.changes)));
      }
      const checkpoint = checkpointStatement(this.feed.name, offsets, now);
      if (checkpoint !== null) statements.push(checkpoint);
      if (statements.length > 0) await this.conn.run(statements.join(';\n'));
      result = { applied, quarantined, duplicates, offsets, lastGlobalPosition: lastGlobal };
      // A rebuild keeps its transaction open across batches until it holds commitEvery entries.
      committed = this.rebuild === undefined || this.#sinceCommit >= this.rebuild.commitEvery;
      if (committed) {
        await hooks.beforeCommit?.(result);
        const committing = this.conn.run('COMMIT');
        whileCommitting?.();
        await committing;
        this.#endTransaction();
      } else whileCommitting?.();
    } catch (error) {
      this.#endTransaction();
      try {
        await this.conn.run('ROLLBACK');
      } catch {
        // Nothing to roll back (BEGIN itself failed, or DuckDB already aborted the transaction).
      }
      throw error;
    }
    this.heads.commit(heads);
    this.intervals.commit(open);
    if (committed) await hooks.afterCommit?.(result);
    return result;
  }

  /** Rebuild: writes the stream heads and commits what is still open. */
  async finish(): Promise<void> {
    if (this.rebuild === undefined) return;
    if (!this.#inTransaction) await this.conn.run('BEGIN TRANSACTION');
    this.#inTransaction = true;
    try {
      const statements = await this.#stageHeads(this.heads.all());
      await this.conn.run([...statements, 'COMMIT'].join(';\n'));
    } catch (error) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#endTransaction();
    }
  }

  #endTransaction(): void {
    this.#inTransaction = false;
    this.#sinceCommit = 0;
  }

  #log(rows: BatchRows, env: EnvelopeFacts, outcome: 'projected' | 'quarantined'): void {
    rows.table('projected_event').push([env.id, env.globalPosition, env.streamId, env.streamPosition, env.type, outcome]);
  }

  // Keys are computed before any state changes, so a refused key leaves the batch as it was.
  #collectFactsOrKeyProblem(rows: BatchRows, open: OpenIntervalsDraft, event: NpoRecordedEvent, at: string): string | null {
    try {
      return this.#collectFacts(rows, open, event, at);
    } catch (error) {
      if (error instanceof IntervalKeyError) return error.message;
      throw error;
    }
  }

  /**
   * Collects the rows of one decoded event and ends the rows it replaces. Returns why the event cannot
   * be applied (it contradicts what was applied before), or null.
   */
  #collectFacts(rows: BatchRows, open: OpenIntervalsDraft, event: NpoRecordedEvent, at: string): string | null {
    const id = event.id;
    const gp = event.globalPosition;
    // Replaces the open row of `key` (if any) by `row`. A rebuild leaves the ends to one window query
    // at the end (each row ends where the next row of its key starts), so it keeps no state for them.
    const supersede = (table: SupersededTable, key: number, row: (string | number | null)[]): null => {
      if (this.rebuild !== undefined) {
        rows.table(table).push(row);
        return null;
      }
      open.end(table, key, at, validToColumn[table]);
      open.start(table, key, gp, rows.table(table).push(row));
      return null;
    };
    switch (event.type) {
      case 'npo.SchoolRegistered':
      case 'npo.SchoolDetailsChanged': {
        const d = event.data;
        const band = achterstandBandOf(d.achterstandsscore, d.pupils);
        return supersede('school_version', intervalKey(d.brin), [d.brin, d.name, d.sector, sectorGroupOf(d.sector), d.gemeente, d.pupils, d.achterstandsscore, band, at, null, id, gp]);
      }
      case 'npo.ScanCompleted': {
        const d = event.data;
        const f = d.findings;
        return supersede('scan', intervalKey(d.brin, d.schoolYear), [
          d.brin,
          d.schoolYear,
          d.completedOn,
          f.rekenen,
          f.taal,
          f.lezen,
          f.executieveFuncties,
          f.sociaalEmotioneel,
          f.welbevinden,
          at,
          null,
          id,
          gp,
        ]);
      }
      case 'npo.InterventionChosen': {
        const d = event.data;
        const key = intervalKey(d.brin, d.schoolYear, d.code);
        if (open.get('choice', key) !== undefined) return `${d.code} is already an active choice of ${d.brin} in ${d.schoolYear}`;
        const category = categoryOf(d.code) ?? '?';
        // Comma-joined rather than a LIST: appending a list costs the appender several times a string.
        open.start('choice', key, gp, rows.table('choice').push([d.brin, d.schoolYear, d.code, category, d.targetDomains.join(','), d.plannedBudgetCents, d.pupilsReached, at, null, id, null, gp]));
        return null;
      }
      case 'npo.InterventionWithdrawn': {
        const d = event.data;
        const ended = open.end('choice', intervalKey(d.brin, d.schoolYear, d.code), at, validToColumn.choice, { id, column: CHOICE_WITHDRAWAL_COLUMN });
        return ended ? null : `no active choice to withdraw: ${d.code} of ${d.brin} in ${d.schoolYear} (never applied, or withdrawn already)`;
      }
      case 'npo.MrApproved':
      case 'npo.MrRejected': {
        const d = event.data;
        // The contract allows any safe integer; the model keeps an INTEGER, far beyond any real plan's changes.
        if (!fitsInteger(d.planVersion)) return `plan version ${d.planVersion} is beyond what the analytics model holds (${MAX_INTEGER})`;
        const decision = event.type === 'npo.MrApproved' ? 'approved' : 'rejected';
        return supersede('mr_decision', intervalKey(d.brin, d.schoolYear), [d.brin, d.schoolYear, decision, d.planVersion, d.decidedOn, at, null, id, gp]);
      }
      case 'npo.FundsAllocated': {
        const d = event.data;
        rows.table('school_allocation').push([d.brin, d.schoolYear, d.amountCents, d.basis, at, id, gp]);
        return null;
      }
      case 'npo.GemeenteFundsAllocated': {
        const d = event.data;
        rows.table('gemeente_allocation').push([d.gemeente, d.schoolYear, d.amountCents, d.basis, at, id, gp]);
        return null;
      }
      case 'npo.InterventionEvaluated': {
        const d = event.data;
        const m = d.measuredEffect;
        return supersede('evaluation', intervalKey(d.brin, d.schoolYear, d.code), [
          d.brin,
          d.schoolYear,
          d.code,
          d.implementedAsPlanned,
          d.experiencedEffect,
          m?.effectSize ?? null,
          m?.pupils ?? null,
          m?.instrument ?? null,
          at,
          null,
          id,
          gp,
        ]);
      }
      default: {
        const unreachable: never = event;
        throw new Error(`no projection for ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Ends rows written by earlier batches: one UPDATE per table, matched on global_position. */
  #endEarlierRows(table: IntervalTable, closes: readonly Close[]): string[] {
    if (closes.length === 0) return [];
    const withdrawals = table === 'choice';
    // Values we produced ourselves: integers and instants normalised to UTC by the envelope check.
    const values = closes
      .map((c) => `(${c.globalPosition}, ${sqlString(c.validTo)}${withdrawals ? `, ${c.endedBy === undefined ? 'NULL' : sqlString(c.endedBy)}` : ''})`)
      .join(', ');
    const set = withdrawals ? 'valid_to = c.valid_to::TIMESTAMPTZ, withdrawal_event_id = c.ended_by::UUID' : 'valid_to = c.valid_to::TIMESTAMPTZ';
    const columns = withdrawals ? 'gp, valid_to, ended_by' : 'gp, valid_to';
    return [`UPDATE ${table} SET ${set} FROM (VALUES ${values}) AS c(${columns}) WHERE ${table}.global_position = c.gp`];
  }

  /** Appends the moved stream heads to the staging table; returns the statements that upsert them. */
  async #stageHeads(changes: ReadonlyMap<string, number>): Promise<string[]> {
    if (changes.size === 0) return [];
    const staging = new RowBuffer('stg_stream_head', 'vb', 'temp');
    for (const [streamId, position] of changes) staging.push([streamId, position]);
    await staging.appendTo(this.conn);
    return ['INSERT OR REPLACE INTO stream_head SELECT stream_id, stream_position FROM stg_stream_head', 'DELETE FROM stg_stream_head'];
  }
}
