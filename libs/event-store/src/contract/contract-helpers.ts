import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@npo/contracts';
import type { EventStore, SerializedEvent, SubscribeOptions } from '../event-store.port.js';

/** A valid event with a fresh id; `data` defaults to something with nesting and non-ASCII text. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'npo.ContractTested',
    schemaVersion: 1,
    occurredAt: '2021-04-20T09:30:00.000Z',
    data: { school: '16SW', naam: 'De Wereldwijzer – Ü', findings: { rekenen: 'severe' }, amounts: [1, 2.5, -3] },
    metadata: { correlationId: randomUUID(), causationId: null, actor: { role: 'system', id: 'contract' }, idempotencyKey: null },
    ...overrides,
  };
}

export const newEvents = (n: number, data?: (i: number) => unknown): NewEvent[] =>
  Array.from({ length: n }, (_, i) => newEvent(data === undefined ? {} : { data: data(i) }));

/** Stream ids unique per test, so the suite also runs against a shared server. */
export const uniqueStream = (label: string): string => `contract-${label}-${randomUUID()}`;

export interface Collected<T = RecordedEvent> {
  readonly events: T[];
  readonly batches: (readonly T[])[];
  readonly timedOut: boolean;
}

/** Iterates a subscription until `enough` holds for what arrived (or the timeout aborts it). */
async function collectFrom<T>(subscribe: (signal: AbortSignal) => AsyncIterable<readonly T[]>, enough: (events: readonly T[]) => boolean, timeoutMs: number): Promise<Collected<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: T[] = [];
  const batches: (readonly T[])[] = [];
  try {
    for await (const batch of subscribe(controller.signal)) {
      batches.push(batch);
      events.push(...batch);
      if (enough(events)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return { events, batches, timedOut: controller.signal.aborted };
}

export const collectUntil = (
  store: EventStore,
  options: Omit<SubscribeOptions, 'signal'>,
  enough: (events: readonly RecordedEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<Collected> => collectFrom((signal) => store.subscribeToAll({ ...options, signal }), enough, timeoutMs);

export const collectSerializedUntil = (
  store: EventStore,
  options: Omit<SubscribeOptions, 'signal'>,
  enough: (events: readonly SerializedEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<Collected<SerializedEvent>> => collectFrom((signal) => store.subscribeToAllSerialized({ ...options, signal }), enough, timeoutMs);

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a reader must get back for an appended event, minus the fields the store assigns. */
export const asWritten = (e: NewEvent) => ({
  id: e.id,
  type: e.type,
  schemaVersion: e.schemaVersion,
  occurredAt: e.occurredAt,
  data: e.data,
  metadata: e.metadata,
});

export const isStrictlyIncreasing = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

/** Rejection of `promise`, or a failure if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
