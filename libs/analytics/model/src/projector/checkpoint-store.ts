import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString, toNumber } from '../db/sql.js';
import type { Checkpoint } from '../feed/event-feed.port.js';

export async function readCheckpoint(conn: DuckDBConnection, feed: string): Promise<Checkpoint> {
  const reader = await conn.runAndReadAll('SELECT feed_partition, feed_offset FROM feed_checkpoint WHERE feed = $feed', { feed });
  return new Map(reader.getRows().map(([partition, offset]) => [toNumber(partition), toNumber(offset)]));
}

/**
 * The statement that upserts the offsets of one batch, to run inside the batch's transaction. As text
 * so it joins the batch's other statements in one round trip: the feed name is ours (config), the
 * offsets are integers, `now` is an ISO instant.
 */
export function checkpointStatement(feed: string, offsets: ReadonlyMap<number, number>, now: string): string | null {
  if (offsets.size === 0) return null;
  const values = [...offsets].map(([partition, offset]) => `(${sqlString(feed)}, ${Math.trunc(partition)}, ${Math.trunc(offset)}, ${sqlString(now)}::TIMESTAMPTZ)`);
  return `INSERT INTO feed_checkpoint VALUES ${values.join(', ')}
    ON CONFLICT DO UPDATE SET feed_offset = excluded.feed_offset, updated_at = excluded.updated_at`;
}
