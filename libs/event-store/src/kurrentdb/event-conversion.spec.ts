import type { JSONEventData, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { asWritten, newEvent } from '../contract/contract-helpers.js';
import { prepareAppend } from '../validation.js';
import { toEventData, toRecordedEvent } from './event-conversion.js';
import { UnreadableEventError } from './kurrentdb-errors.js';

/**
 * What KurrentDB hands back for an appended JSON event: the client writes `JSON.stringify(data)` and
 * `JSON.stringify(metadata)` as bytes, and parses both again when reading.
 */
function storedAndReadBack(
  data: JSONEventData,
  at: { streamId: string; revision: bigint; position: bigint; created: Date },
): KurrentRecordedEvent {
  const bytes = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');
  const parse = (b: Uint8Array): unknown => JSON.parse(Buffer.from(b).toString('utf8'));
  return {
    streamId: at.streamId,
    id: data.id,
    revision: at.revision,
    type: data.type,
    created: at.created,
    isJson: true,
    data: parse(bytes(data.data)) as never,
    metadata: parse(bytes(data.metadata)) as never,
    position: { commit: at.position, prepare: at.position },
  };
}

const at = { streamId: 'school-16SW', revision: 7n, position: 4_096n, created: new Date('2021-04-20T09:31:02.123Z') };

describe('event <-> KurrentDB event', () => {
  it('writes a JSON event with the same id and type, and the envelope in its metadata', () => {
    const event = newEvent({ type: 'npo.ScanCompleted', schemaVersion: 2 });
    const [prepared] = prepareAppend('school-16SW', [event], 'any');
    const data = toEventData(prepared!);
    expect(data).toMatchObject({ id: event.id, type: 'npo.ScanCompleted', contentType: 'application/json', data: event.data });
    expect(data.metadata).toEqual({
      schemaVersion: 2,
      occurredAt: event.occurredAt,
      metadata: event.metadata,
      $correlationId: event.metadata.correlationId,
    });
  });

  it('passes a causation id on as $causationId for KurrentDB projections', () => {
    const causationId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const event = newEvent();
    const [prepared] = prepareAppend('school-16SW', [newEvent({ metadata: { ...event.metadata, causationId } })], 'any');
    expect(toEventData(prepared!).metadata).toMatchObject({ $causationId: causationId });
  });

  it('reads back exactly what was written, with positions from the revision and the commit position', () => {
    const values: unknown[] = [null, 0, -1.25e-7, true, 'tekst', [], [1, 'a', null], { nested: { deeper: [{ x: 'ÿ€😀' }] } }];
    const events = values.map((data) => newEvent({ data }));
    const prepared = prepareAppend('school-16SW', events, 'any');
    prepared.forEach((p, i) => {
      const read = toRecordedEvent(storedAndReadBack(toEventData(p), { ...at, revision: BigInt(i), position: 4_096n + BigInt(i) * 300n }));
      expect(read).toEqual({
        ...asWritten(events[i]!),
        streamId: 'school-16SW',
        streamPosition: i,
        globalPosition: 4_096 + i * 300,
        recordedAt: '2021-04-20T09:31:02.123Z',
      });
    });
  });

  it('refuses events it did not write instead of inventing their envelope', () => {
    const [prepared] = prepareAppend('school-16SW', [newEvent()], 'any');
    const ours = storedAndReadBack(toEventData(prepared!), at);
    const foreign: KurrentRecordedEvent[] = [
      { ...ours, metadata: undefined } as KurrentRecordedEvent,
      { ...ours, metadata: { $correlationId: 'x' } } as KurrentRecordedEvent,
      { ...ours, metadata: { schemaVersion: 0, occurredAt: 'x', metadata: {} } } as KurrentRecordedEvent,
      { ...ours, isJson: false, data: new Uint8Array([1, 2]) } as KurrentRecordedEvent,
      { ...ours, position: { commit: 9_000n, prepare: 8_000n } },
    ];
    for (const e of foreign) {
      expect(() => toRecordedEvent(e)).toThrow(UnreadableEventError);
    }
    expect(() => toRecordedEvent(foreign[0]!)).toThrow(/school-16SW/);
  });
});
