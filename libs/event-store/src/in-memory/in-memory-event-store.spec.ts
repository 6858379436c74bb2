import { describe, expect, it } from 'vitest';
import { eventStoreContract } from '../contract/event-store.contract.js';
import { newEvents } from '../contract/contract-helpers.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';

eventStoreContract('in-memory', async () => createInMemoryEventStore());

describe('in-memory event store', () => {
  it('starts empty and stamps recordedAt from the injected clock', async () => {
    const store = createInMemoryEventStore({ clock: () => new Date('2022-07-10T12:00:00Z') });
    expect(await store.headPosition()).toBe(-1);
    expect(await store.readAll()).toEqual([]);
    await store.append('school-16SW', newEvents(2), { expectedVersion: 'no_stream' });
    expect((await store.readAll()).map((e) => e.recordedAt)).toEqual(['2022-07-10T12:00:00.000Z', '2022-07-10T12:00:00.000Z']);
    await store.close();
  });
});
