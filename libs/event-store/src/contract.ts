// The adapter contract: import only from test files (it imports vitest).
export { eventStoreContract, type EventStoreFactory } from './contract/event-store.contract.js';
export { newEvent, newEvents, uniqueStream, collectUntil } from './contract/contract-helpers.js';
