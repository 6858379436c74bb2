import { setImmediate as nextTurn } from 'node:timers/promises';

export type JsonReplacer = (this: unknown, key: string, value: unknown) => unknown;

const identity: JsonReplacer = (_key, value) => value;

/** Whether JSON.stringify writes the value as an object or array (after unwrapping boxed primitives). */
const isContainer = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !(value instanceof Number) && !(value instanceof String) && !(value instanceof Boolean);

const omitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Containers this deep or deeper are written by one JSON.stringify each (cells, relations, their terms). */
const WALK_DEPTH = 3;

export interface InTurnsOptions {
  /** Characters written between turns of the event loop. Default 512 Ki. */
  readonly charsPerTurn?: number;
  /** Default WALK_DEPTH. */
  readonly walkDepth?: number;
}
/** Pieces are joined into chunks of about this many characters as they are written. */
const CHUNK_CHARS = 1 << 20;

/**
 * JSON.stringify(value, replacer) as chunks of text, with a turn of the event loop after about
 * `charsPerTurn` characters. A national release's files are tens of MB: written by one JSON.stringify
 * each, they held the service's thread for 150-300 ms apiece at the end of a release. The top levels are
 * walked here, in JSON.stringify's order and with its rules for toJSON, the replacer (called on the holder,
 * with the key), undefined, functions and symbols; from WALK_DEPTH down each value is one native call, with
 * the replacer applied as JSON.stringify would. Cyclic values are not detected. Undefined when
 * JSON.stringify would return undefined.
 */
export async function jsonChunksInTurns(value: unknown, replacer: JsonReplacer = identity, options: InTurnsOptions = {}): Promise<string[] | undefined> {
  const charsPerTurn = options.charsPerTurn ?? 1 << 19;
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
  const replaced = (holder: object, key: string, raw: unknown): unknown => {
    const value = typeof raw === 'object' && raw !== null && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON: (k: string) => unknown }).toJSON(key) : raw;
    return replacer.call(holder, key, value);
  };
  // One native call for a value the replacer was applied to already: it applies it to everything inside.
  const native = (value: unknown): string =>
    JSON.stringify(value, function (this: unknown, k: string, v: unknown) {
      return k === '' && (this as Record<string, unknown>)[''] === value ? v : replacer.call(this, k, v);
    }) as string;

  const write = async (value: unknown, depth: number): Promise<void> => {
    if (!isContainer(value) || depth >= walkDepth) {
      push(native(value));
      return;
    }
    if (Array.isArray(value)) {
      push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) push(',');
        const v = replaced(value, String(i), value[i]);
        if (omitted(v)) push('null');
        else if (!isContainer(v) || depth + 1 >= walkDepth) push(native(v));
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
      if (!isContainer(v) || depth + 1 >= walkDepth) push(native(v));
      else await write(v, depth + 1);
      await turnIfDue();
    }
    push('}');
  };

  const root = replaced({ '': value }, '', value);
  if (omitted(root)) return undefined;
  await write(root, 0);
  if (pieces.length > 0) chunks.push(pieces.join(''));
  return chunks;
}

/** jsonChunksInTurns joined: JSON.stringify(value, replacer), written in turns. */
export async function stringifyInTurns(value: unknown, replacer?: JsonReplacer, options?: InTurnsOptions): Promise<string | undefined> {
  return (await jsonChunksInTurns(value, replacer, options))?.join('');
}
