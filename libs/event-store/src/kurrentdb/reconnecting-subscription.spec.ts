import { PassThrough } from 'node:stream';
import type { RecordedEvent } from '@npo/contracts';
import { AccessDeniedError, START, UnavailableError, UnknownError, type AllStreamResolvedEvent, type ReadPosition } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { EventStoreUnavailableError } from '../errors.js';
import type { ReconnectPolicy } from './backoff.js';
import { reconnectingSubscription, type ReconnectInfo, type SubscriptionSource } from './reconnecting-subscription.js';

/*
 * The server side is played by real object-mode streams: each `open` gets a fresh PassThrough that the
 * test fills with events or fails the way the KurrentDB client does (an 'error' event, stream left open).
 */

type Script = (stream: PassThrough, from: ReadPosition) => void;

interface Harness {
  readonly source: SubscriptionSource;
  readonly opened: ReadPosition[];
  readonly closedCount: () => number;
  readonly reconnects: ReconnectInfo[];
  readonly closing: AbortController;
}

const event = (globalPosition: number): RecordedEvent => ({
  id: `0190a1b2-0000-7000-8000-${String(globalPosition).padStart(12, '0')}`,
  type: 'npo.Tested',
  schemaVersion: 1,
  streamId: 'school-16SW',
  streamPosition: globalPosition,
  globalPosition,
  occurredAt: '2021-04-20T09:30:00.000Z',
  recordedAt: '2021-04-20T09:30:00.000Z',
  data: {},
  metadata: { correlationId: 'c', causationId: null, actor: { role: 'system', id: 'test' }, idempotencyKey: null },
});
// The resolved event carries the converted one, so `convert` is a lookup: this suite is about the loop.
const resolved = (globalPosition: number): AllStreamResolvedEvent => ({ commitPosition: BigInt(globalPosition), event: event(globalPosition) as never });

function harness(scripts: Script[], policy: Partial<ReconnectPolicy> = {}): Harness {
  const opened: ReadPosition[] = [];
  const reconnects: ReconnectInfo[] = [];
  const closing = new AbortController();
  let closed = 0;
  const source: SubscriptionSource = {
    open(from) {
      opened.push(from);
      const stream = new PassThrough({ objectMode: true });
      const script = scripts[Math.min(opened.length - 1, scripts.length - 1)]!;
      setImmediate(() => script(stream, from));
      return {
        events: stream,
        close: async () => {
          closed++;
          stream.destroy();
        },
      };
    },
    convert: (r) => r.event as unknown as RecordedEvent | undefined,
    closing: closing.signal,
    policy: { initialDelayMs: 10, maxDelayMs: 1_000, maxAttempts: Number.POSITIVE_INFINITY, ...policy },
    random: () => 1 - Number.EPSILON, // no jitter: the nominal delays
    onReconnect: (info) => reconnects.push(info),
  };
  return { source, opened, closedCount: () => closed, reconnects, closing };
}

async function collect(iterable: AsyncIterable<readonly RecordedEvent[]>, until: (positions: number[]) => boolean): Promise<number[]> {
  const positions: number[] = [];
  for await (const batch of iterable) {
    positions.push(...batch.map((e) => e.globalPosition));
    if (until(positions)) break;
  }
  return positions;
}

const fail = (error: unknown): Script => (stream) => stream.emit('error', error);

describe('reconnecting $all subscription', () => {
  it('resumes after a dropped connection from the last delivered event, without repeating it', async () => {
    const h = harness([
      (s) => {
        s.write(resolved(10));
        s.write(resolved(20));
        setTimeout(() => s.emit('error', new UnavailableError()), 5);
      },
      (s) => {
        s.write(resolved(20)); // a start at (not after) the checkpoint replays it
        s.write(resolved(30));
      },
    ]);
    const positions = await collect(reconnectingSubscription(h.source, {}), (p) => p.includes(30));
    expect(positions).toEqual([10, 20, 30]);
    expect(h.opened).toEqual([START, { commit: 20n, prepare: 20n }]);
    expect(h.reconnects).toHaveLength(1);
    expect(h.reconnects[0]).toMatchObject({ attempt: 1, after: 20, delayMs: 10 });
    expect(h.reconnects[0]!.error).toBeInstanceOf(EventStoreUnavailableError);
    expect(h.closedCount()).toBe(2);
  });

  it('starts after the given checkpoint and hands out batches of at most maxBatchSize', async () => {
    const h = harness([(s) => [41, 42, 43, 44, 45].forEach((p) => s.write(resolved(p)))]);
    const batches: number[][] = [];
    for await (const batch of reconnectingSubscription(h.source, { after: 40, maxBatchSize: 2 })) {
      batches.push(batch.map((e) => e.globalPosition));
      if (batch.at(-1)!.globalPosition === 45) break;
    }
    expect(h.opened).toEqual([{ commit: 40n, prepare: 40n }]);
    expect(batches.flat()).toEqual([41, 42, 43, 44, 45]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
  });

  it('backs off exponentially while the server stays away, and ends quietly on abort', async () => {
    const h = harness([fail(new UnavailableError())]);
    const controller = new AbortController();
    const run = collect(reconnectingSubscription(h.source, { signal: controller.signal }), () => false);
    while (h.reconnects.length < 4) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await run).toEqual([]);
    expect(h.reconnects.slice(0, 4).map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
      [4, 80],
    ]);
    expect(h.opened.every((from) => from === START)).toBe(true);
  });

  it('resets the backoff once events flow again', async () => {
    let opens = 0;
    const h = harness([
      fail(new UnavailableError()),
      fail(new UnavailableError()),
      (s) => {
        opens++;
        s.write(resolved(5));
        setTimeout(() => s.emit('error', new UnavailableError()), 5);
      },
      (s) => s.write(resolved(6)),
    ]);
    expect(await collect(reconnectingSubscription(h.source, {}), (p) => p.includes(6))).toEqual([5, 6]);
    expect(opens).toBe(1);
    expect(h.reconnects.map((r) => r.attempt)).toEqual([1, 2, 1]);
  });

  it('gives up after maxAttempts consecutive failures with the port error', async () => {
    const h = harness([fail(new UnavailableError())], { maxAttempts: 2 });
    const error = await collect(reconnectingSubscription(h.source, {}), () => false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(h.reconnects).toHaveLength(2);
    expect(h.opened).toHaveLength(3);
  });

  it('does not retry what no reconnect cures', async () => {
    const h = harness([fail(new AccessDeniedError())]);
    const error = await collect(reconnectingSubscription(h.source, {}), () => false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/access denied/);
    expect(h.reconnects).toEqual([]);
    expect(h.opened).toHaveLength(1);
  });

  it('falls back to a scan from the start when the checkpoint is not a record position', async () => {
    const invalid = new UnknownError({ code: 3, message: '3 INVALID_ARGUMENT: Trying to read from an invalid position.' } as never);
    const h = harness([fail(invalid), (s) => [5, 10, 20, 30].forEach((p) => s.write(resolved(p)))]);
    const positions = await collect(reconnectingSubscription(h.source, { after: 15 }), (p) => p.includes(30));
    expect(positions).toEqual([20, 30]);
    expect(h.opened).toEqual([{ commit: 15n, prepare: 15n }, START]);
  });

  it('does not loop when even a scan from the start is refused', async () => {
    const invalid = new UnknownError({ code: 3, message: '3 INVALID_ARGUMENT: Trying to read from an invalid position.' } as never);
    const h = harness([fail(invalid)]);
    const error = await collect(reconnectingSubscription(h.source, { after: 15 }), () => false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(h.opened).toEqual([{ commit: 15n, prepare: 15n }, START]);
  });

  it('skips what convert rejects (links, foreign streams) without ending', async () => {
    const h = harness([(s) => [s.write({ commitPosition: 1n }), s.write(resolved(2))]]);
    expect(await collect(reconnectingSubscription(h.source, {}), (p) => p.includes(2))).toEqual([2]);
  });

  it('ends when the store closes, and closes the server subscription', async () => {
    const h = harness([() => undefined]);
    const run = collect(reconnectingSubscription(h.source, {}), () => false);
    await new Promise((r) => setTimeout(r, 20));
    h.closing.abort();
    expect(await run).toEqual([]);
    expect(h.closedCount()).toBe(1);
  });
});
