import type { RecordedEvent } from '@npo/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DuplicateEventIdError,
  EmptyAppendError,
  EventStoreUnavailableError,
  InvalidArgumentError,
  InvalidEventError,
  WrongExpectedVersionError,
} from '../errors.js';
import type { AppendResult, EventStore, ExpectedVersion } from '../event-store.port.js';
import {
  asWritten,
  collectSerializedUntil,
  collectUntil,
  delay,
  isStrictlyIncreasing,
  newEvent,
  newEvents,
  rejectionOf,
  uniqueStream,
} from './contract-helpers.js';

/** Opens a store for one test; the suite closes it afterwards. */
export type EventStoreFactory = () => Promise<EventStore>;

/**
 * The behaviour every EventStore adapter must have. Each test uses its own stream ids and positions
 * relative to the head it found, so an adapter on a shared server can run it too, as long as nothing
 * else appends while a test runs.
 */
export function eventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let closed: boolean;

    beforeEach(async () => {
      store = await factory();
      closed = false;
    });

    afterEach(async () => {
      if (!closed) await store.close();
    });

    const streamEvents = (streamId: string) => store.readStream(streamId);

    describe('append and expected version', () => {
      it('appends a batch to a new stream at positions 0..n-1 and reads it back unchanged', async () => {
        const streamId = uniqueStream('new');
        const events = newEvents(3, (i) => ({ i, label: `event ${i}` }));
        const result = await store.append(streamId, events, { expectedVersion: 'no_stream' });

        expect(result.streamId).toBe(streamId);
        expect(result.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(result.events.map((e) => e.streamPosition)).toEqual([0, 1, 2]);
        expect(isStrictlyIncreasing(result.events.map((e) => e.globalPosition))).toBe(true);
        expect(result.nextExpectedVersion).toBe(2);
        expect(result.lastGlobalPosition).toBe(result.events[2]?.globalPosition);

        const read = await streamEvents(streamId);
        expect(read.map((e) => ({ ...asWritten(e), streamId: e.streamId, streamPosition: e.streamPosition, globalPosition: e.globalPosition }))).toEqual(
          events.map((e, i) => ({ ...asWritten(e), streamId, streamPosition: i, globalPosition: result.events[i]?.globalPosition })),
        );
        for (const e of read) expect(Number.isNaN(Date.parse(e.recordedAt))).toBe(false);
      });

      it('continues a stream with the exact version returned by the previous append', async () => {
        const streamId = uniqueStream('exact');
        const first = await store.append(streamId, newEvents(2), { expectedVersion: 'no_stream' });
        const second = await store.append(streamId, newEvents(3), { expectedVersion: first.nextExpectedVersion });
        expect(second.events.map((e) => e.streamPosition)).toEqual([2, 3, 4]);
        expect(second.nextExpectedVersion).toBe(4);
        expect(second.events[0]!.globalPosition).toBeGreaterThan(first.lastGlobalPosition);
        expect((await streamEvents(streamId)).map((e) => e.streamPosition)).toEqual([0, 1, 2, 3, 4]);
      });

      const conflicts: { title: string; existing: number; expected: ExpectedVersion; actual: number | 'no_stream' }[] = [
        { title: 'no_stream on a stream that has events', existing: 2, expected: 'no_stream', actual: 1 },
        { title: 'stream_exists on a stream without events', existing: 0, expected: 'stream_exists', actual: 'no_stream' },
        { title: 'a stale exact version', existing: 3, expected: 1, actual: 2 },
        { title: 'an exact version ahead of the stream', existing: 1, expected: 5, actual: 0 },
        { title: 'an exact version on a stream without events', existing: 0, expected: 0, actual: 'no_stream' },
      ];
      for (const c of conflicts) {
        it(`refuses ${c.title} with the actual version and writes nothing`, async () => {
          const streamId = uniqueStream('conflict');
          if (c.existing > 0) await store.append(streamId, newEvents(c.existing), { expectedVersion: 'no_stream' });
          const headBefore = await store.headPosition();

          const error = await rejectionOf(store.append(streamId, newEvents(2), { expectedVersion: c.expected }));

          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({ code: 'EVENT_STORE_WRONG_EXPECTED_VERSION', streamId, expected: c.expected, actual: c.actual });
          expect(await streamEvents(streamId)).toHaveLength(c.existing);
          expect(await store.headPosition()).toBe(headBefore);
        });
      }

      it('accepts stream_exists on a stream with events and any on both', async () => {
        const streamId = uniqueStream('loose');
        const a = await store.append(streamId, newEvents(1), { expectedVersion: 'any' });
        const b = await store.append(streamId, newEvents(1), { expectedVersion: 'stream_exists' });
        const c = await store.append(streamId, newEvents(1), { expectedVersion: 'any' });
        expect([a, b, c].map((r) => r.nextExpectedVersion)).toEqual([0, 1, 2]);
      });
    });

    describe('idempotent append', () => {
      it('returns the first result for a re-sent batch and writes nothing', async () => {
        const streamId = uniqueStream('retry');
        const events = newEvents(3);
        const first = await store.append(streamId, events, { expectedVersion: 'no_stream' });
        const head = await store.headPosition();

        const again = await store.append(streamId, events, { expectedVersion: 'no_stream' });

        expect(again).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readAll({ after: head })).toEqual([]);
        expect(await streamEvents(streamId)).toHaveLength(3);
      });

      it('recognises a retry even after the stream moved on', async () => {
        const streamId = uniqueStream('retry-late');
        const events = newEvents(2);
        const first = await store.append(streamId, events, { expectedVersion: 'no_stream' });
        await store.append(streamId, newEvents(2), { expectedVersion: first.nextExpectedVersion });
        const head = await store.headPosition();

        const again = await store.append(streamId, events, { expectedVersion: 'no_stream' });

        expect(again).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect(await streamEvents(streamId)).toHaveLength(4);
      });

      it('refuses ids already stored in another stream', async () => {
        const original = uniqueStream('owner');
        const other = uniqueStream('thief');
        const events = newEvents(2);
        await store.append(original, events, { expectedVersion: 'no_stream' });
        const head = await store.headPosition();

        const error = await rejectionOf(store.append(other, events, { expectedVersion: 'any' }));

        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_DUPLICATE_EVENT_ID', eventId: events[0]!.id, streamId: other });
        expect(await streamEvents(other)).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses a batch mixing a stored id with new ones, writing none of it', async () => {
        const streamId = uniqueStream('mixed');
        const stored = newEvent();
        await store.append(streamId, [stored], { expectedVersion: 'no_stream' });
        const fresh = newEvent();

        const error = await rejectionOf(store.append(streamId, [fresh, stored], { expectedVersion: 0 }));

        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(error).toMatchObject({ eventId: stored.id });
        expect((await streamEvents(streamId)).map((e) => e.id)).toEqual([stored.id]);
      });

      it('refuses the same id twice in one batch', async () => {
        const streamId = uniqueStream('twice');
        const e = newEvent();
        const error = await rejectionOf(store.append(streamId, [e, e], { expectedVersion: 'any' }));
        expect(error).toBeInstanceOf(InvalidEventError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_INVALID_EVENT', index: 1 });
        expect(await streamEvents(streamId)).toEqual([]);
      });
    });

    describe('input validation', () => {
      it('refuses an empty batch', async () => {
        const streamId = uniqueStream('empty');
        const error = await rejectionOf(store.append(streamId, [], { expectedVersion: 'any' }));
        expect(error).toBeInstanceOf(EmptyAppendError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_EMPTY_APPEND', streamId });
      });

      it.each([
        ['a negative version', -1],
        ['a fractional version', 1.5],
        ['an unknown keyword', 'latest'],
        ['no version', undefined],
      ])('refuses %s as expected version', async (_title, expectedVersion) => {
        const error = await rejectionOf(store.append(uniqueStream('bad-version'), newEvents(1), { expectedVersion: expectedVersion as ExpectedVersion }));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_INVALID_ARGUMENT', argument: 'expectedVersion' });
      });

      it.each([
        ['an empty stream id', ''],
        ['a system stream id', '$all'],
        ['an over-long stream id', 'x'.repeat(300)],
      ])('refuses %s', async (_title, streamId) => {
        const error = await rejectionOf(store.append(streamId, newEvents(1), { expectedVersion: 'any' }));
        expect(error).toMatchObject({ code: 'EVENT_STORE_INVALID_ARGUMENT', argument: 'streamId' });
      });

      it.each([
        ['a non-UUID id', { id: 'event-1' }],
        ['an upper-case UUID id', { id: '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B' }],
        ['an empty type', { type: '' }],
        ['a zero schema version', { schemaVersion: 0 }],
        ['an unparseable occurredAt', { occurredAt: 'yesterday' }],
        ['data that is not JSON', { data: { amount: 10n } }],
        ['undefined data', { data: undefined }],
      ])('refuses %s and writes none of the batch', async (_title, override) => {
        const streamId = uniqueStream('bad-event');
        const error = await rejectionOf(store.append(streamId, [newEvent(), newEvent(override)], { expectedVersion: 'any' }));
        expect(error).toBeInstanceOf(InvalidEventError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_INVALID_EVENT', streamId, index: 1 });
        expect(await streamEvents(streamId)).toEqual([]);
      });

      it('refuses malformed read options', async () => {
        const streamId = uniqueStream('read-options');
        await expect(store.readStream(streamId, { fromVersion: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readStream(streamId, { maxCount: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readAll({ after: -2 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readAll({ maxCount: 0.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(() => store.subscribeToAll({ maxBatchSize: 0 })).toThrow(InvalidArgumentError);
      });
    });

    describe('readStream', () => {
      it('returns an empty array for a stream that does not exist', async () => {
        expect(await store.readStream(uniqueStream('missing'))).toEqual([]);
      });

      it('pages with fromVersion and maxCount, and only returns its own stream', async () => {
        const streamId = uniqueStream('paged');
        const neighbour = uniqueStream('neighbour');
        const events = newEvents(10, (i) => ({ i }));
        for (let i = 0; i < 10; i += 2) {
          await store.append(streamId, events.slice(i, i + 2), { expectedVersion: i === 0 ? 'no_stream' : i - 1 });
          await store.append(neighbour, newEvents(1), { expectedVersion: 'any' });
        }
        const page = await store.readStream(streamId, { fromVersion: 3, maxCount: 4 });
        expect(page.map((e) => e.id)).toEqual(events.slice(3, 7).map((e) => e.id));
        expect(page.map((e) => e.streamPosition)).toEqual([3, 4, 5, 6]);
        expect(page.every((e) => e.streamId === streamId)).toBe(true);
        expect((await store.readStream(streamId, { fromVersion: 8 })).map((e) => e.streamPosition)).toEqual([8, 9]);
        expect(await store.readStream(streamId, { fromVersion: 10 })).toEqual([]);
        expect(await store.readStream(streamId, { maxCount: 0 })).toEqual([]);
        expect(isStrictlyIncreasing((await store.readStream(streamId)).map((e) => e.globalPosition))).toBe(true);
      });
    });

    describe('readAll and headPosition', () => {
      it('reads the global log after a position, in append order, with maxCount', async () => {
        const start = await store.headPosition();
        const streams = [uniqueStream('all-a'), uniqueStream('all-b')];
        const appended: AppendResult[] = [];
        for (let i = 0; i < 6; i++) appended.push(await store.append(streams[i % 2]!, newEvents(2), { expectedVersion: 'any' }));
        const ids = appended.flatMap((r) => r.events.map((e) => e.id));
        const positions = appended.flatMap((r) => r.events.map((e) => e.globalPosition));

        const all = await store.readAll({ after: start });
        expect(all.map((e) => e.id)).toEqual(ids);
        expect(all.map((e) => e.globalPosition)).toEqual(positions);
        expect(isStrictlyIncreasing(positions)).toBe(true);
        expect(await store.headPosition()).toBe(positions.at(-1));

        expect((await store.readAll({ after: start, maxCount: 5 })).map((e) => e.id)).toEqual(ids.slice(0, 5));
        expect((await store.readAll({ after: positions[4] })).map((e) => e.id)).toEqual(ids.slice(5));
        expect(await store.readAll({ after: positions.at(-1) })).toEqual([]);
      });

      it('reports the head as the position of the newest event', async () => {
        const r = await store.append(uniqueStream('head'), newEvents(4), { expectedVersion: 'no_stream' });
        expect(await store.headPosition()).toBe(r.lastGlobalPosition);
        const [last] = await store.readAll({ after: r.lastGlobalPosition - 1, maxCount: 1 });
        expect(last?.id).toBe(r.events[3]?.id);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up in batches of at most maxBatchSize, in order, from the start or a checkpoint', async () => {
        const start = await store.headPosition();
        const streamId = uniqueStream('catch-up');
        const result = await store.append(streamId, newEvents(23), { expectedVersion: 'no_stream' });
        const ids = result.events.map((e) => e.id);

        const fromStart = await collectUntil(store, { after: start, maxBatchSize: 7 }, (seen) => seen.length >= 23);
        expect(fromStart.timedOut).toBe(false);
        expect(fromStart.events.map((e) => e.id)).toEqual(ids);
        expect(fromStart.batches.every((b) => b.length >= 1 && b.length <= 7)).toBe(true);

        const checkpoint = result.events[9]!.globalPosition;
        const fromCheckpoint = await collectUntil(store, { after: checkpoint }, (seen) => seen.length >= 13);
        expect(fromCheckpoint.events.map((e) => e.id)).toEqual(ids.slice(10));
      });

      it('delivers appends made after it caught up', async () => {
        const head = await store.headPosition();
        const streamId = uniqueStream('live');
        const live = collectUntil(store, { after: head }, (seen) => seen.length >= 3);
        await delay(20); // let the subscription reach its live wait
        const first = await store.append(streamId, newEvents(1), { expectedVersion: 'no_stream' });
        await delay(5);
        await store.append(streamId, newEvents(2), { expectedVersion: first.nextExpectedVersion });
        const got = await live;
        expect(got.timedOut).toBe(false);
        expect(got.events.map((e) => e.streamPosition)).toEqual([0, 1, 2]);
        expect(got.events.every((e) => e.streamId === streamId)).toBe(true);
      });

      it('never skips, repeats or reorders under 20 concurrent writers x 50 appends', async () => {
        const writers = 20;
        const perWriter = 50;
        const total = writers * perWriter;
        const start = await store.headPosition();
        const streams = Array.from({ length: writers }, (_, w) => uniqueStream(`writer-${w}`));
        const mine = new Set(streams);
        const live = collectUntil(store, { after: start, maxBatchSize: 64 }, (seen) => seen.filter((e) => mine.has(e.streamId)).length >= total, 60_000);

        let midCheckpoint: number | undefined;
        let lastPositionOfRun = Number.POSITIVE_INFINITY;
        let fromMid: Promise<Awaited<ReturnType<typeof collectUntil>>> | undefined;
        await Promise.all(
          streams.map(async (streamId, w) => {
            let version: ExpectedVersion = 'no_stream';
            for (let i = 0; i < perWriter; i++) {
              const r: AppendResult = await store.append(streamId, [newEvent({ data: { w, i } })], { expectedVersion: version });
              version = r.nextExpectedVersion;
              if (w === 0 && i === perWriter / 2) {
                // A second subscriber joins mid-run from a checkpoint it read.
                midCheckpoint = await store.headPosition();
                fromMid = collectUntil(store, { after: midCheckpoint, maxBatchSize: 13 }, (seen) => seen.length > 0 && seen.at(-1)!.globalPosition >= lastPositionOfRun, 60_000);
              }
            }
          }),
        );
        const log = (await store.readAll({ after: start })).filter((e) => mine.has(e.streamId));
        lastPositionOfRun = log.at(-1)!.globalPosition;
        // Wake the mid-run subscriber's predicate now that the end is known.
        await store.append(uniqueStream('end-marker'), newEvents(1), { expectedVersion: 'no_stream' });

        const all = await live;
        expect(all.timedOut).toBe(false);
        const delivered = all.events.filter((e) => mine.has(e.streamId));
        expect(delivered).toHaveLength(total);
        expect(new Set(delivered.map((e) => e.id)).size).toBe(total);
        expect(isStrictlyIncreasing(all.events.map((e) => e.globalPosition))).toBe(true);
        expect(delivered.map((e) => e.id)).toEqual(log.map((e) => e.id));
        for (const streamId of streams) {
          const positions = delivered.filter((e) => e.streamId === streamId).map((e) => e.streamPosition);
          expect(positions).toEqual(Array.from({ length: perWriter }, (_, i) => i));
        }

        expect(fromMid).toBeDefined();
        const mid = await fromMid!;
        expect(mid.timedOut).toBe(false);
        const expectedSuffix = log.filter((e) => e.globalPosition > midCheckpoint!).map((e) => e.id);
        expect(mid.events.filter((e) => mine.has(e.streamId)).map((e) => e.id)).toEqual(expectedSuffix);
        expect(isStrictlyIncreasing(mid.events.map((e) => e.globalPosition))).toBe(true);
      });

      it('keeps one stream consistent when 10 writers race on it with retries', async () => {
        const streamId = uniqueStream('contended');
        const writers = 10;
        const perWriter = 10;
        let conflicts = 0;
        const written = await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const mineIds: string[] = [];
            for (let i = 0; i < perWriter; i++) {
              const event = newEvent({ data: { w, i } });
              for (;;) {
                const current = await store.readStream(streamId);
                const expectedVersion: ExpectedVersion = current.length === 0 ? 'no_stream' : current.length - 1;
                try {
                  await store.append(streamId, [event], { expectedVersion });
                  break;
                } catch (error) {
                  if (!(error instanceof WrongExpectedVersionError)) throw error;
                  conflicts++;
                }
              }
              mineIds.push(event.id);
            }
            return mineIds;
          }),
        );
        const stream = await store.readStream(streamId);
        expect(stream.map((e) => e.streamPosition)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i));
        expect(new Set(stream.map((e) => e.id))).toEqual(new Set(written.flat()));
        // The writers really raced: lost races surfaced as conflicts, not as overwrites.
        expect(conflicts).toBeGreaterThan(0);
      });

      it('ends without an error when its signal aborts while waiting live', async () => {
        await store.append(uniqueStream('abort'), newEvents(2), { expectedVersion: 'no_stream' });
        const controller = new AbortController();
        const batches: (readonly RecordedEvent[])[] = [];
        const run = (async () => {
          for await (const batch of store.subscribeToAll({ signal: controller.signal })) batches.push(batch);
          return 'ended';
        })();
        await delay(50);
        controller.abort();
        expect(await Promise.race([run, delay(5_000).then(() => 'still running')])).toBe('ended');
        expect(batches.length).toBeGreaterThan(0);
      });

      it('ends live subscriptions on close, after which the store refuses calls', async () => {
        const head = await store.headPosition();
        const run = (async () => {
          for await (const _batch of store.subscribeToAll({ after: head })) {
            // nothing arrives: the subscription waits live until close
          }
          return 'ended';
        })();
        await delay(50);
        await store.close();
        closed = true;
        expect(await Promise.race([run, delay(5_000).then(() => 'still running')])).toBe('ended');
        const error = await rejectionOf(store.append(uniqueStream('closed'), newEvents(1), { expectedVersion: 'any' }));
        expect(error).toBeInstanceOf(EventStoreUnavailableError);
        expect(error).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
      });
    });

    describe('subscribeToAllSerialized', () => {
      // What JSON text can hold and a store might rewrite on the way: escapes, control characters, a lone
      // surrogate, numbers at the edges of a double, empty containers.
      const awkward = (i: number) => ({
        i,
        text: `"quoted" \\ back\nslash \u0000\u001f é 𝄞 \ud800 </script>`,
        numbers: [0.1, 1e21, 5e-324, -0, Number.MAX_SAFE_INTEGER, -2.5e-7],
        empty: { list: [], object: {} },
        nothing: null,
        flags: [true, false],
      });

      it('delivers the events of subscribeToAll as JSON, in batches of at most maxBatchSize, from the start or a checkpoint', async () => {
        const start = await store.headPosition();
        const result = await store.append(uniqueStream('serialized'), newEvents(23, awkward), { expectedVersion: 'no_stream' });
        const stored = await store.readAll({ after: start });

        const fromStart = await collectSerializedUntil(store, { after: start, maxBatchSize: 7 }, (seen) => seen.length >= 23);
        expect(fromStart.timedOut).toBe(false);
        expect(fromStart.batches.every((b) => b.length >= 1 && b.length <= 7)).toBe(true);
        expect(fromStart.events.map((e) => JSON.parse(e.json) as unknown)).toEqual(stored);
        expect(fromStart.events.map(({ id, type, schemaVersion, streamId, globalPosition }) => ({ id, type, schemaVersion, streamId, globalPosition }))).toEqual(
          stored.map(({ id, type, schemaVersion, streamId, globalPosition }) => ({ id, type, schemaVersion, streamId, globalPosition })),
        );

        const checkpoint = result.events[9]!.globalPosition;
        const fromCheckpoint = await collectSerializedUntil(store, { after: checkpoint }, (seen) => seen.length >= 13);
        expect(fromCheckpoint.events.map((e) => e.id)).toEqual(result.events.slice(10).map((e) => e.id));
      });

      it('delivers appends made after it caught up', async () => {
        const head = await store.headPosition();
        const streamId = uniqueStream('serialized-live');
        const collecting = collectSerializedUntil(store, { after: head }, (seen) => seen.length >= 3);
        await delay(50);
        const appended = await store.append(streamId, newEvents(3), { expectedVersion: 'no_stream' });
        const { events, timedOut } = await collecting;
        expect(timedOut).toBe(false);
        expect(events.map((e) => (JSON.parse(e.json) as { id: string; streamId: string }).id)).toEqual(appended.events.map((e) => e.id));
        expect(events.every((e) => e.streamId === streamId)).toBe(true);
      });
    });

    describe('payloads', () => {
      it('round-trips a 2 MB event and a 500-event batch of 4 KB events', async () => {
        const big = { text: 'ëxtra-lång ✓ '.repeat(160_000), rows: Array.from({ length: 2_000 }, (_, i) => ({ i, v: i / 7 })) };
        const streamId = uniqueStream('big');
        await store.append(streamId, [newEvent({ data: big })], { expectedVersion: 'no_stream' });
        const [stored] = await store.readStream(streamId);
        expect(stored?.data).toEqual(big);

        const batchStream = uniqueStream('big-batch');
        const batch = newEvents(500, (i) => ({ i, blob: String(i).padStart(4_096, '.') }));
        const r = await store.append(batchStream, batch, { expectedVersion: 'no_stream' });
        expect(r.nextExpectedVersion).toBe(499);
        const read = await store.readStream(batchStream);
        expect(read.map(asWritten)).toEqual(batch.map(asWritten));
      });

      it('stores JSON values of every kind, and a later mutation by the caller does not reach the store', async () => {
        const streamId = uniqueStream('json');
        const values: unknown[] = [null, 0, -1.25e-7, true, 'tekst', [], [1, 'a', null], { nested: { deeper: [{ x: 'ÿ€😀' }] } }];
        const events = values.map((data) => newEvent({ data }));
        await store.append(streamId, events, { expectedVersion: 'no_stream' });
        (events[7]!.data as { nested: { deeper: unknown[] } }).nested.deeper.push('mutated');
        const read = await store.readStream(streamId);
        expect(read.map((e) => e.data)).toEqual([...values.slice(0, 7), { nested: { deeper: [{ x: 'ÿ€😀' }] } }]);
        (read[7]!.data as { nested: unknown }).nested = 'changed by reader';
        expect((await store.readStream(streamId, { fromVersion: 7 }))[0]?.data).toEqual({ nested: { deeper: [{ x: 'ÿ€😀' }] } });
      });
    });
  });
}
