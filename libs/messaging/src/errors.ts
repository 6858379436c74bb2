/** Failures this library reports on purpose; `code` is stable, the message is for people. */
export abstract class MessagingError extends Error {
  abstract readonly code: string;
}

/** The topic exists with another partition count or replication factor than asked for. */
export class TopicMismatchError extends MessagingError {
  readonly code = 'TOPIC_MISMATCH';
  constructor(
    readonly topic: string,
    readonly expected: { readonly partitions: number; readonly replicationFactor: number },
    readonly actual: { readonly partitions: number; readonly replicationFactor: number },
  ) {
    super(
      `topic ${topic} has ${actual.partitions} partitions x${actual.replicationFactor}, expected ${expected.partitions} x${expected.replicationFactor}`,
    );
    this.name = 'TopicMismatchError';
  }
}

/**
 * An externally stored offset lies outside the partition's log: before its start (messages were
 * deleted unread) or past its end (the topic was recreated). Resuming anywhere would silently lose or
 * skip data, so the consumer stops on it and an operator decides.
 */
export class StoredOffsetOutOfRangeError extends MessagingError {
  readonly code = 'STORED_OFFSET_OUT_OF_RANGE';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly stored: bigint,
    readonly low: bigint,
    readonly high: bigint,
  ) {
    super(`stored offset ${stored} of ${topic}[${partition}] is outside its log [${low}, ${high}]`);
    this.name = 'StoredOffsetOutOfRangeError';
  }
}

/** A client used before `connect()`/`start()`, or started twice. */
export class MessagingStateError extends MessagingError {
  readonly code = 'MESSAGING_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'MessagingStateError';
  }
}

export type EnvelopeDecodeReason = 'EMPTY_VALUE' | 'NOT_JSON' | 'SCHEMA' | 'HEADER_MISMATCH' | 'KEY_MISMATCH';

/** A message that is not a valid event envelope: it belongs in quarantine, not in a retry loop. */
export class EnvelopeDecodeError extends MessagingError {
  readonly code = 'ENVELOPE_UNDECODABLE';
  constructor(
    readonly reason: EnvelopeDecodeReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'EnvelopeDecodeError';
  }
}

/** A publish after an earlier one failed: the order of the partitions' messages can no longer be promised, so nothing more is sent. */
export class PublisherBrokenError extends MessagingError {
  readonly code = 'PUBLISHER_BROKEN';
  constructor(cause: unknown) {
    super(`an earlier publish failed (${cause instanceof Error ? cause.message : String(cause)}); close this publisher and publish again from the last acknowledged message with a new one`, { cause });
    this.name = 'PublisherBrokenError';
  }
}
