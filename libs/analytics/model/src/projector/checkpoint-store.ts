import type { DuckDBConnection } from '@duckdb/node-api';
import { toNumber } from '../db/sql.js';
import type { Checkpoint } from '../feed/event-feed.port.js';

export async function readCheckpoint(conn: DuckDBConnection, feed: string): Promise<Checkpoint> {
  const reader = await conn.runAndReadAll('SELECT feed_partition, feed_offset FROM feed_checkpoint WHERE feed = $feed', { feed });
  return new Map(reader.getRows().map(([partition, offset]) => [toNumber(partition), toNumber(offset)]));
}

/** Upserts the offsets of one batch; run inside the batch's transaction. */
export async function writeCheckpoint(conn: DuckDBConnection, feed: string, offsets: ReadonlyMap<number, number>, now: string): Promise<void> {
  for (const [partition, offset] of offsets) {
    await conn.run(
      `INSERT INTO feed_checkpoint VALUES ($feed, $partition, $offset, $now::TIMESTAMPTZ)
       ON CONFLICT DO UPDATE SET feed_offset = excluded.feed_offset, updated_at = excluded.updated_at`,
      { feed, partition, offset: BigInt(offset), now },
    );
  }
}
