import { encodeEnvelope, type ReceivedMessage } from '@npo/messaging';
import type { RecordedEvent } from '@npo/contracts';
import { describe, expect, it } from 'vitest';
import { toFeedEntry } from './message-entry.js';

const event: RecordedEvent = {
  id: '0193a5c0-0000-7000-8000-000000000001',
  type: 'npo.FundsAllocated',
  schemaVersion: 1,
  streamId: 'school-16SW',
  streamPosition: 3,
  globalPosition: 77,
  occurredAt: '2022-08-15T10:00:00.000Z',
  recordedAt: '2022-08-15T10:00:01.000Z',
  data: { brin: '16SW', schoolYear: '2022-2023', amountCents: 100_000, basis: 'NPO-bekostiging' },
  metadata: { correlationId: 'c', causationId: null, actor: { role: 'ocw', id: 'ocw' }, idempotencyKey: null },
};

function received(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  const out = encodeEnvelope(event);
  return {
    topic: 't',
    partition: 2,
    offset: 9n,
    key: Buffer.from(String(out.key)),
    value: Buffer.from(String(out.value)),
    headers: out.headers ?? {},
    timestamp: 0,
    ...overrides,
  };
}

describe('toFeedEntry', () => {
  it('passes the parsed envelope on, at the message partition and offset, for the projector to validate', () => {
    expect(toFeedEntry(received())).toEqual({ partition: 2, offset: 9, payload: event });
  });

  it('marks an empty value and text that is not JSON, keeping the text', () => {
    expect(toFeedEntry(received({ value: null }))).toMatchObject({ payload: null, problem: expect.stringContaining('EMPTY_VALUE') });
    const garbled = toFeedEntry(received({ value: Buffer.from('{"id": 1,') }));
    expect(garbled.problem).toMatch(/^unreadable Kafka message \(NOT_JSON: /);
    expect(garbled.payload).toBe('{"id": 1,');
  });

  it('marks a message whose headers or key contradict its value', () => {
    const headers = received().headers;
    const wrongPosition = toFeedEntry(received({ headers: { ...headers, 'global-position': '78' } }));
    expect(wrongPosition.problem).toContain('HEADER_MISMATCH: header global-position is "78"');
    expect(JSON.parse(String(wrongPosition.payload))).toEqual(event);
    const { 'event-id': _dropped, ...withoutId } = headers;
    expect(toFeedEntry(received({ headers: withoutId })).problem).toContain('header event-id is missing');
    expect(toFeedEntry(received({ key: Buffer.from('school-99XX') })).problem).toContain('key "school-99XX" is not the stream id "school-16SW"');
    expect(toFeedEntry(received({ key: null })).problem).toContain('key null');
  });

  it('leaves schema errors to the projector: JSON that is not an envelope but agrees with its headers passes', () => {
    const value = { ...event, data: { brin: 42 } };
    const entry = toFeedEntry(received({ value: Buffer.from(JSON.stringify(value)) }));
    expect(entry.problem).toBeUndefined();
    expect(entry.payload).toEqual(value);
  });
});
