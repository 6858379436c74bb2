import type { EventMetadata, RecordedEvent } from '@npo/contracts';
import type { JSONEventData, JSONType, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import type { PreparedEvent } from '../validation.js';
import { UnreadableEventError } from './kurrentdb-errors.js';
import { toGlobalPosition, toStreamPosition } from './positions.js';

/**
 * What the adapter keeps in a KurrentDB event's custom metadata: the envelope fields KurrentDB has no
 * place for, and the application metadata nested (so no application key can shadow an envelope key).
 * `$correlationId`/`$causationId` are KurrentDB's own conventions, picked up by its system projections.
 */
export type StoredMetadata = {
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
  readonly $correlationId?: string;
  readonly $causationId?: string;
};

/** A validated event as a KurrentDB JSON event with the same id, so KurrentDB sees retries as one event. */
export function toEventData(event: PreparedEvent): JSONEventData {
  const metadata = JSON.parse(event.metadata) as EventMetadata;
  const { correlationId, causationId } = metadata as { correlationId?: unknown; causationId?: unknown };
  const stored: StoredMetadata = {
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    metadata,
    ...(typeof correlationId === 'string' ? { $correlationId: correlationId } : {}),
    ...(typeof causationId === 'string' ? { $causationId: causationId } : {}),
  };
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client serialises `data` with JSON.stringify; any JSON value (also null, numbers, strings) survives.
    data: JSON.parse(event.data) as JSONType,
    metadata: stored,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readStoredMetadata(event: KurrentRecordedEvent): StoredMetadata {
  const m = event.metadata;
  const fail = (reason: string): never => {
    throw new UnreadableEventError(event.streamId, event.id, reason);
  };
  if (!isObject(m) || m instanceof Uint8Array) return fail('its metadata is not the envelope this adapter writes');
  const { schemaVersion, occurredAt, metadata } = m;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 1) return fail('metadata.schemaVersion is missing');
  if (typeof occurredAt !== 'string') return fail('metadata.occurredAt is missing');
  if (!isObject(metadata)) return fail('metadata.metadata is missing');
  return { schemaVersion, occurredAt, metadata: metadata as EventMetadata };
}

/** A KurrentDB event (from a stream read, a $all read or a subscription) as the port's RecordedEvent. */
export function toRecordedEvent(event: KurrentRecordedEvent): RecordedEvent {
  if (!event.isJson) throw new UnreadableEventError(event.streamId, event.id, 'its data is not JSON');
  const { schemaVersion, occurredAt, metadata } = readStoredMetadata(event);
  return {
    id: event.id,
    type: event.type,
    schemaVersion,
    streamId: event.streamId,
    streamPosition: toStreamPosition(event.revision, event.streamId, event.id),
    globalPosition: toGlobalPosition(event.position, event.streamId, event.id),
    occurredAt,
    recordedAt: event.created.toISOString(),
    data: event.data as unknown,
    metadata,
  };
}
