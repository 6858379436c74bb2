// The Nest-free part of auth, for tools (token CLI) that should not load the web stack.
export * from './bearer.js';
export * from './principal.js';
export * from './signing-key.js';
export * from './token-errors.js';
export * from './token-service.js';
