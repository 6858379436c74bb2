import { randomUUID } from 'node:crypto';
import { schoolStreamId, type NewEvent } from '@npo/contracts';
import type { EventStore } from '@npo/event-store';

const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
export const brinFor = (i: number): string => `${String(10 + (i % 90)).padStart(2, '0')}${letters[Math.floor(i / 90) % letters.length]}A`;

/** A valid allocation event; the relay never looks inside `data`, consumers do. */
export function allocation(brin: string, n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'npo.FundsAllocated',
    schemaVersion: 1,
    occurredAt: '2022-08-15T10:00:00.000Z',
    data: { brin, schoolYear: '2022-2023', amountCents: 100_000 + n, basis: 'NPO-bekostiging' },
    metadata: { correlationId: randomUUID(), causationId: null, actor: { role: 'ocw', id: 'relay-test' }, idempotencyKey: null },
  };
}

/** Appends `count` events spread round-robin over `schools` streams, `perAppend` at a time per stream. */
export async function appendLoad(store: EventStore, count: number, schools: number, perAppend = 1, offset = 0): Promise<void> {
  for (let i = 0; i < count; i += perAppend) {
    const brin = brinFor((offset + i / perAppend) % schools);
    const n = Math.min(perAppend, count - i);
    await store.append(
      schoolStreamId(brin),
      Array.from({ length: n }, (_, k) => allocation(brin, offset + i + k)),
      { expectedVersion: 'any' },
    );
  }
}
