import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { type LogLevel } from '../config/config.schema.js';

export type PlatformLogger = Logger;

export interface CreateLoggerOptions {
  /** Service name stamped on every line (`school-api`, `analytics`, ...). */
  readonly name: string;
  readonly level: LogLevel;
  /** Where JSON lines go; stdout when absent. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/** One JSON object per line, ISO timestamps, credentials redacted wherever a serializer would print them. */
export function createLogger({ name, level, destination }: CreateLoggerOptions): PlatformLogger {
  const options = {
    name,
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization'], censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Routes Nest's own messages (bootstrap, route mapping, errors) into the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: PlatformLogger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]): void {
    const context = typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' || level === 'fatal') {
      const stack = params.find((p) => typeof p === 'string');
      if (stack) fields['stack'] = stack;
    }
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
