export * from './event-store.port.js';
export * from './errors.js';
export { openSqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export { latestSchemaVersion } from './sqlite/migrations.js';
