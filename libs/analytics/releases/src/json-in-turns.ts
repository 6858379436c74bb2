import { setImmediate as nextTurn } from 'node:timers/promises';

export type JsonReplacer = (this: unknown, key: string, value: unknown) => unknown;

const identity: JsonReplacer = (_key, value) => value;

/** Boxed primitives JSON.stringify unwraps (checked with instanceof: a boxed value from another realm is not recognised). */
const isBoxed = (value: object): boolean => value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt;

const hasToJson = (value: unknown): value is { toJSON: (key: string) => unknown } =>
  ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'bigint') &&
  typeof (value as { toJSON?: unknown }).toJSON === 'function';

const omitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Containers this deep or deeper are written by one JSON.stringify each (cells, tables, relations). */
const WALK_DEPTH = 3;
/** Pieces are joined into chunks of about this many characters as they are written. */
const CHUNK_CHARS = 1 << 20;

export interface InTurnsOptions {
  /** Characters written between turns of the event loop. Default 128 Ki. */
  readonly charsPerTurn?: number;
  /** Default WALK_DEPTH. */
  readonly walkDepth?: number;
}

export class NotJsonError extends Error {
  constructor() {
    super('the value has no JSON text (JSON.stringify would return undefined)');
    this.name = 'NotJsonError';
  }
}

/**
 * JSON.stringify(value, replacer) as chunks of text of about 1 MB, with a turn of the event loop after about
 * `charsPerTurn` characters. A national release's files are tens of MB: written by one JSON.stringify each,
 * they held the service's thread for 220-410 ms apiece (stringify and encoding) at the end of a release. The top levels are walked
 * here, in JSON.stringify's order and with its rules for toJSON (called once, before the replacer), the
 * replacer (called on the holder, with the key), undefined, functions and symbols; from WALK_DEPTH down
 * each value is one native call, which applies the replacer inside it as JSON.stringify would. Cyclic
 * values are not detected. The value must not change until the promise settles (keys are read up front,
 * values as they are written). Throws NotJsonError where JSON.stringify would return undefined.
 */
export async function jsonChunksInTurns(value: unknown, replacer: JsonReplacer = identity, options: InTurnsOptions = {}): Promise<string[]> {
  const charsPerTurn = options.charsPerTurn ?? 1 << 17;
  const walkDepth = options.walkDepth ?? WALK_DEPTH;
  const chunks: string[] = [];
  let pieces: string[] = [];
  let pending = 0;
  let sinceTurn = 0;
  const push = (text: string): void => {
    pieces.push(text);
    pending += text.length;
    sinceTurn += text.length;
    if (pending >= CHUNK_CHARS) {
      chunks.push(pieces.join(''));
      pieces = [];
      pending = 0;
    }
  };
  const turnIfDue = async (): Promise<void> => {
    if (sinceTurn < charsPerTurn) return;
    sinceTurn = 0;
    await nextTurn();
  };
  // What JSON.stringify writes for holder[key]: toJSON first, then the replacer.
  const replaced = (holder: object, key: string, raw: unknown): unknown => replacer.call(holder, key, hasToJson(raw) ? raw.toJSON(key) : raw);
  // One native call for a value the replacer was applied to already (and that has no toJSON of its own,
  // which JSON.stringify would call a second time): the replacer is skipped for the root only.
  const native = (value: unknown): string => {
    // A primitive has nothing inside for the replacer: the plain call is several times cheaper.
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    let root = true;
    return JSON.stringify(value, function (this: unknown, k: string, v: unknown) {
      if (root) {
        root = false;
        return v;
      }
      return replacer.call(this, k, v);
    }) as string;
  };
  // Whether the walk goes into the value: containers above walkDepth, and any object whose toJSON was
  // called already (JSON.stringify writes such a replacer result as the object it is).
  const walked = (value: unknown, depth: number): value is object =>
    typeof value === 'object' && value !== null && !isBoxed(value) && (depth < walkDepth || hasToJson(value));

  const write = async (value: unknown, depth: number): Promise<void> => {
    if (!walked(value, depth)) {
      push(native(value));
      return;
    }
    if (Array.isArray(value)) {
      push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) push(',');
        const v = replaced(value, String(i), value[i]);
        if (omitted(v)) push('null');
        else await write(v, depth + 1);
        await turnIfDue();
      }
      push(']');
      return;
    }
    push('{');
    let first = true;
    // Keys, not entries: on a release's cell map (125,400 keys) Object.entries took 139 ms in one piece, Object.keys 36.
    for (const k of Object.keys(value)) {
      const v = replaced(value, k, (value as Record<string, unknown>)[k]);
      if (omitted(v)) continue;
      push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      await write(v, depth + 1);
      await turnIfDue();
    }
    push('}');
  };

  const root = replaced({ '': value }, '', value);
  if (omitted(root)) throw new NotJsonError();
  await write(root, 0);
  if (pieces.length > 0) chunks.push(pieces.join(''));
  return chunks;
}
