import { z } from 'zod';
import { DEFAULT_ANALYTICS_GROUP, DEFAULT_EVENTS_TOPIC } from './kafka-event-feed.js';

export interface KafkaFeedConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
}

const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const kafkaName = (what: string) => z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, `${what} must be 1-249 of A-Z a-z 0-9 . _ -`).optional());

const schema = z.object({
  KAFKA_BROKERS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((s) => s.split(',').map((b) => b.trim()))
      .refine((list) => list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), 'KAFKA_BROKERS must be a comma-separated list of host:port'),
  ),
  NPO_KAFKA_TOPIC: kafkaName('NPO_KAFKA_TOPIC'),
  NPO_KAFKA_GROUP: kafkaName('NPO_KAFKA_GROUP'),
});

/**
 * The Kafka feed's settings (`NPO_FEED=kafka`): `KAFKA_BROKERS` (required), `NPO_KAFKA_TOPIC`
 * (default npo.events.v1, the relay's), `NPO_KAFKA_GROUP` (default npo-analytics). Throws one error
 * listing every bad variable; the broker list is never echoed (it may carry credentials).
 */
export function kafkaFeedConfigFromEnv(env: Readonly<Record<string, string | undefined>>): KafkaFeedConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.code === 'invalid_type' ? `${String(i.path[0])} is required when NPO_FEED=kafka` : i.message));
    throw new Error(`invalid Kafka feed configuration: ${problems.join('; ')}`);
  }
  return { brokers: parsed.data.KAFKA_BROKERS, topic: parsed.data.NPO_KAFKA_TOPIC ?? DEFAULT_EVENTS_TOPIC, groupId: parsed.data.NPO_KAFKA_GROUP ?? DEFAULT_ANALYTICS_GROUP };
}
