export * from './release-store.js';
export * from './release-service.js';
