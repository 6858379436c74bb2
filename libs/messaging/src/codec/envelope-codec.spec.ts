import type { RecordedEvent } from '@npo/contracts';
import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../port/message.js';
import { decodeEnvelope, encodeEnvelope, encodeEnvelopeJson, envelopeHeaders } from './envelope-codec.js';

const event: RecordedEvent = {
  id: '0193b8e4-7c1a-7b3e-9f00-1234567890ab',
  type: 'npo.ScanCompleted',
  schemaVersion: 2,
  streamId: 'school-12AB',
  streamPosition: 3,
  globalPosition: 1042,
  occurredAt: '2026-03-01T09:00:00.000Z',
  recordedAt: '2026-03-01T09:00:00.120+01:00',
  data: { brin: '12AB', scores: [1, 2.5, null], note: 'één' },
  metadata: { correlationId: 'c-1', causationId: null, actor: { role: 'school', id: '12AB' }, idempotencyKey: 'k-1' },
};

/** What a consumer receives for an encoded message: Buffers for key and value, text headers. */
function received(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  const m = encodeEnvelope(event);
  return {
    topic: 't',
    partition: 0,
    offset: 0n,
    key: m.key === null ? null : Buffer.from(m.key),
    value: Buffer.from(m.value),
    headers: m.headers ?? {},
    timestamp: 0,
    ...overrides,
  };
}

describe('encodeEnvelope', () => {
  it('keys the message by stream id, so one school stays in order on one partition', () => {
    expect(encodeEnvelope(event).key).toBe('school-12AB');
  });

  it('copies id, type, schema version and global position into headers', () => {
    expect(encodeEnvelope(event).headers).toEqual({
      'event-id': event.id,
      'event-type': 'npo.ScanCompleted',
      'schema-version': '2',
      'global-position': '1042',
    });
  });
});

describe('encodeEnvelopeJson', () => {
  it('sends the given serialization as the value, with the key and headers of encodeEnvelope', () => {
    // Another key order, as a store that builds the JSON itself may write it.
    const { data, metadata, ...rest } = event;
    const json = JSON.stringify({ data, metadata, ...rest });
    const m = encodeEnvelopeJson(event, json);
    expect(m.value).toBe(json);
    expect({ key: m.key, headers: m.headers }).toEqual({ key: encodeEnvelope(event).key, headers: encodeEnvelope(event).headers });
    expect(decodeEnvelope({ key: Buffer.from(m.key ?? ''), value: Buffer.from(m.value), headers: m.headers ?? {} })).toEqual({ ok: true, event });
  });
});

describe('decodeEnvelope', () => {
  it('round-trips an envelope', () => {
    const decoded = decodeEnvelope(received());
    expect(decoded).toEqual({ ok: true, event });
  });

  it.each([
    ['EMPTY_VALUE', { value: null }],
    ['EMPTY_VALUE', { value: Buffer.alloc(0) }],
    ['NOT_JSON', { value: Buffer.from('{"id":') }],
    ['SCHEMA', { value: Buffer.from(JSON.stringify({ ...event, globalPosition: -1 })) }],
    ['SCHEMA', { value: Buffer.from(JSON.stringify({ ...event, type: 'ScanCompleted' })) }],
    ['HEADER_MISMATCH', { headers: { ...received().headers, [envelopeHeaders.globalPosition]: '1' } }],
    ['HEADER_MISMATCH', { headers: {} }],
    ['KEY_MISMATCH', { key: Buffer.from('school-99ZZ') }],
    ['KEY_MISMATCH', { key: null }],
  ] as const)('refuses with %s', (reason, overrides) => {
    const decoded = decodeEnvelope(received(overrides));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.reason).toBe(reason);
      expect(decoded.error.code).toBe('ENVELOPE_UNDECODABLE');
    }
  });
});
