import { type DuckDBAppender, type DuckDBConnection, LIST, VARCHAR } from '@duckdb/node-api';
import { decodeEvent, gemeenteStreamId, type NpoRecordedEvent, schoolStreamId } from '@npo/contracts';
import { categoryOf } from '@npo/domain';
import { achterstandBandOf } from '../reference/achterstand-bands.js';
import { sectorGroupOf } from '../reference/sector-groups.js';
import { type AppendedTable, supersedingFacts, type SupersedingFact } from '../schema/ddl.js';
import type { FeedBatch, FeedEntry } from '../feed/event-feed.port.js';
import { writeCheckpoint } from './checkpoint-store.js';
import { type EnvelopeFacts, envelopeFacts, envelopeProblem, isLoggable } from './envelope-check.js';
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
}

export interface FeedIdentity {
  readonly name: string;
  readonly trusted: boolean;
}

const domainList = LIST(VARCHAR);
const MAX_QUARANTINED_PAYLOAD = 256 * 1024;

/** Appenders of one batch, opened on first use and closed (flushed) together before the SQL steps. */
class BatchAppenders {
  readonly #open = new Map<string, DuckDBAppender>();
  constructor(private readonly conn: DuckDBConnection) {}

  async get(table: AppendedTable | 'stg_withdrawal' | 'stg_stream_head'): Promise<DuckDBAppender> {
    let appender = this.#open.get(table);
    if (appender === undefined) {
      appender = table.startsWith('stg_') ? await this.conn.createAppender(table, 'main', 'temp') : await this.conn.createAppender(table);
      this.#open.set(table, appender);
    }
    return appender;
  }

  closeAll(): void {
    for (const appender of this.#open.values()) appender.closeSync();
    this.#open.clear();
  }

  discard(): void {
    for (const appender of this.#open.values()) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // The transaction is rolled back anyway; a half-closed appender must not hide the first error.
      }
    }
    this.#open.clear();
  }
}

const varcharOrNull = (a: DuckDBAppender, value: string | null | undefined): void => (value === null || value === undefined ? a.appendNull() : a.appendVarchar(value));
const bigintOrNull = (a: DuckDBAppender, value: number | null | undefined): void => (value === null || value === undefined ? a.appendNull() : a.appendBigInt(BigInt(value)));
const intOrNull = (a: DuckDBAppender, value: number | null | undefined): void => (value === null || value === undefined ? a.appendNull() : a.appendInteger(value));

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

/**
 * Writes one feed batch: every fact row through DuckDB appenders, the few set-based statements that
 * close validity intervals, the stream heads and the checkpoint — all in one transaction. A crash at any
 * point leaves either the whole batch or none of it.
 */
export class BatchWriter {
  constructor(
    private readonly conn: DuckDBConnection,
    private readonly feed: FeedIdentity,
    private readonly heads: StreamHeads,
  ) {}

  async write(batch: FeedBatch, now: string, hooks: BatchHooks = {}): Promise<BatchResult> {
    const appenders = new BatchAppenders(this.conn);
    const draft = this.heads.draft();
    const offsets = new Map<number, number>();
    const touched = new Set<SupersedingFact>();
    const withdrawals: string[] = [];
    let applied = 0;
    let quarantined = 0;
    let duplicates = 0;
    let minGlobal = Number.MAX_SAFE_INTEGER;
    let lastGlobal: number | null = null;

    const quarantine = async (entry: FeedEntry, env: EnvelopeFacts, reason: string): Promise<void> => {
      const q = await appenders.get('quarantine');
      varcharOrNull(q, env.id);
      bigintOrNull(q, env.globalPosition);
      varcharOrNull(q, env.streamId);
      bigintOrNull(q, env.streamPosition);
      varcharOrNull(q, env.type);
      intOrNull(q, env.schemaVersion);
      q.appendVarchar(reason);
      q.appendVarchar(safeJson(entry.payload));
      q.appendVarchar(this.feed.name);
      q.appendInteger(entry.partition);
      q.appendBigInt(BigInt(entry.offset));
      q.appendVarchar(now);
      q.endRow();
      if (isLoggable(env)) await this.#logEvent(appenders, env, 'quarantined');
      quarantined++;
    };

    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const entry of batch.entries) {
        offsets.set(entry.partition, Math.max(offsets.get(entry.partition) ?? -1, entry.offset));
        const env = envelopeFacts(entry.payload);
        if (env.streamId !== null && env.streamPosition !== null) {
          if (draft.seen(env.streamId, env.streamPosition)) {
            duplicates++;
            continue;
          }
          draft.advance(env.streamId, env.streamPosition);
        }
        if (env.globalPosition !== null) {
          minGlobal = Math.min(minGlobal, env.globalPosition);
          lastGlobal = Math.max(lastGlobal ?? -1, env.globalPosition);
        }
        const problem = envelopeProblem(env);
        if (problem !== null) {
          await quarantine(entry, env, problem);
          continue;
        }
        let decoded;
        try {
          decoded = decodeEvent(entry.payload, { validateEnvelope: !this.feed.trusted });
        } catch (error) {
          decoded = { ok: false as const, reason: `decoder failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        if (!decoded.ok) {
          await quarantine(entry, env, decoded.reason);
          continue;
        }
        const inconsistent = consistencyProblem(decoded.event);
        if (inconsistent !== null) {
          await quarantine(entry, env, inconsistent);
          continue;
        }
        const table = await this.#appendFacts(appenders, decoded.event, env.occurredAt ?? decoded.event.occurredAt);
        if (table === 'withdrawal') withdrawals.push(decoded.event.id);
        else if (table !== null) touched.add(table);
        await this.#logEvent(appenders, env, 'projected');
        applied++;
      }

      if (draft.changes.size > 0) {
        const h = await appenders.get('stg_stream_head');
        for (const [streamId, position] of draft.changes) {
          h.appendVarchar(streamId);
          h.appendBigInt(BigInt(position));
          h.endRow();
        }
      }
      appenders.closeAll();

      if (withdrawals.length > 0) {
        const unmatched = await this.#closeWithdrawnChoices(withdrawals, now);
        quarantined += unmatched;
        applied -= unmatched;
      }
      for (const table of touched) await this.#closeSuperseded(table, minGlobal);
      if (draft.changes.size > 0) {
        await this.conn.run('INSERT OR REPLACE INTO stream_head SELECT stream_id, stream_position FROM stg_stream_head');
        await this.conn.run('DELETE FROM stg_stream_head');
      }
      await writeCheckpoint(this.conn, this.feed.name, offsets, now);

      const result: BatchResult = { applied, quarantined, duplicates, offsets, lastGlobalPosition: lastGlobal };
      await hooks.beforeCommit?.(result);
      await this.conn.run('COMMIT');
      this.heads.commit(draft);
      return result;
    } catch (error) {
      appenders.discard();
      try {
        await this.conn.run('ROLLBACK');
      } catch {
        // Nothing to roll back (the failure was BEGIN itself, or DuckDB already aborted the transaction).
      }
      throw error;
    }
  }

  async #logEvent(appenders: BatchAppenders, env: EnvelopeFacts, outcome: 'projected' | 'quarantined'): Promise<void> {
    const a = await appenders.get('projected_event');
    a.appendVarchar(env.id ?? '');
    a.appendBigInt(BigInt(env.globalPosition ?? 0));
    a.appendVarchar(env.streamId ?? '');
    a.appendBigInt(BigInt(env.streamPosition ?? 0));
    a.appendVarchar(env.type ?? '');
    a.appendInteger(env.schemaVersion ?? 0);
    varcharOrNull(a, env.occurredAt);
    varcharOrNull(a, env.recordedAt);
    a.appendVarchar(outcome);
    a.endRow();
  }

  /** Appends the fact rows of one decoded event; says which superseding table it touched. */
  async #appendFacts(appenders: BatchAppenders, event: NpoRecordedEvent, occurredAtUtc: string): Promise<SupersedingFact | 'withdrawal' | null> {
    // The envelope check normalised occurredAt to UTC; the decoded event still has the original text.
    const at = occurredAtUtc;
    const id = event.id;
    const gp = BigInt(event.globalPosition);
    switch (event.type) {
      case 'npo.SchoolRegistered':
      case 'npo.SchoolDetailsChanged': {
        const d = event.data;
        const a = await appenders.get('school_version');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.name);
        a.appendVarchar(d.sector);
        a.appendVarchar(sectorGroupOf(d.sector));
        a.appendVarchar(d.gemeente);
        a.appendInteger(d.pupils);
        a.appendDouble(d.achterstandsscore);
        a.appendVarchar(achterstandBandOf(d.achterstandsscore, d.pupils));
        a.appendVarchar(at);
        a.appendNull();
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return 'school_version';
      }
      case 'npo.ScanCompleted': {
        const d = event.data;
        const f = d.findings;
        const a = await appenders.get('scan');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendVarchar(d.completedOn);
        a.appendVarchar(f.rekenen);
        a.appendVarchar(f.taal);
        a.appendVarchar(f.lezen);
        a.appendVarchar(f.executieveFuncties);
        a.appendVarchar(f.sociaalEmotioneel);
        a.appendVarchar(f.welbevinden);
        a.appendVarchar(at);
        a.appendNull();
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return 'scan';
      }
      case 'npo.InterventionChosen': {
        const d = event.data;
        const a = await appenders.get('choice');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendVarchar(d.code);
        a.appendVarchar(categoryOf(d.code) ?? '?');
        a.appendList(d.targetDomains, domainList);
        a.appendBigInt(BigInt(d.plannedBudgetCents));
        a.appendInteger(d.pupilsReached);
        a.appendVarchar(at);
        a.appendNull();
        a.appendVarchar(id);
        a.appendNull();
        a.appendBigInt(gp);
        a.endRow();
        return null;
      }
      case 'npo.InterventionWithdrawn': {
        const d = event.data;
        const a = await appenders.get('stg_withdrawal');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendVarchar(d.code);
        a.appendVarchar(at);
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return 'withdrawal';
      }
      case 'npo.MrApproved':
      case 'npo.MrRejected': {
        const d = event.data;
        const a = await appenders.get('mr_decision');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendVarchar(event.type === 'npo.MrApproved' ? 'approved' : 'rejected');
        a.appendInteger(d.planVersion);
        a.appendVarchar(d.decidedOn);
        a.appendVarchar(at);
        a.appendNull();
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return 'mr_decision';
      }
      case 'npo.FundsAllocated': {
        const d = event.data;
        const a = await appenders.get('school_allocation');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendBigInt(BigInt(d.amountCents));
        a.appendVarchar(d.basis);
        a.appendVarchar(at);
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return null;
      }
      case 'npo.GemeenteFundsAllocated': {
        const d = event.data;
        const a = await appenders.get('gemeente_allocation');
        a.appendVarchar(d.gemeente);
        a.appendVarchar(d.schoolYear);
        a.appendBigInt(BigInt(d.amountCents));
        a.appendVarchar(d.basis);
        a.appendVarchar(at);
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return null;
      }
      case 'npo.InterventionEvaluated': {
        const d = event.data;
        const a = await appenders.get('evaluation');
        a.appendVarchar(d.brin);
        a.appendVarchar(d.schoolYear);
        a.appendVarchar(d.code);
        a.appendVarchar(d.implementedAsPlanned);
        a.appendTinyInt(d.experiencedEffect);
        if (d.measuredEffect === undefined) {
          a.appendNull();
          a.appendNull();
          a.appendNull();
        } else {
          a.appendDouble(d.measuredEffect.effectSize);
          a.appendInteger(d.measuredEffect.pupils);
          a.appendVarchar(d.measuredEffect.instrument);
        }
        a.appendVarchar(at);
        a.appendNull();
        a.appendVarchar(id);
        a.appendBigInt(gp);
        a.endRow();
        return 'evaluation';
      }
      default: {
        const unreachable: never = event;
        throw new Error(`no projection for ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * Ends each open choice at the first withdrawal of the same (school, year, code) after it. A
   * withdrawal that finds no open choice (its choice was quarantined) is quarantined too, so reports
   * never rest on half a story. Returns how many were quarantined.
   */
  async #closeWithdrawnChoices(withdrawalIds: readonly string[], now: string): Promise<number> {
    const reader = await this.conn.runAndReadAll(
      `UPDATE choice AS c SET valid_to = m.occurred_at, withdrawal_event_id = m.event_id
       FROM (
         SELECT o.event_id AS choice_id, arg_min(w.occurred_at, w.global_position) AS occurred_at,
                arg_min(w.event_id, w.global_position) AS event_id
         FROM choice o JOIN stg_withdrawal w
           ON o.brin = w.brin AND o.school_year = w.school_year AND o.code = w.code AND w.global_position > o.global_position
         WHERE o.valid_to IS NULL
         GROUP BY o.event_id
       ) m
       WHERE c.event_id = m.choice_id
       RETURNING withdrawal_event_id::VARCHAR`,
    );
    const matched = new Set(reader.getRows().map(([id]) => String(id)));
    const unmatched = withdrawalIds.filter((id) => !matched.has(id));
    if (unmatched.length > 0) {
      const ids = unmatched.map((id) => `'${id}'::UUID`).join(', ');
      await this.conn.run(
        `INSERT INTO quarantine
         SELECT p.event_id::VARCHAR, p.global_position, p.stream_id, p.stream_position, p.type, p.schema_version,
                'no active choice to withdraw (the choice was never applied or is withdrawn already)',
                to_json({brin: w.brin, schoolYear: w.school_year, code: w.code})::VARCHAR, $feed, -1, -1, $now::TIMESTAMPTZ
         FROM projected_event p JOIN stg_withdrawal w ON w.event_id = p.event_id
         WHERE p.event_id IN (${ids})`,
        { feed: this.feed.name, now },
      );
      await this.conn.run(`UPDATE projected_event SET outcome = 'quarantined' WHERE event_id IN (${ids})`);
    }
    await this.conn.run('DELETE FROM stg_withdrawal');
    return unmatched.length;
  }

  /** A newer row with the same key ends the open one: its valid_to becomes the newer row's valid_from. */
  async #closeSuperseded(table: SupersedingFact, minGlobalPosition: number): Promise<void> {
    const on = supersedingFacts[table].map((k) => `o.${k} = x.${k}`).join(' AND ');
    await this.conn.run(
      `UPDATE ${table} AS t SET valid_to = n.next_from
       FROM (
         SELECT o.event_id, arg_min(x.valid_from, x.global_position) AS next_from
         FROM ${table} o JOIN ${table} x ON ${on} AND x.global_position > o.global_position
         WHERE o.valid_to IS NULL AND x.global_position >= $min
         GROUP BY o.event_id
       ) n
       WHERE t.event_id = n.event_id`,
      { min: BigInt(minGlobalPosition) },
    );
  }
}
