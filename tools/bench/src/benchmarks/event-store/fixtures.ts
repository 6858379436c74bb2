import type { NewEvent } from '@npo/contracts';
import { v7 as uuidv7 } from 'uuid';
import type { RunOutcome } from '../../harness/benchmark.js';

export const WORKLOADS = {
  single: 'single',
  batch: 'batch-100',
  concurrent: 'concurrent-16',
} as const;

export const BATCH_SIZE = 100;
export const CONCURRENT_WRITERS = 16;
/** Single and batched appends rotate over this many school streams. */
export const STREAMS = 100;

const menukaart = ['A1', 'A2', 'B1', 'B3', 'B4', 'C1', 'C2', 'D1', 'D3', 'E1', 'E5', 'F2'];
const domains = ['rekenen', 'taal', 'lezen', 'executieveFuncties', 'sociaalEmotioneel', 'welbevinden'];

export const streamName = (i: number): string => `school-${(46_656 + i).toString(36).toUpperCase()}`;

/**
 * Events shaped like the platform's `npo.InterventionChosen` (about 400 bytes as JSON). Payload objects
 * come from a small pool: every event is still serialised on its own, but the fixture does not
 * dominate the memory measured.
 */
export function makeEvents(count: number): NewEvent[] {
  const payloads = Array.from({ length: 64 }, (_, i) => ({
    brin: streamName(i).slice(7),
    schoolYear: i % 2 === 0 ? '2021-2022' : '2022-2023',
    code: menukaart[i % menukaart.length],
    plannedBudgetCents: 1_250_000 + i * 7_919,
    pupilsReached: 20 + (i % 180),
    targetDomains: domains.slice(0, 1 + (i % 3)),
  }));
  const metadata = Array.from({ length: 64 }, (_, i) => ({
    correlationId: uuidv7(),
    causationId: null,
    actor: { role: 'school' as const, id: streamName(i).slice(7) },
    idempotencyKey: i % 4 === 0 ? null : `key-${i}`,
  }));
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    type: 'npo.InterventionChosen',
    schemaVersion: 1,
    occurredAt: '2021-05-17T09:15:00.000Z',
    data: payloads[i % 64],
    metadata: metadata[i % 64]!,
  }));
}

/** A store seen through the one operation the workloads use; it tracks expected versions itself. */
export interface Appender {
  append(streamId: string, events: readonly NewEvent[]): Promise<void>;
}

/** The three append workloads, identical for every event-store contender. Errors are counted, not thrown. */
export async function drive(workload: string, appender: Appender, events: readonly NewEvent[]): Promise<RunOutcome> {
  let operations = 0;
  let errors = 0;
  let firstError: string | undefined;
  const attempt = async (streamId: string, batch: readonly NewEvent[]): Promise<void> => {
    try {
      await appender.append(streamId, batch);
      operations += batch.length;
    } catch (error) {
      errors++;
      firstError ??= (error as Error).message;
    }
  };
  switch (workload) {
    case WORKLOADS.single:
      for (let i = 0; i < events.length; i++) await attempt(streamName(i % STREAMS), [events[i]!]);
      break;
    case WORKLOADS.batch:
      for (let b = 0; b * BATCH_SIZE < events.length; b++) {
        await attempt(streamName(b % STREAMS), events.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE));
      }
      break;
    case WORKLOADS.concurrent: {
      const perWriter = Math.ceil(events.length / CONCURRENT_WRITERS);
      await Promise.all(
        Array.from({ length: CONCURRENT_WRITERS }, async (_, w) => {
          const mine = events.slice(w * perWriter, (w + 1) * perWriter);
          for (const e of mine) await attempt(streamName(w), [e]);
        }),
      );
      break;
    }
    default:
      throw new Error(`Unknown workload ${workload}`);
  }
  return errors === 0 ? { operations } : { operations, errors, ...(firstError === undefined ? {} : { firstError }) };
}
