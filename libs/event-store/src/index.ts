export * from './event-store.port.js';
export * from './errors.js';
export { openSqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
// The schema, for tools that measure or inspect the SQLite file (tools/bench); never apply it by hand.
export { migrations as sqliteMigrations, latestSchemaVersion, type Migration } from './sqlite/migrations.js';
export { openConfiguredEventStore, SQLITE_EVENT_STORE_FILE, type EventStoreConfig, type EventStoreSelection } from './configured-event-store.js';
