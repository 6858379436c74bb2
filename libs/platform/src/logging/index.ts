// Without Nest or Fastify: command-line tools that only log import this path.
export * from './logger.js';
