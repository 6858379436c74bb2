// Configuration
export * from './config/config.schema.js';
export * from './config/load-config.js';
// Auth (no Nest needed: the token CLI uses these)
export * from './auth/bearer.js';
export * from './auth/principal.js';
export * from './auth/signing-key.js';
export * from './auth/token-errors.js';
export * from './auth/token-service.js';
// Errors -> problem details
export * from './errors/problem.js';
export * from './errors/http-mapped-error.js';
export * from './errors/error-mappings.js';
// Logging, health, metrics
export * from './logging/logger.js';
export * from './logging/request-log-controller.js';
export * from './health/readiness.js';
export * from './health/health.controller.js';
export * from './metrics/platform-metrics.js';
export * from './metrics/metrics.controller.js';
// Nest wiring
export * from './nest/tokens.js';
export * from './nest/auth.decorators.js';
export * from './nest/auth.guard.js';
export * from './nest/request-context.js';
export * from './nest/problem.filter.js';
export * from './nest/zod-validation.pipe.js';
export * from './nest/platform.module.js';
export * from './nest/create-nest-app.js';
export * from './nest/idempotency-key.js';
export * from './nest/public-docs.js';
