// For tests only: production code opens the SQLite (or KurrentDB) adapter.
export { createInMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory/in-memory-event-store.js';
