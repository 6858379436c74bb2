export * from './envelope.js';
export * from './primitives.js';
export * from './events.js';
export * from './upcasters.js';
export * from './decode.js';
export * from './api-bodies.js';
export * from './api-responses.js';
