import type { FeedEntry } from '@npo/analytics-model';
import { envelopeHeaders, type ReceivedMessage } from '@npo/messaging';

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;

/**
 * Why the message cannot be taken at its word, or null. Headers and key are the relay's routing
 * copies of envelope fields: when they contradict the value, the message may sit on the wrong
 * partition (out of its stream's order), so it is quarantined rather than applied.
 */
function contradiction(message: ReceivedMessage, value: unknown): string | null {
  const expected: [string, unknown][] = [
    [envelopeHeaders.eventId, field(value, 'id')],
    [envelopeHeaders.eventType, field(value, 'type')],
    [envelopeHeaders.schemaVersion, field(value, 'schemaVersion')],
    [envelopeHeaders.globalPosition, field(value, 'globalPosition')],
  ];
  for (const [header, actual] of expected) {
    const given = message.headers[header];
    if (given === undefined) return `header ${header} is missing`;
    if (given !== String(actual)) return `header ${header} is ${JSON.stringify(given)}, the value says ${JSON.stringify(actual ?? null)}`;
  }
  const key = message.key?.toString('utf8') ?? null;
  const streamId = field(value, 'streamId');
  if (key !== streamId) return `key ${JSON.stringify(key)} is not the stream id ${JSON.stringify(streamId ?? null)}`;
  return null;
}

/**
 * A Kafka message as a feed entry. The value is only parsed here: validating it against the contract
 * is the projector's job (the feed is untrusted), so a message is never validated twice. What cannot
 * even be parsed, or contradicts its own headers, goes to the projector with a `problem`, which it
 * quarantines: a bad message is kept for inspection, never retried forever, never dropped silently.
 */
export function toFeedEntry(message: ReceivedMessage): FeedEntry {
  const at = { partition: message.partition, offset: Number(message.offset) };
  const unreadable = (reason: string, payload: unknown): FeedEntry => ({ ...at, payload, problem: `unreadable Kafka message (${reason})` });
  if (message.value === null || message.value.length === 0) return unreadable('EMPTY_VALUE: the message has no value', null);
  const text = message.value.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return unreadable(`NOT_JSON: ${error instanceof Error ? error.message : String(error)}`, text);
  }
  const problem = contradiction(message, value);
  // The text, not the parsed value: the projector must not take this copy's envelope for the event's
  // (it would count the stream position as handled and drop a correct copy arriving later).
  if (problem !== null) return unreadable(`HEADER_MISMATCH: ${problem}`, text);
  return { ...at, payload: value };
}
