import { streamNameFilter, type PrefixesFilter } from '@kurrent/kurrentdb-client';
import { InvalidArgumentError } from '../errors.js';

/** The project's streams: `school-<BRIN>` and `gemeente-<GMcode>` (DESIGN, "Events"). */
export const DEFAULT_STREAM_PREFIXES: readonly string[] = ['school-', 'gemeente-'];

/**
 * Checks the prefixes that make up "the project's streams". None may start with `$` (system streams)
 * or overlap the event-id claim streams, else claims or system events would leak into the global log.
 */
export function validateStreamPrefixes(prefixes: unknown, claimPrefix: string): readonly string[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) throw new InvalidArgumentError('streamPrefixes', 'must be a non-empty array');
  for (const p of prefixes as unknown[]) {
    if (typeof p !== 'string' || p.length === 0) throw new InvalidArgumentError('streamPrefixes', 'every prefix must be a non-empty string');
    if (p.startsWith('$')) throw new InvalidArgumentError('streamPrefixes', `"${p}" would select system streams`);
    if (p.startsWith(claimPrefix) || claimPrefix.startsWith(p)) {
      throw new InvalidArgumentError('streamPrefixes', `"${p}" overlaps the event-id claim streams "${claimPrefix}"`);
    }
  }
  return [...(prefixes as string[])];
}

export function validateClaimPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix.length === 0) throw new InvalidArgumentError('eventIdStreamPrefix', 'must be a non-empty string');
  if (prefix.startsWith('$')) throw new InvalidArgumentError('eventIdStreamPrefix', 'must not start with "$"');
  return prefix;
}

/**
 * Server-side filter for $all reads and subscriptions: only events of the project's streams travel.
 * A stream-name prefix filter also keeps out every system event, since system streams start with `$`.
 */
export const projectStreamFilter = (prefixes: readonly string[]): PrefixesFilter => streamNameFilter({ prefixes: [...prefixes] });

/** The same rule on the client side, so a link or system event can never reach a consumer. */
export const isProjectStream = (streamId: string, prefixes: readonly string[]): boolean =>
  !streamId.startsWith('$') && prefixes.some((p) => streamId.startsWith(p));
