export * from './release-store.js';
export * from './release-service.js';
export * from './release-schedule.js';
export * from './warm-protector.js';
