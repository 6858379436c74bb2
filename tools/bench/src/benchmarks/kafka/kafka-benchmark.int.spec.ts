import { freePorts } from '@npo/kafka-local';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.js';
import { runBenchmark } from '../../harness/runner.js';
import { assertBrokerReachable, benchBrokers, BrokerUnreachableError } from './broker.js';
import { KAFKA_WORKLOADS } from './contenders.js';
import { kafkaBenchmark } from './index.js';

const inCi = Boolean(process.env['CI']) && process.env['CI'] !== 'false';

describe('kafka benchmark without a broker', () => {
  it('refuses to start, naming the command that starts one, before any run', async () => {
    const [port] = await freePorts(1);
    const error = await assertBrokerReachable([`127.0.0.1:${port}`]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrokerUnreachableError);
    expect((error as Error).message).toContain('npm run kafka -- start');
    const previous = process.env['KAFKA_BROKERS'];
    process.env['KAFKA_BROKERS'] = `127.0.0.1:${port}`;
    try {
      await expect(runBenchmark(kafkaBenchmark, { runs: 1, quick: true, isolation: 'inline' })).rejects.toThrow(/127\.0\.0\.1:\d+.*npm run kafka -- start/);
    } finally {
      if (previous === undefined) delete process.env['KAFKA_BROKERS'];
      else process.env['KAFKA_BROKERS'] = previous;
    }
  });
});

// Correctness of our contenders on the real broker, not their speed: every event really lands on the
// topic (runCase checks the watermarks against the reported count) or in DuckDB. Small sizes.
describe('kafka benchmark contenders on the broker', () => {
  let skip: string | undefined;
  beforeAll(async () => {
    try {
      await assertBrokerReachable(benchBrokers());
    } catch (error) {
      if (inCi) throw error;
      skip = (error as Error).message;
      console.warn(`kafka benchmark contender tests skipped: ${skip}`);
    }
  });

  const cases: readonly [string, string][] = [
    [KAFKA_WORKLOADS.publish, 'npo-relay'],
    [KAFKA_WORKLOADS.publish, 'kafkajs-client-alone'],
    [KAFKA_WORKLOADS.consume, 'npo-kafka-projection'],
  ];
  for (const [workload, contender] of cases) {
    it(`${contender} accounts for every event of ${workload}`, async (context) => {
      if (skip !== undefined) context.skip();
      const sample = await runCase(kafkaBenchmark, { benchmark: 'kafka', workload, contender, size: 700, warmupSize: 0 });
      expect(sample.failure).toBeUndefined();
      expect(sample.errors).toBe(0);
      expect(sample.operations).toBe(700);
      expect(sample.rate).toBeGreaterThan(0);
    });
  }
});
