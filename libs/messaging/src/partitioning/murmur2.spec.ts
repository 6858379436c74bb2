import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from './murmur2.js';

// kafkajs' DefaultPartitioner (Java-compatible murmur2 on 64-bit Longs) is the reference: the relay
// assigns partitions itself, and must put every key exactly where kafkajs and the Java client would.
const reference = Partitioners.DefaultPartitioner();
const referencePartition = (key: string | Buffer, partitions: number): number =>
  reference({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
    message: { key, value: null },
  });

describe('partitionForKey', () => {
  it('agrees with the Java-compatible default partitioner for any text key and partition count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.integer({ min: 1, max: 500 }), (key, partitions) => {
        expect(partitionForKey(key, partitions)).toBe(referencePartition(key, partitions));
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees for binary keys of every tail length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (bytes, partitions) => {
        expect(partitionForKey(bytes, partitions)).toBe(referencePartition(Buffer.from(bytes), partitions));
      }),
    );
  });

  it('spreads school stream ids over the partitions', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) counts[partitionForKey(`school-${String(i).padStart(4, '0')}XX`, 3)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
