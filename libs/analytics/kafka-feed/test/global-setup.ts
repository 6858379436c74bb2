import { start, stop } from '@npo/kafka-local';
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

const inCi = (): boolean => Boolean(process.env['CI']) && process.env['CI'] !== 'false';

/** KAFKA_BROKERS if set, else the kafka-local broker (started here if nobody runs it, and stopped again). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['KAFKA_BROKERS'];
  if (given) {
    project.provide('kafka', { brokers: given.split(','), skipReason: null });
    return async () => {};
  }
  let startedHere = false;
  try {
    const broker = await start({ log: (line) => console.log(line) });
    startedHere = broker.startedHere;
    project.provide('kafka', { brokers: broker.brokers, skipReason: null });
  } catch (e) {
    const reason = `no Kafka broker: ${e instanceof Error ? e.message : String(e)}`;
    if (inCi()) throw new Error(`CI runs the Kafka integration tests against a real broker, and there is ${reason}`);
    project.provide('kafka', { brokers: [], skipReason: reason });
  }
  return async () => {
    if (startedHere) await stop();
  };
}
