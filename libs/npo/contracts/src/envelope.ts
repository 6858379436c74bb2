import { z } from 'zod';

/** Who may act. The JWT carries one role; school and gemeente tokens also carry their code. */
export const roles = ['school', 'gemeente', 'researcher', 'ocw', 'admin', 'system'] as const;
export type Role = (typeof roles)[number];

export const actorSchema = z.object({
  role: z.enum(roles),
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof actorSchema>;

export const metadataSchema = z.object({
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  actor: actorSchema,
  idempotencyKey: z.string().min(1).max(200).nullable(),
  /** Hash of the request that carried the idempotency key: a reused key with another request is refused. */
  requestHash: z.string().max(200).nullable().optional(),
  /**
   * Whose key it is: a hash of the caller's role and token subject (not the subject itself, which may name
   * a person). Several callers may act for one school; each one's keys are its own. Absent on events
   * recorded before it was kept, whose keys belong to the actor.
   */
  keyScope: z.string().max(200).nullable().optional(),
});
export type EventMetadata = z.infer<typeof metadataSchema>;

/**
 * An event as the application hands it to the store: the store adds stream and global positions
 * and the recording time. `type` is the wire name (`npo.ScanCompleted`), never a class name.
 */
export interface NewEvent<TType extends string = string, TData = unknown> {
  /** UUID v7, chosen by the caller so that a retried append is recognised. */
  readonly id: string;
  readonly type: TType;
  readonly schemaVersion: number;
  /** ISO 8601 instant given by the caller's clock, never read inside the domain. */
  readonly occurredAt: string;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

/** An event as stored. Positions are safe integers: streamPosition counts from 0 within a stream,
 * globalPosition is strictly increasing over the whole store (gaps allowed). */
export interface RecordedEvent<TType extends string = string, TData = unknown> extends NewEvent<TType, TData> {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
  /** ISO 8601 instant at which the store accepted the event. */
  readonly recordedAt: string;
}

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^npo\.[A-Z][A-Za-z]+$/),
  schemaVersion: z.number().int().positive(),
  streamId: z.string().min(1),
  streamPosition: z.number().int().nonnegative(),
  globalPosition: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime({ offset: true }),
  recordedAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
  metadata: metadataSchema,
});

/** Stream naming: one stream per school (BRIN) and one per gemeente (CBS code). */
export const schoolStreamId = (brin: string): string => `school-${brin}`;
export const gemeenteStreamId = (code: string): string => `gemeente-${code}`;
