import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs is unmaintained; patches/kafkajs+2.2.4.patch (applied by `npm install` through patch-package)
// makes its per-send grouping of messages by partition linear. The original copied the partition's
// array for every message: O(n^2) per send, ~7% of the relay's thread at 700 messages per request.
type Group = (args: { topic: string; partitionMetadata: unknown[]; messages: { key: string }[]; partitioner: (a: { message: { key: string } }) => number }) => Record<string, { key: string }[]>;
const group = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition.js') as Group;

describe('kafkajs groupMessagesPerPartition (patched)', () => {
  it('groups the messages by the partitioner, keeping their order within each partition', () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => ({ key: `k${i}` }));
    const grouped = group({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner: ({ message }) => Number(message.key.slice(1)) % 3 });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2']);
    for (const p of [0, 1, 2]) expect(grouped[p]).toEqual(messages.filter((_, i) => i % 3 === p));
  });

  it('answers no groups for a topic without partition metadata, as the original did', () => {
    expect(group({ topic: 't', partitionMetadata: [], messages: [{ key: 'a' }], partitioner: () => 0 })).toEqual({});
  });

  it('is the patched version: the install applied patches/ (a fresh `npm ci` runs patch-package)', () => {
    expect(String(group)).not.toContain('[...current, message]');
    expect(String(group)).toContain('current.push(message)');
  });
});
