import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import type { EventFeed, FeedBatch, FeedEntry } from '../feed/event-feed.port.js';
import { toNewEvent } from '../testing/events.js';
import { generateHistory } from '../testing/history.js';
import { tempDir } from '../testing/temp-dir.js';
import { runProjector } from './projector.js';

/*
 * An untrusted feed (Kafka) may carry anything. Whatever a message holds, the projector must apply it or
 * quarantine it and go on: a message that fails its batch in DuckDB fails it again on every retry and
 * stops the feed for good. Here valid envelopes are damaged at random — a field replaced by any JSON
 * value or by text close to what is expected, a field removed, a whole value replaced, a message
 * delivered twice — and every run must reach the end of the feed with every entry accounted for.
 */

type Envelope = Record<string, unknown> & { data: Record<string, unknown> };

function envelopes(): Envelope[] {
  const positions = new Map<string, number>();
  return generateHistory(4, 7).map((step, globalPosition) => {
    const streamPosition = positions.get(step.streamId) ?? 0;
    positions.set(step.streamId, streamPosition + 1);
    const event = toNewEvent(step);
    return { ...event, streamId: step.streamId, streamPosition, globalPosition, recordedAt: event.occurredAt } as Envelope;
  });
}

// Values near the edge of what a parser or a column takes, per kind of field, beside arbitrary JSON.
const instants = fc.constantFrom<unknown>(
  '2021-02-29T10:00:00Z',
  '2021-01-01T10:00Z',
  '2021-01-01T24:00:00Z',
  '2021-01-01T10:00:00',
  '9999-12-31T23:59:59.999999999+14:00',
  '0001-01-01T00:00:00-14:00',
  '2021-06-01T12:30:00.123456789+02:00',
);
const dates = fc.constantFrom<unknown>('2021-02-29', '2021-04-31', '0000-01-01', '2021-1-01', '2021-06-01T00:00:00Z');
const integers = fc.constantFrom<unknown>(2_147_483_648, -3_000_000_000, -1, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -0, 0.5, '12');
const texts = fc.constantFrom<unknown>('ffffffff-ffff-ffff-ffff-fffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '\u0000', '\ud800', 'é'.repeat(20), 'x'.repeat(300_000), '', 'npo.Unknown');
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), texts, integers, fc.constantFrom<unknown>([], {}, null));
const fieldValues = (keys: readonly string[], nearMiss: fc.Arbitrary<unknown>): fc.Arbitrary<{ key: string; value: unknown }> =>
  fc.record({ key: fc.constantFrom(...keys), value: fc.oneof(nearMiss, anyValue) });
const field = fc.oneof(
  fieldValues(['occurredAt', 'recordedAt'], instants),
  fieldValues(['data.completedOn', 'data.decidedOn'], dates),
  fieldValues(['streamPosition', 'globalPosition', 'schemaVersion', 'data.planVersion', 'data.pupils', 'data.pupilsReached', 'data.amountCents', 'data.plannedBudgetCents', 'data.experiencedEffect'], integers),
  fieldValues(['id', 'type', 'streamId', 'data.brin', 'data.code', 'data.schoolYear', 'data.gemeente', 'data.name', 'data.basis'], texts),
);

type Damage =
  | { readonly kind: 'field'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'remove'; readonly at: number; readonly inData: boolean; readonly pick: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'repeat'; readonly at: number; readonly later: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.nat(), field).map(([at, f]): Damage => ({ kind: 'field', at, ...f })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), inData: fc.boolean(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), later: fc.nat({ max: 10 }) }) },
);

function damaged(base: readonly Envelope[], damages: readonly Damage[]): unknown[] {
  const messages: unknown[] = base.map((e) => structuredClone(e));
  for (const d of damages) {
    const at = d.at % messages.length;
    const target = messages[at];
    if (d.kind === 'replace') messages[at] = d.value;
    else if (d.kind === 'repeat') messages.splice(Math.min(messages.length, at + 1 + d.later), 0, structuredClone(target));
    else if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      const record = target as Record<string, unknown>;
      const inData = d.kind === 'field' ? d.key.startsWith('data.') : d.inData;
      const holder = inData && typeof record['data'] === 'object' && record['data'] !== null ? (record['data'] as Record<string, unknown>) : record;
      if (d.kind === 'field') holder[d.key.replace(/^data\./, '')] = d.value;
      else {
        const keys = Object.keys(holder);
        const key = keys[d.pick % Math.max(1, keys.length)];
        if (key !== undefined) delete holder[key];
      }
    }
  }
  return messages;
}

function listFeed(messages: readonly unknown[], batchSize: number, trusted: boolean): EventFeed {
  const entries: FeedEntry[] = messages.map((payload, offset) => ({ partition: 0, offset, payload }));
  return {
    name: 'kafka:poison',
    trusted,
    subscribe: (from): AsyncIterable<FeedBatch> => ({
      async *[Symbol.asyncIterator]() {
        for (let i = (from.get(0) ?? -1) + 1; i < entries.length; i += batchSize) yield { entries: entries.slice(i, i + batchSize) };
      },
    }),
    head: async () => new Map([[0, entries.length - 1]]),
  };
}

// Also as a trusted feed (the store's), whose envelopes the projector does not validate against the contract.
describe('poison messages from an untrusted feed', () => {
  const tmp = tempDir('npo-poison-');
  afterAll(() => tmp.remove());
  const base = envelopes();
  let run = 0;

  // 60 DuckDB files: 17-27 s on a quiet machine, over 30 s under load.
  it('never stop the projector: every entry is applied, quarantined or dropped as a repeat, and the checkpoint reaches the end', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 16 }), fc.boolean(), async (damages, batchSize, trusted) => {
        const messages = damaged(base, damages);
        const db = await AnalyticsDatabase.open({ dir: join(tmp.path, `run-${run++}`) });
        const lease = await db.lease();
        try {
          const summary = await runProjector(lease.conn, { feed: listFeed(messages, batchSize, trusted), until: new Map([[0, messages.length - 1]]), maxBatchSize: batchSize });
          expect(summary.applied + summary.quarantined + summary.duplicates).toBe(messages.length);
          expect(summary.checkpoint.get(0)).toBe(messages.length - 1);
          const counted = await lease.conn.runAndReadAll('SELECT (SELECT count(*) FROM quarantine), (SELECT count(*) FROM projected_event WHERE outcome = \'projected\')');
          const [quarantined, projected] = (counted.getRows()[0] ?? []).map(Number);
          expect(quarantined).toBe(summary.quarantined);
          expect(projected).toBe(summary.applied);
        } finally {
          lease.release();
          await db.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
