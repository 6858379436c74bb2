/**
 * What to do with a fetched batch when offsets live outside Kafka. `expected` is the next offset to
 * handle on the partition; `confirmed` is false until the first batch after an assignment matched it.
 *
 * - The first batch after an assignment must start exactly at `expected`: the client may have fetched
 *   from Kafka's committed offset (a hint that can lag or lead the store), so anything else is sought.
 * - Later batches may start past `expected` when the client skipped records that are never delivered
 *   (transaction markers, compacted records); they may start before it only when re-delivered, and
 *   then the already handled prefix is dropped.
 */
export type BatchPlan =
  | { readonly kind: 'handle'; readonly fromOffset: bigint; readonly skip: number }
  | { readonly kind: 'seek'; readonly offset: bigint }
  | { readonly kind: 'skip' };

export function planBatch(expected: bigint, confirmed: boolean, fetchedOffset: bigint, messageOffsets: readonly bigint[]): BatchPlan {
  if (!confirmed && fetchedOffset !== expected) return { kind: 'seek', offset: expected };
  const skip = messageOffsets.findIndex((o) => o >= expected);
  if (skip === -1) return { kind: 'skip' };
  return { kind: 'handle', fromOffset: expected, skip };
}
