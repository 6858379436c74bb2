import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { kafkaEventFeed } from '@npo/analytics-kafka-feed';
import { AnalyticsDatabase, runProjector, type EventFeed, type FeedBatch } from '@npo/analytics-model';
import { openSqliteEventStore } from '@npo/event-store';
import type { Messaging } from '@npo/messaging';
import { SCHOOLS, benchEvent, percentile } from './fixtures.js';
import { startRelay } from './node-contenders.js';

export interface LatencyResult {
  readonly targetPerSecond: number;
  readonly seconds: number;
  readonly appended: number;
  /** Measured events (those appended after the warm-up). */
  readonly measured: number;
  readonly achievedPerSecond: number;
  /** Duration of the load, warm-up included. */
  readonly loadMs: number;
  /** Appended but not in DuckDB 30 s after the load ended (should be 0). */
  readonly unprojected: number;
  readonly ms: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * End-to-end latency at a steady rate: single-event appends to the SQLite store (what a 201 from the
 * school API means) -> the built relay in its own process -> Kafka -> the Kafka-fed projector (this
 * process) -> DuckDB commit. Per event: commit time minus the moment its append returned, on one
 * clock. Events of the first `warmupSeconds` are not counted.
 */
export async function endToEndLatency(m: Messaging, dir: string, brokers: readonly string[], topic: string, perSecond: number, seconds: number, warmupSeconds = 2): Promise<LatencyResult> {
  await mkdir(dir, { recursive: true });
  const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
  const relay = await startRelay(dir, brokers, topic, 1_000);
  const appendedAt = new Map<number, number>();
  const latencies: number[] = [];
  const measureFrom = performance.now() + warmupSeconds * 1000;

  // The projector, with a feed wrapper that remembers which events the batch in hand holds.
  const inner = kafkaEventFeed({ messaging: m, topic, groupId: `latency-${Date.now()}`, maxWaitMs: 50 });
  let inHand: number[] = [];
  const feed: EventFeed = {
    ...inner,
    subscribe: (from, options) => ({
      async *[Symbol.asyncIterator](): AsyncGenerator<FeedBatch> {
        for await (const batch of inner.subscribe(from, options)) {
          inHand = batch.entries.map((e) => (e.payload as { globalPosition: number }).globalPosition);
          yield batch;
        }
      },
    }),
  };
  const db = await AnalyticsDatabase.open({ dir: join(dir, 'analytics') });
  const lease = await db.lease();
  const stop = new AbortController();
  const projecting = runProjector(lease.conn, {
    feed,
    signal: stop.signal,
    onBatch: () => {
      const now = performance.now();
      for (const gp of inHand) {
        const at = appendedAt.get(gp);
        if (at !== undefined && at >= measureFrom) latencies.push(now - at);
        appendedAt.delete(gp);
      }
    },
  });

  // Steady load: every 10 ms, the appends due by then, each its own append (concurrent, like API requests).
  const total = perSecond * (seconds + warmupSeconds);
  const started = performance.now();
  let appended = 0;
  const registered = new Set<number>();
  while (appended < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * perSecond) / 1000));
    const appends: Promise<void>[] = [];
    for (; appended < due; appended++) {
      const school = appended % SCHOOLS;
      const first = !registered.has(school);
      registered.add(school);
      const { streamId, event } = benchEvent(school, appended, first);
      appends.push(
        store.append(streamId, [event], { expectedVersion: 'any' }).then((r) => {
          appendedAt.set(r.lastGlobalPosition, performance.now());
        }),
      );
    }
    await Promise.all(appends);
    await sleep(10);
  }
  const loadMs = performance.now() - started;
  const deadline = performance.now() + 30_000;
  while (appendedAt.size > 0 && performance.now() < deadline) await sleep(20);
  const unprojected = appendedAt.size;
  stop.abort();
  await projecting;
  lease.release();
  await db.close();
  await relay.stop();
  await store.close();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    targetPerSecond: perSecond,
    seconds,
    appended,
    measured: sorted.length,
    achievedPerSecond: Math.round((appended * 1000) / loadMs),
    loadMs: Math.round(loadMs),
    unprojected,
    ms: { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? Number.NaN) },
  };
}
