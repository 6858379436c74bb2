import { describe, expect, it } from 'vitest';
import { MessagingStateError, StoredOffsetOutOfRangeError } from '../errors.js';
import { carryError, revive } from './thread-protocol.js';

const across = (error: unknown): Error => revive(structuredClone(carryError(error)));

describe('errors crossing between the consumer thread and the caller', () => {
  it("come back as the library's own classes, with their fields", () => {
    const back = across(new StoredOffsetOutOfRangeError('npo.events.v1', 2, 120n, 0n, 100n));
    expect(back).toBeInstanceOf(StoredOffsetOutOfRangeError);
    expect(back).toMatchObject({ code: 'STORED_OFFSET_OUT_OF_RANGE', topic: 'npo.events.v1', partition: 2, stored: 120n, low: 0n, high: 100n });
    expect(back.message).toBe('stored offset 120 of npo.events.v1[2] is outside its log [0, 100]');
    expect(across(new MessagingStateError('not started'))).toBeInstanceOf(MessagingStateError);
  });

  it('keep name, message and stack of any other error, and carry a thrown non-error as text', () => {
    const original = new TypeError('bad value');
    const back = across(original);
    expect(back).toMatchObject({ name: 'TypeError', message: 'bad value', stack: original.stack });
    expect(across('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
  });
});
