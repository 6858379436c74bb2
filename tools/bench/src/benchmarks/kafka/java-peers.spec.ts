import { describe, expect, it } from 'vitest';
import { parseConsumerPerformance, parseProducerPerformance } from './java-peers.js';

// Output as Kafka 4.4's tools print it on this machine (running totals, then the summary).
const producerOut = `139946 records sent, 27983.6 records/sec (12.81 MB/sec), 1445.1 ms avg latency, 1996.0 ms max latency.
200000 records sent, 35316.969804 records/sec (16.17 MB/sec), 1341.19 ms avg latency, 1996.00 ms max latency, 1277 ms 50th, 1933 ms 95th, 1957 ms 99th, 1994 ms 99.9th.
`;
const consumerOut = `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-28 02:28:46:621, 2026-11-28 02:28:48:998, 91.5527, 38.5161, 200000, 84139.6719, 858, 1519, 60.2717, 131665.5695
`;

describe("Kafka's perf tool output", () => {
  it('takes the summary line of ProducerPerformance, not a running total', () => {
    expect(parseProducerPerformance(producerOut)).toMatchObject({ records: 200_000, perSecond: 35316.969804, mbPerSecond: 16.17 });
  });

  it('reads overall and fetch-only rates from the ConsumerPerformance row', () => {
    expect(parseConsumerPerformance(`Warning: --messages is deprecated.\n${consumerOut}`)).toMatchObject({ records: 200_000, perSecond: 84139.6719, fetchPerSecond: 131665.5695, mbPerSecond: 38.5161 });
  });

  it('refuses output it does not recognise rather than reporting a zero', () => {
    expect(() => parseProducerPerformance('Exception in thread "main"')).toThrow('unexpected ProducerPerformance output');
    expect(() => parseConsumerPerformance('start.time, end.time\n')).toThrow('unexpected ConsumerPerformance output');
  });
});
