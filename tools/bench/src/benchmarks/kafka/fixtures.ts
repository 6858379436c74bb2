import { randomUUID } from 'node:crypto';
import { schoolStreamId, type NewEvent, type RecordedEvent } from '@npo/contracts';
import type { EventStore } from '@npo/event-store';

const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
export const SCHOOLS = 2_000;
export const brinFor = (s: number): string => `${10 + (s % 90)}${letters[Math.floor(s / 90) % letters.length]}${letters[Math.floor(s / (90 * letters.length)) % letters.length]}`;

/**
 * An event of school `school` (0 .. SCHOOLS-1): its first registers it, the others allocate funds
 * (about the size of an average NPO envelope, ~480 bytes as JSON). `n` only varies the amount.
 */
export function benchEvent(school: number, n: number, first: boolean): { readonly streamId: string; readonly event: NewEvent } {
  const brin = brinFor(school);
  const metadata = { correlationId: randomUUID(), causationId: null, actor: { role: 'ocw' as const, id: 'bench' }, idempotencyKey: null };
  const occurredAt = '2022-08-15T10:00:00.000Z';
  const event: NewEvent = first
    ? { id: randomUUID(), type: 'npo.SchoolRegistered', schemaVersion: 1, occurredAt, metadata, data: { brin, name: `Basisschool ${brin}`, sector: 'bo', gemeente: 'GM0363', pupils: 300, achterstandsscore: 20 } }
    : { id: randomUUID(), type: 'npo.FundsAllocated', schemaVersion: 1, occurredAt, metadata, data: { brin, schoolYear: '2022-2023', amountCents: 100_000 + n, basis: 'NPO-bekostiging' } };
  return { streamId: schoolStreamId(brin), event };
}

/** Appends `count` events, 50 per append and stream (set-up, not measured). */
export async function fillStore(store: EventStore, count: number): Promise<void> {
  const perAppend = 50;
  for (let a = 0; a * perAppend < count; a++) {
    const school = a % SCHOOLS;
    const n = Math.min(perAppend, count - a * perAppend);
    const events = Array.from({ length: n }, (_, k) => benchEvent(school, a * perAppend + k, a < SCHOOLS && k === 0).event);
    await store.append(schoolStreamId(brinFor(school)), events, { expectedVersion: 'any' });
  }
}

/** A RecordedEvent as the store would hand it out, for client-only peers that need no store. */
export function recordedBenchEvent(n: number): RecordedEvent {
  const { streamId, event } = benchEvent(n % SCHOOLS, n, n < SCHOOLS);
  return { ...event, streamId, streamPosition: Math.floor(n / SCHOOLS), globalPosition: n, recordedAt: '2022-08-15T10:00:00.000Z' };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
