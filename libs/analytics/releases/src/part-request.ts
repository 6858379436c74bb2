import { setImmediate as nextTurn } from 'node:timers/promises';
import { deserialize, serialize } from 'node:v8';
import type { DisclosureOverrides, PriorRelease, ReleaseInput, ReleasePartSelector } from '@npo/privacy';
import { withPriorFiles } from './prior-file.js';

// The messages a protection worker gets, apart from the code that sends them: the worker loads this module
// and not the service side's (reports, publishing).

/** The disclosure control's options a protection runs with. */
export interface ProtectionOptions {
  readonly priorReleases?: readonly PriorRelease[];
  readonly parameters?: DisclosureOverrides;
}

/** What one worker is asked: its part of the release's components. */
export interface PartRequest {
  readonly input: ReleaseInput;
  readonly options: ProtectionOptions;
  readonly part: ReleasePartSelector;
}

/**
 * A release's request as its workers get it: serialized once into memory they all share (a message is
 * copied per worker, on the sending thread), with the prior files still to be read.
 */
export interface SharedPartRequest {
  readonly shared: SharedArrayBuffer;
  /** Byte lengths of the serialized pieces in `shared`, in order: the head, then the tables in slices. */
  readonly pieces: readonly number[];
  readonly part: ReleasePartSelector;
}

/** What a shared request holds, before it is cut into pieces. */
export interface SharedPayload {
  readonly input: ReleaseInput;
  readonly options: ProtectionOptions;
  readonly priorFiles: readonly string[];
}

/** The first piece: the payload without the input's tables, which follow in slices. */
type PayloadHead = Omit<SharedPayload, 'input'> & { readonly input: Omit<ReleaseInput, 'tables'> };

/**
 * Tables per serialized slice. A national release's input is ~50 MB of ~1,400 tables; serialized in one call
 * it held the service's thread for ~250 ms, in slices of 50 tables each call is short and requests are
 * answered between them.
 */
export const TABLES_PER_PIECE = 50;

/**
 * The buffer lives as long as a worker's request refers to it, i.e. for the whole release; the service's thread
 * held the parsed priors that long before, which took more. The input holds no typed arrays: deserialized,
 * they would be views into the shared memory, which every worker could then change under the others.
 */
export async function sharePayload(payload: SharedPayload): Promise<Omit<SharedPartRequest, 'part'>> {
  const { tables, ...rest } = payload.input;
  const head: PayloadHead = { input: rest, options: payload.options, priorFiles: payload.priorFiles };
  const buffers = [serialize(head)];
  for (let i = 0; i < tables.length; i += TABLES_PER_PIECE) {
    await nextTurn();
    buffers.push(serialize(tables.slice(i, i + TABLES_PER_PIECE)));
  }
  const shared = new SharedArrayBuffer(buffers.reduce((n, b) => n + b.length, 0));
  const bytes = new Uint8Array(shared);
  let at = 0;
  for (const b of buffers) {
    bytes.set(b, at);
    at += b.length;
  }
  return { shared, pieces: buffers.map((b) => b.length) };
}

/** The part request a worker works on: a shared one made whole (its priors read from their files). */
export async function partRequestOf(message: PartRequest | SharedPartRequest): Promise<PartRequest> {
  if (!('shared' in message)) return message;
  let at = 0;
  const pieces = message.pieces.map((length) => {
    const piece: unknown = deserialize(new Uint8Array(message.shared, at, length));
    at += length;
    return piece;
  });
  const head = pieces[0] as PayloadHead;
  const input: ReleaseInput = { ...head.input, tables: (pieces.slice(1) as ReleaseInput['tables'][]).flat() };
  return { input, options: await withPriorFiles(head.options, head.priorFiles), part: message.part };
}
