import type { DuckDBConnection } from '@duckdb/node-api';
import type { EnvelopeFacts } from './envelope-check.js';
import type { StreamHeads } from './stream-heads.js';

export const positionKey = (streamId: string, streamPosition: number): string => `${streamPosition}@${streamId}`;

// Bound parameters, not literals: stream ids come from the feed's payloads.
const PAIRS_PER_QUERY = 500;

/**
 * The event ids applied before at the positions of a batch that its streams' heads have passed already
 * (key: positionKey). An at-least-once feed redelivers such an event under a new offset; a different id
 * there is another event, which must not be dropped as a duplicate. Usually no entry of a batch is behind
 * its head, and this costs nothing.
 */
export interface SeenBehindHeads {
  /** positionKey -> the event id applied there. */
  readonly applied: Map<string, string>;
  /** `${positionKey}|${eventId}` of events quarantined at those positions (a repeat of one is dropped, not quarantined again). */
  readonly quarantined: Set<string>;
}

export async function appliedIdsBehindHeads(conn: DuckDBConnection, heads: StreamHeads, envelopes: readonly EnvelopeFacts[]): Promise<SeenBehindHeads> {
  const committed = heads.all();
  const behind = new Map<string, readonly [string, number]>();
  for (const e of envelopes) {
    if (e.streamId === null || e.streamPosition === null) continue;
    const head = committed.get(e.streamId);
    if (head !== undefined && e.streamPosition <= head) behind.set(positionKey(e.streamId, e.streamPosition), [e.streamId, e.streamPosition]);
  }
  const applied = new Map<string, string>();
  const quarantined = new Set<string>();
  const pairs = [...behind.values()];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_QUERY) {
    const chunk = pairs.slice(i, i + PAIRS_PER_QUERY);
    const values = chunk.map((_, j) => `($${2 * j + 1}::VARCHAR, $${2 * j + 2}::BIGINT)`).join(', ');
    const params = chunk.flatMap(([s, pos]) => [s, pos]);
    const reader = await conn.runAndReadAll(
      `SELECT p.stream_id, p.stream_position, p.event_id::VARCHAR FROM projected_event p JOIN (VALUES ${values}) AS k(s, pos) ON p.stream_id = k.s AND p.stream_position = k.pos`,
      params,
    );
    for (const [s, pos, id] of reader.getRows()) applied.set(positionKey(String(s), Number(pos)), String(id));
    const held = await conn.runAndReadAll(
      `SELECT DISTINCT q.stream_id, q.stream_position, lower(q.event_id) FROM quarantine q JOIN (VALUES ${values}) AS k(s, pos) ON q.stream_id = k.s AND q.stream_position = k.pos WHERE q.event_id IS NOT NULL`,
      params,
    );
    for (const [s, pos, id] of held.getRows()) quarantined.add(`${positionKey(String(s), Number(pos))}|${String(id)}`);
  }
  return { applied, quarantined };
}
