import type { PartitionOffsets } from './port/admin.js';

export interface PartitionLag {
  readonly partition: number;
  readonly lag: bigint;
}

/**
 * Messages not yet handled per partition: log end minus the consumer's next offset (from Kafka's
 * group offsets or from an external store); a partition never consumed lags by its whole log.
 */
export function lagOf(offsets: readonly PartitionOffsets[], next: ReadonlyMap<number, bigint | null>): { readonly partitions: readonly PartitionLag[]; readonly total: bigint } {
  const partitions = offsets.map(({ partition, low, high }) => {
    const position = next.get(partition) ?? low;
    return { partition, lag: high > position ? high - position : 0n };
  });
  return { partitions, total: partitions.reduce((sum, p) => sum + p.lag, 0n) };
}
