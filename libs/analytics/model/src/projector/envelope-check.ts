import { utcInstant } from '../db/typed-text.js';

/** What the projector needs to know about an entry even when it cannot be decoded. */
export interface EnvelopeFacts {
  readonly id: string | null;
  readonly type: string | null;
  readonly schemaVersion: number | null;
  readonly streamId: string | null;
  readonly streamPosition: number | null;
  readonly globalPosition: number | null;
  readonly occurredAt: string | null;
  readonly recordedAt: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
/**
 * An instant in UTC ('Z'), the only form the appenders and the UPDATEs that end intervals pass on (the old
 * text appender cast read 09:30+02:00 as 09:30 UTC; converting here keeps every path the same), to the
 * microsecond. What typed-text refuses (no seconds, a day the calendar does not have) is null, so the event
 * is quarantined instead of failing its batch in DuckDB.
 */
const instant = (v: unknown): string | null => (typeof v === 'string' ? utcInstant(v) : null);

/** Reads envelope fields leniently: a field that is missing or malformed is null, never an exception. */
export function envelopeFacts(payload: unknown): EnvelopeFacts {
  const p = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const id = str(p['id']);
  return {
    // Lower case, as DuckDB's UUID prints it: a repeat is recognised by comparing ids as text.
    id: id !== null && uuidPattern.test(id) ? id.toLowerCase() : null,
    type: str(p['type']),
    schemaVersion: int(p['schemaVersion']),
    streamId: str(p['streamId']),
    streamPosition: int(p['streamPosition']),
    globalPosition: int(p['globalPosition']),
    occurredAt: instant(p['occurredAt']),
    recordedAt: instant(p['recordedAt']),
  };
}

/** Enough envelope to log the event among the applied ones (and so count it against the store). */
export const isLoggable = (e: EnvelopeFacts): boolean =>
  e.id !== null && e.type !== null && e.schemaVersion !== null && e.streamId !== null && e.streamPosition !== null && e.globalPosition !== null;

/** What a trusted feed skips in full validation but the appenders cannot do without. */
export function envelopeProblem(e: EnvelopeFacts): string | null {
  if (e.id === null) return 'invalid envelope: id is not a UUID';
  if (e.streamId === null || e.streamPosition === null || e.globalPosition === null) return 'invalid envelope: stream or positions missing';
  if (e.occurredAt === null) return 'invalid envelope: occurredAt is not an ISO 8601 instant with offset';
  if (e.recordedAt === null) return 'invalid envelope: recordedAt is not an ISO 8601 instant with offset';
  return null;
}
