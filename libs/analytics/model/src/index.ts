// Reference data
export * from './reference/provinces.js';
export * from './reference/gemeenten.js';
export * from './reference/achterstand-bands.js';
export * from './reference/sector-groups.js';
export * from './reference/school-years.js';
// Schema
export { SCHEMA_VERSION } from './schema/ddl.js';
export { intervalTables, type IntervalTable } from './projector/open-intervals.js';
export { createSchema, readMeta, type SchemaOptions } from './schema/create-schema.js';
// Files and the live database
export * from './db/generation-files.js';
export * from './db/analytics-database.js';
export { sqlString, toNumber, toNullableNumber } from './db/sql.js';
// Feed and projector
export * from './feed/event-feed.port.js';
export * from './feed/store-event-feed.js';
export { readCheckpoint } from './projector/checkpoint-store.js';
export type { BatchHooks, BatchResult } from './projector/batch-writer.js';
export * from './projector/projector.js';
// Rebuild
export * from './rebuild/rebuild.js';
export * from './projector/live-projection.js';
