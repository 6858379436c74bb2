import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const eventStoreKinds = ['sqlite', 'kurrentdb'] as const;
export type EventStoreKind = (typeof eventStoreKinds)[number];

export const feedKinds = ['store', 'kafka'] as const;

/** `monthly`: the analytics service releases the month that ended, as of its last day (Dutch time). */
export const releaseSchedules = ['off', 'monthly'] as const;
export type FeedKind = (typeof feedKinds)[number];

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
/** A body limit above this is almost certainly a typo (e.g. a missing unit conversion). */
export const MAX_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export const MAX_RELEASE_THREADS = 16;
/** Each waiting ad-hoc report holds a request open for minutes at national scale: more is a queue nobody waits for. */
export const MAX_AD_HOC_PENDING = 100;
/** Each queued release holds the protection threads for seconds to minutes: a longer queue is hours of work nobody waits for. */
export const MAX_RELEASE_PENDING = 100;
/**
 * A national release is minutes of LP work split over its connected components (8 large ones: school
 * years times counts and amounts); more threads than cores only adds memory (each thread holds its own
 * copy of the report input and LP models, ~160 MB nationally), and beyond 8 parts stay empty.
 */
export const defaultReleaseThreads = (): number => Math.min(4, availableParallelism());

// An environment variable set to the empty string (`KAFKA_BROKERS=` in a compose file) means "not set",
// so defaults apply and "required when" rules fire, instead of failing on "" as a value.
const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const text = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema);

/** A whole number from 1 to `max` (`unit` names what it counts, in the messages); unset stays undefined. */
const wholeNumberUpTo = (unit: string, max: number, maxText = String(max)) =>
  text(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number of ${unit}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, `must be between 1 and ${maxText}`)
      .optional(),
  );

const port = (fallback: number) =>
  text(
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a whole number 0-65535')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a whole number 0-65535')
      .optional(),
  ).transform((n) => n ?? fallback);

const hostnamePattern = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const isHost = (s: string): boolean => isIP(s) !== 0 || hostnamePattern.test(s);

const brokerPattern = /^(.+):(\d{1,5})$/;
const isBroker = (s: string): boolean => {
  const m = brokerPattern.exec(s);
  return m !== null && isHost(m[1]!.replace(/^\[(.*)\]$/, '$1')) && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
};

const untouched =
  (...variables: string[]) =>
  (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }): boolean =>
    !payload.issues.some((issue) => variables.includes(String(issue.path?.[0])));

const connectionStringPattern = /^(?:kurrentdb|esdb)(?:\+discover)?:\/\/\S+$/;

/**
 * The platform's environment contract (DESIGN.md "Public interface"), as a zod schema over the raw
 * `process.env` record. Unknown variables are ignored. The output is the typed configuration.
 * Exported so other checks (e.g. the docker-compose environment) validate against the same rules.
 */
export const platformEnvSchema = z
  .object({
    NPO_DATA_DIR: text(z.string().optional()).transform((s) => s ?? './data'),
    NPO_API_PORT: port(3000),
    NPO_ANALYTICS_PORT: port(3001),
    NPO_HOST: text(z.string().refine(isHost, 'must be an IP address or a host name').optional()).transform((s) => s ?? '127.0.0.1'),
    NPO_EVENT_STORE: text(z.enum(eventStoreKinds, { error: `must be one of: ${eventStoreKinds.join(', ')}` }).optional()).transform(
      (s) => s ?? 'sqlite',
    ),
    EVENTSTORE_CONNECTION_STRING: text(
      z.string().regex(connectionStringPattern, 'must be a kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover:// URL').optional(),
    ),
    NPO_FEED: text(z.enum(feedKinds, { error: `must be one of: ${feedKinds.join(', ')}` }).optional()).transform((s) => s ?? 'store'),
    KAFKA_BROKERS: text(
      z
        .string()
        .transform((s) => s.split(',').map((b) => b.trim()))
        .refine((list) => list.every(isBroker), 'must be a comma-separated list of host:port (e.g. 127.0.0.1:9092)')
        .optional(),
    ),
    NPO_DEMO: text(z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional()).transform((s) => s === '1'),
    NPO_LOG_LEVEL: text(z.enum(logLevels, { error: `must be one of: ${logLevels.join(', ')}` }).optional()).transform((s) => s ?? 'info'),
    NPO_BODY_LIMIT: wholeNumberUpTo('bytes', MAX_BODY_LIMIT_BYTES, `${MAX_BODY_LIMIT_BYTES} bytes`).transform((n) => n ?? DEFAULT_BODY_LIMIT_BYTES),
    NPO_RELEASE_THREADS: wholeNumberUpTo('threads', MAX_RELEASE_THREADS).transform((n) => n ?? defaultReleaseThreads()),
    // Unset: the release service's own default (3).
    NPO_AD_HOC_MAX_PENDING: wholeNumberUpTo('reports', MAX_AD_HOC_PENDING),
    // Unset: the release service's own default (4).
    NPO_RELEASE_MAX_PENDING: wholeNumberUpTo('releases', MAX_RELEASE_PENDING),
    // A credential: long enough that guessing it is hopeless, and one token68-like word for a Bearer header.
    NPO_RELEASE_SCHEDULE: text(z.enum(releaseSchedules, { error: `must be one of: ${releaseSchedules.join(', ')}` }).optional()).transform((s) => s ?? 'off'),
    NPO_METRICS_TOKEN: text(
      z
        .string()
        .regex(/^[A-Za-z0-9._~+/=-]{32,512}$/, 'must be 32-512 characters of letters, digits and ._~+/=- (e.g. openssl rand -hex 32)')
        .optional(),
    ),
  })
  // Cross-variable rules run even when an unrelated variable is bad, so one run reports every problem;
  // each is skipped only when one of its own variables already failed.
  .superRefine(
    (env, ctx) => {
      if (env.NPO_EVENT_STORE === 'kurrentdb' && env.EVENTSTORE_CONNECTION_STRING === undefined) {
        ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_CONNECTION_STRING'], message: 'is required when NPO_EVENT_STORE=kurrentdb' });
      }
    },
    { when: untouched('NPO_EVENT_STORE', 'EVENTSTORE_CONNECTION_STRING') },
  )
  .superRefine(
    (env, ctx) => {
      if (env.NPO_FEED === 'kafka' && env.KAFKA_BROKERS === undefined) {
        ctx.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'is required when NPO_FEED=kafka' });
      }
    },
    { when: untouched('NPO_FEED', 'KAFKA_BROKERS') },
  )
  .transform((env) => ({
    dataDir: env.NPO_DATA_DIR,
    apiPort: env.NPO_API_PORT,
    analyticsPort: env.NPO_ANALYTICS_PORT,
    host: env.NPO_HOST,
    eventStore:
      env.NPO_EVENT_STORE === 'kurrentdb'
        ? { kind: 'kurrentdb' as const, connectionString: env.EVENTSTORE_CONNECTION_STRING ?? '' }
        : { kind: 'sqlite' as const },
    feed: env.NPO_FEED === 'kafka' ? { kind: 'kafka' as const, brokers: env.KAFKA_BROKERS ?? [] } : { kind: 'store' as const },
    demo: env.NPO_DEMO,
    logLevel: env.NPO_LOG_LEVEL,
    bodyLimit: env.NPO_BODY_LIMIT,
    releaseThreads: env.NPO_RELEASE_THREADS,
    adHocMaxPending: env.NPO_AD_HOC_MAX_PENDING,
    releaseMaxPending: env.NPO_RELEASE_MAX_PENDING,
    metricsToken: env.NPO_METRICS_TOKEN,
    releaseSchedule: env.NPO_RELEASE_SCHEDULE,
  }));

/** The names of the variables the platform reads. */
export const platformEnvVariables = [
  'NPO_DATA_DIR',
  'NPO_API_PORT',
  'NPO_ANALYTICS_PORT',
  'NPO_HOST',
  'NPO_EVENT_STORE',
  'EVENTSTORE_CONNECTION_STRING',
  'NPO_FEED',
  'KAFKA_BROKERS',
  'NPO_DEMO',
  'NPO_LOG_LEVEL',
  'NPO_BODY_LIMIT',
  'NPO_RELEASE_THREADS',
  'NPO_AD_HOC_MAX_PENDING',
  'NPO_RELEASE_MAX_PENDING',
  'NPO_METRICS_TOKEN',
  'NPO_RELEASE_SCHEDULE',
] as const;
export type PlatformEnvVariable = (typeof platformEnvVariables)[number];

/** Variables whose value is never echoed in an error message (may hold credentials). */
export const secretEnvVariables: ReadonlySet<string> = new Set(['EVENTSTORE_CONNECTION_STRING', 'KAFKA_BROKERS', 'NPO_METRICS_TOKEN']);

export type PlatformConfig = z.output<typeof platformEnvSchema>;
