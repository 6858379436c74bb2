import { envelopeSchema, type RecordedEvent } from '@npo/contracts';
import { EnvelopeDecodeError } from '../errors.js';
import type { MessageHeaders, OutgoingMessage, ReceivedMessage } from '../port/message.js';

/** Header names of an event message; the value is the whole envelope as JSON, the key its stream id. */
export const envelopeHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  globalPosition: 'global-position',
} as const;

/** The envelope fields a message's key and headers copy. */
export type EnvelopeRouting = Pick<RecordedEvent, 'id' | 'type' | 'schemaVersion' | 'streamId' | 'globalPosition'>;

export const encodeEnvelope = (event: RecordedEvent): OutgoingMessage => encodeEnvelopeJson(event, JSON.stringify(event));

/** For an envelope already serialized (the store's serialized subscription): `json` must be the envelope of `event`. */
export function encodeEnvelopeJson(event: EnvelopeRouting, json: string): OutgoingMessage {
  return {
    key: event.streamId,
    value: json,
    headers: {
      [envelopeHeaders.eventId]: event.id,
      [envelopeHeaders.eventType]: event.type,
      [envelopeHeaders.schemaVersion]: String(event.schemaVersion),
      [envelopeHeaders.globalPosition]: String(event.globalPosition),
    },
  };
}

export type DecodedEnvelope = { readonly ok: true; readonly event: RecordedEvent } | { readonly ok: false; readonly error: EnvelopeDecodeError };

/**
 * The envelope of a received message, validated against the contract. Headers and key are routing
 * copies of envelope fields; when they disagree with the value the message is refused rather than
 * trusting either. Never throws: an undecodable message is a value to quarantine.
 */
export function decodeEnvelope(message: Pick<ReceivedMessage, 'key' | 'value' | 'headers'>): DecodedEnvelope {
  const fail = (reason: EnvelopeDecodeError['reason'], detail: string): DecodedEnvelope => ({ ok: false, error: new EnvelopeDecodeError(reason, detail) });
  if (message.value === null || message.value.length === 0) return fail('EMPTY_VALUE', 'the message has no value');

  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (e) {
    return fail('NOT_JSON', e instanceof Error ? e.message : String(e));
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('SCHEMA', issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid envelope');
  }
  const event: RecordedEvent = parsed.data;

  const mismatch = headerMismatch(message.headers, event);
  if (mismatch) return fail('HEADER_MISMATCH', mismatch);
  const key = message.key?.toString('utf8');
  if (key !== event.streamId) return fail('KEY_MISMATCH', `key ${JSON.stringify(key ?? null)} is not stream id ${JSON.stringify(event.streamId)}`);
  return { ok: true, event };
}

function headerMismatch(headers: MessageHeaders, event: RecordedEvent): string | undefined {
  const expected: Record<string, string> = {
    [envelopeHeaders.eventId]: event.id,
    [envelopeHeaders.eventType]: event.type,
    [envelopeHeaders.schemaVersion]: String(event.schemaVersion),
    [envelopeHeaders.globalPosition]: String(event.globalPosition),
  };
  for (const [name, value] of Object.entries(expected)) {
    if (headers[name] !== value) return `header ${name} is ${JSON.stringify(headers[name] ?? null)}, the envelope says ${JSON.stringify(value)}`;
  }
  return undefined;
}
