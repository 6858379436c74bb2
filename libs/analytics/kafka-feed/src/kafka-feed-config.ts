import { z } from 'zod';
import { DEFAULT_ANALYTICS_GROUP, DEFAULT_EVENTS_TOPIC } from './kafka-event-feed.js';

export interface KafkaFeedConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
}

/** One bad variable: the shape of @npo/platform's `ConfigIssue`, which an app may turn it into. */
export interface KafkaFeedConfigIssue {
  readonly variable: string;
  readonly message: string;
}

export class KafkaFeedConfigError extends Error {
  readonly code = 'KAFKA_FEED_CONFIG_INVALID';
  constructor(readonly issues: readonly KafkaFeedConfigIssue[]) {
    super(`invalid Kafka feed configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'KafkaFeedConfigError';
  }
}

const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const kafkaName = () => z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1-249 of A-Z a-z 0-9 . _ -').optional());

const schema = z.object({
  KAFKA_BROKERS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((s) => s.split(',').map((b) => b.trim()))
      .refine((list) => list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), 'must be a comma-separated list of host:port'),
  ),
  NPO_KAFKA_TOPIC: kafkaName(),
  NPO_KAFKA_GROUP: kafkaName(),
});

/**
 * The Kafka feed's settings (`NPO_FEED=kafka`): `KAFKA_BROKERS` (required), `NPO_KAFKA_TOPIC`
 * (default npo.events.v1, the relay's), `NPO_KAFKA_GROUP` (default npo-analytics). Throws one error
 * listing every bad variable, a `KafkaFeedConfigError` unless `invalid` makes another: an app passes
 * its platform's `ConfigError` (which this library may not import), so start-up reports these like
 * every other bad variable. The broker list is never echoed (it may carry credentials).
 */
export function kafkaFeedConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  invalid: (issues: readonly KafkaFeedConfigIssue[]) => Error = (issues) => new KafkaFeedConfigError(issues),
): KafkaFeedConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.code === 'invalid_type' ? 'is required when NPO_FEED=kafka' : i.message })),
    );
  }
  return { brokers: parsed.data.KAFKA_BROKERS, topic: parsed.data.NPO_KAFKA_TOPIC ?? DEFAULT_EVENTS_TOPIC, groupId: parsed.data.NPO_KAFKA_GROUP ?? DEFAULT_ANALYTICS_GROUP };
}
