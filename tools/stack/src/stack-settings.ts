import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { StackError } from './stack-error.js';

/** The processes of the stack, in start order (stopped in reverse). Names as in docker-compose.yml. */
export const stackServiceNames = ['kafka', 'school-api', 'event-relay', 'analytics'] as const;
export type StackServiceName = (typeof stackServiceNames)[number];
export type AppServiceName = Exclude<StackServiceName, 'kafka'>;

export const isStackServiceName = (name: string): name is StackServiceName => (stackServiceNames as readonly string[]).includes(name);

export interface StackPorts {
  readonly api: number;
  readonly analytics: number;
  readonly relay: number;
  /** The stack's own broker: not 9092, where `npm run kafka` (and CI) keep the shared one. */
  readonly kafka: number;
  readonly kafkaController: number;
}

export interface StackSettings {
  /** Everything the stack writes: `data/` (NPO_DATA_DIR of every app), `kafka/`, `logs/`, `stack.json`. */
  readonly dir: string;
  readonly ports: StackPorts;
  readonly logLevel: string;
  readonly demo: boolean;
  /** SIGTERM, then SIGKILL after this long. */
  readonly stopTimeoutMs: number;
  /** How long a service may take to answer /health/ready with 200. */
  readonly readyTimeoutMs: number;
}

export const stackPaths = (settings: Pick<StackSettings, 'dir'>) => ({
  dataDir: join(settings.dir, 'data'),
  kafkaDir: join(settings.dir, 'kafka'),
  logDir: join(settings.dir, 'logs'),
  stateFile: join(settings.dir, 'stack.json'),
  eventStoreFile: join(settings.dir, 'data', 'events.sqlite'),
  analyticsDir: join(settings.dir, 'data', 'analytics'),
});

const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const port = (fallback: number) =>
  z
    .preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(/^\d{1,5}$/, 'must be a port 1-65535')
        .transform(Number)
        .refine((n) => n >= 1 && n <= 65535, 'must be a port 1-65535')
        .optional(),
    )
    .transform((n) => n ?? fallback);
const millis = (fallback: number) =>
  z
    .preprocess(unsetIfEmpty, z.string().regex(/^\d+$/, 'must be a whole number of milliseconds').transform(Number).optional())
    .transform((n) => n ?? fallback);

const schema = z.object({
  NPO_STACK_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  NPO_API_PORT: port(3000),
  NPO_ANALYTICS_PORT: port(3001),
  NPO_RELAY_PORT: port(3002),
  NPO_STACK_KAFKA_PORT: port(19092),
  NPO_STACK_KAFKA_CONTROLLER_PORT: port(19093),
  NPO_LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()).transform((s) => s ?? 'info'),
  NPO_DEMO: z.preprocess(unsetIfEmpty, z.enum(['0', '1']).optional()).transform((s) => s === '1'),
  NPO_STACK_STOP_TIMEOUT_MS: millis(20_000),
  NPO_STACK_READY_TIMEOUT_MS: millis(90_000),
});

/**
 * The stack's settings from the environment: `NPO_STACK_DIR` (default `<repo>/data-stack`), the apps'
 * own port variables, the stack broker's ports, log level, demo flag and timeouts.
 */
export function stackSettingsFromEnv(env: Readonly<Record<string, string | undefined>>, repoRoot: string): StackSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${String(i.path[0])} ${i.message}`);
    throw new StackError('BAD_CONFIG', `Invalid stack configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const ports: StackPorts = {
    api: e.NPO_API_PORT,
    analytics: e.NPO_ANALYTICS_PORT,
    relay: e.NPO_RELAY_PORT,
    kafka: e.NPO_STACK_KAFKA_PORT,
    kafkaController: e.NPO_STACK_KAFKA_CONTROLLER_PORT,
  };
  const taken = new Map<number, string>();
  for (const [name, value] of Object.entries(ports)) {
    const other = taken.get(value);
    if (other !== undefined) throw new StackError('BAD_CONFIG', `Invalid stack configuration: ${other} and ${name} are both port ${value}`);
    taken.set(value, name);
  }
  const dir = e.NPO_STACK_DIR === undefined ? join(repoRoot, 'data-stack') : isAbsolute(e.NPO_STACK_DIR) ? e.NPO_STACK_DIR : resolve(e.NPO_STACK_DIR);
  return { dir, ports, logLevel: e.NPO_LOG_LEVEL, demo: e.NPO_DEMO, stopTimeoutMs: e.NPO_STACK_STOP_TIMEOUT_MS, readyTimeoutMs: e.NPO_STACK_READY_TIMEOUT_MS };
}
