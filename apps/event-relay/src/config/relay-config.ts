import { ConfigError, loadConfig, type ConfigIssue, type Env, type LoadConfigOptions, type PlatformConfig } from '@npo/platform';
import type { TopicSpec } from '@npo/messaging';
import { z } from 'zod';

/** The topic every NPO event is published to; the analytics Kafka feed reads the same default. */
export const DEFAULT_EVENTS_TOPIC = 'npo.events.v1';
export const DEFAULT_RELAY_PORT = 3002;
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(/^\d+$/, `must be a whole number ${min}-${max}`)
        .transform(Number)
        .refine((n) => n >= min && n <= max, `must be a whole number ${min}-${max}`)
        .optional(),
    )
    .transform((n) => n ?? fallback);

/** The relay's own variables; the shared ones (data dir, store, host, log level) come from @npo/platform. */
export const relayEnvSchema = z.object({
  // Kafka's legal topic characters; "." and "_" may collide in metric names, which Kafka only warns about.
  NPO_KAFKA_TOPIC: z
    .preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 of A-Z a-z 0-9 . _ -').optional())
    .transform((s) => s ?? DEFAULT_EVENTS_TOPIC),
  NPO_KAFKA_PARTITIONS: wholeNumber(3, 1, 10_000),
  // Kafka caps the replication factor at the broker count; 1 is the single-node kafka-local broker.
  NPO_KAFKA_REPLICATION: wholeNumber(1, 1, 32_767),
  NPO_RELAY_PORT: wholeNumber(DEFAULT_RELAY_PORT, 0, 65_535),
  // Events per publish (and per checkpoint write): larger batches amortise the acknowledgement round trip.
  NPO_RELAY_BATCH: wholeNumber(5_000, 1, 100_000),
});

export interface RelayConfig {
  readonly platform: PlatformConfig;
  readonly brokers: readonly string[];
  readonly topic: TopicSpec;
  readonly port: number;
  readonly batchSize: number;
}

/**
 * Validates the platform variables and the relay's own together, so one run reports every bad
 * variable; throws the platform's ConfigError.
 */
export function loadRelayConfig(env: Env, options: LoadConfigOptions = {}): RelayConfig {
  const issues: ConfigIssue[] = [];
  let platform: PlatformConfig | undefined;
  try {
    platform = loadConfig(env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  const own = relayEnvSchema.safeParse(env);
  if (!own.success) {
    for (const issue of own.error.issues) {
      const variable = String(issue.path[0] ?? '(environment)');
      const value = env[variable];
      issues.push({ variable, message: `${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value.slice(0, 60))})`}` });
    }
  }
  if (platform === undefined || !own.success) throw new ConfigError(issues);
  const brokers = (env['KAFKA_BROKERS']?.trim() || DEFAULT_KAFKA_BROKERS).split(',').map((b) => b.trim());
  return {
    platform,
    brokers,
    topic: {
      topic: own.data.NPO_KAFKA_TOPIC,
      partitions: own.data.NPO_KAFKA_PARTITIONS,
      replicationFactor: own.data.NPO_KAFKA_REPLICATION,
      // The topic is a complete copy of the log: a consumer starting from scratch (a rebuild fed from
      // Kafka) must find every event, so nothing expires.
      config: { 'retention.ms': '-1', 'retention.bytes': '-1' },
    },
    port: own.data.NPO_RELAY_PORT,
    batchSize: own.data.NPO_RELAY_BATCH,
  };
}
