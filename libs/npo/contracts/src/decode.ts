import { envelopeSchema, type RecordedEvent } from './envelope.js';
import { eventContracts, isNpoEventType, type NpoEventOf, type NpoEventType } from './events.js';
import { describeValidationError, upcast } from './upcasters.js';

/** A stored event whose `data` has been upcast to, and validated against, the current version. */
export type NpoRecordedEvent = {
  [T in NpoEventType]: RecordedEvent<T, NpoEventOf<T>['data']>;
}[NpoEventType];

export type DecodeResult =
  | { readonly ok: true; readonly event: NpoRecordedEvent }
  | { readonly ok: false; readonly reason: string };

export type DataCheckResult<T extends NpoEventType = NpoEventType> =
  | { readonly ok: true; readonly event: NpoEventOf<T> }
  | { readonly ok: false; readonly reason: string };

/** Validates current-version data of a known type (what producers must write). */
export function validateEventData<T extends NpoEventType>(type: T, data: unknown): DataCheckResult<T> {
  const parsed = eventContracts[type].schema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: `${type}: invalid data: ${describeValidationError(parsed.error)}` };
  return { ok: true, event: { type, data: parsed.data } as NpoEventOf<T> };
}

export interface DecodeOptions {
  /** Also validate the envelope (ids, positions, timestamps, metadata). Default true; a reader of its own
   * trusted store may skip it. */
  readonly validateEnvelope?: boolean;
}

/**
 * Turns a stored or received event into a typed, current-version event, or says why it cannot
 * (unknown type, unknown version, malformed envelope or data) so a consumer can quarantine it.
 * Never throws.
 */
export function decodeEvent(raw: unknown, options: DecodeOptions = {}): DecodeResult {
  let envelope: RecordedEvent;
  if (options.validateEnvelope ?? true) {
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: `invalid envelope: ${describeValidationError(parsed.error)}` };
    envelope = parsed.data;
  } else {
    if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'event is not an object' };
    envelope = raw as RecordedEvent;
  }
  const { type, schemaVersion, data } = envelope;
  if (!isNpoEventType(type)) return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  const up = upcast(type, schemaVersion, data);
  if (!up.ok) return up;
  const checked = validateEventData(type, up.data);
  if (!checked.ok) return checked;
  const event = { ...envelope, schemaVersion: up.version, data: checked.event.data } as NpoRecordedEvent;
  return { ok: true, event };
}
