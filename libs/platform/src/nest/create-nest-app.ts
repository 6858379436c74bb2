import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DestinationStream } from 'pino';
import { TokenService } from '../auth/token-service.js';
import { type PlatformConfig } from '../config/config.schema.js';
import { type AnyErrorMapping, ErrorMappings } from '../errors/error-mappings.js';
import { ReadinessChecks } from '../health/readiness.js';
import { createLogger, PinoNestLogger, type PlatformLogger } from '../logging/logger.js';
import { RequestLogController } from '../logging/request-log-controller.js';
import { PlatformMetrics } from '../metrics/platform-metrics.js';
import { checkBodyEncoding, strictJsonParser } from './body-encoding.js';
import { clientErrorHandler, frameworkErrorHandler } from './client-errors.js';
import { type PlatformContext, PlatformModule } from './platform.module.js';
import { CORRELATION_ID_HEADER, correlationIdFor } from './request-context.js';

export interface CreateNestAppOptions {
  /** Service name on log lines and the `service` metrics label. Default `npo`. */
  readonly name?: string;
  /** Default `config.apiPort`; analytics passes `config.analyticsPort`. 0 picks a free port (tests). */
  readonly port?: number;
  /** Default `config.host` (127.0.0.1 unless NPO_HOST says otherwise). */
  readonly host?: string;
  /** Default: the key in `<config.dataDir>/keys`, created on first start. */
  readonly tokens?: TokenService;
  /** The app's own error -> problem rules, consulted before the platform's. More can be registered later via the injected ErrorMappings. */
  readonly errorMappings?: readonly AnyErrorMapping[];
  /** Default: a JSON logger to stdout at `config.logLevel`. */
  readonly logger?: PlatformLogger;
  /** Where the default logger writes (tests read log lines back from it). */
  readonly logDestination?: DestinationStream;
  /** SIGTERM/SIGINT close the app gracefully. Default true. */
  readonly shutdownHooks?: boolean;
  /** Runs after the app is created and before it listens: register Swagger, extra content-type parsers, ... */
  readonly beforeListen?: (app: NestFastifyApplication, context: PlatformContext) => void | Promise<void>;
}

export interface RunningNestApp {
  readonly app: NestFastifyApplication;
  /** The bound address, e.g. `http://127.0.0.1:40123` (the real port when 0 was asked for). */
  readonly url: string;
  readonly context: PlatformContext;
  close(): Promise<void>;
}

/**
 * Boots a Nest app on Fastify with the platform wired in: body limit from config, JSON bodies only,
 * trust proxy off, correlation ids, pino request logs, request metrics, global auth guard, problem
 * filter, health and metrics routes, graceful shutdown. Then listens and returns the bound URL.
 */
export async function createNestApp(appModule: Type | DynamicModule, config: PlatformConfig, options: CreateNestAppOptions = {}): Promise<RunningNestApp> {
  const name = options.name ?? 'npo';
  const logger = options.logger ?? createLogger({ name, level: config.logLevel, destination: options.logDestination });
  const context: PlatformContext = {
    config,
    logger,
    tokens: options.tokens ?? (await TokenService.fromDataDir(config.dataDir)),
    errorMappings: new ErrorMappings(options.errorMappings),
    readiness: new ReadinessChecks(),
    metrics: new PlatformMetrics(name),
  };

  @Module({ imports: [PlatformModule.forRoot(context), appModule] })
  class PlatformRootModule {}

  const requestLog = new RequestLogController();
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: false,
    loggerInstance: logger,
    genReqId: correlationIdFor,
    requestIdHeader: false,
    logController: requestLog,
    // Refusals before a request exists (parser) or before routing finishes (router) answer problems
    // like everything else. This replaces Nest's frameworkErrors, whose only extra is the headers
    // of app.useSecurityHeaders(), which no app uses.
    clientErrorHandler: clientErrorHandler(logger),
    frameworkErrors: frameworkErrorHandler,
  });
  const fastify = adapter.getInstance();
  // JSON is the only body format the APIs speak; Fastify's text/plain default would let a mislabelled
  // body reach a handler as a string instead of being refused with 415.
  fastify.removeContentTypeParser(['text/plain']);
  // Fastify's own (secure-json-parse, prototype keys refused), called back synchronously.
  const parseJson = fastify.getDefaultJsonParser('error', 'error') as Parameters<typeof strictJsonParser>[0];
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(parseJson));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    try {
      checkBodyEncoding(request);
      done(null, payload);
    } catch (error) {
      done(error as Error);
    }
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    requestLog.requestAborted(request);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    context.metrics.observeRequest(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const app = await NestFactory.create<NestFastifyApplication>(PlatformRootModule, adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    // Nest's own parsers would add urlencoded forms; Fastify's JSON parser (with bodyLimit) is all we accept.
    bodyParser: false,
  });
  if (options.shutdownHooks ?? true) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await options.beforeListen?.(app, context);

  await app.listen(options.port ?? config.apiPort, options.host ?? config.host);
  const url = await app.getUrl();
  logger.info({ url }, `${name} listening`);
  return { app, url, context, close: () => app.close() };
}
