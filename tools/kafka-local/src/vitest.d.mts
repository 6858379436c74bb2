import type { TestProject } from 'vitest/node';

export interface KafkaUnderTest {
  readonly brokers: readonly string[];
  /** Why the integration tests cannot run here; never set in CI, where a missing broker fails the run. */
  readonly skipReason: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: KafkaUnderTest;
  }
}

/**
 * Vitest global setup: KAFKA_BROKERS if set, else the kafka-local broker (started here unless someone
 * already runs it, and then stopped here too). In CI a missing broker throws instead of skipping.
 */
export default function kafkaGlobalSetup(project: TestProject): Promise<() => Promise<void>>;

/** The broker the global setup provided, for `describe.skipIf(kafka.skipReason)`; warns once when skipping. */
export function kafkaUnderTest(): KafkaUnderTest;

/** Topics, groups and data dirs are never reused between runs: the broker keeps its data. */
export function unique(prefix: string): string;

export function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs?: number, pollMs?: number): Promise<void>;
