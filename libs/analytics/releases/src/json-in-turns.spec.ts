import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InTurnsOptions, jsonChunksInTurns, type JsonReplacer, NotJsonError } from './json-in-turns.js';

const stringifyInTurns = async (value: unknown, replacer?: JsonReplacer, options?: InTurnsOptions): Promise<string> =>
  (await jsonChunksInTurns(value, replacer, options)).join('');

// Plain data as release files hold it, plus what JSON.stringify treats specially.
const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, undefined, () => 1, Symbol('s')),
);
const withExtra = (array: unknown[], extra: unknown): unknown[] => Object.assign(array, { extra });
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('special')),
  array: fc.oneof(fc.array(tie('tree'), { maxLength: 8 }), fc.sparseArray(tie('tree'), { maxLength: 8 }), fc.tuple(fc.array(tie('tree'), { maxLength: 3 }), tie('tree')).map(([a, x]) => withExtra(a, x))),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', 'a', 'b', 'toJSON', '0', 'é', '\ud800')), tie('tree'), { maxKeys: 6 }),
  special: fc.oneof(
    tie('tree').map((v) => ({ toJSON: (key: string) => ({ key, v }) })),
    // A toJSON result that has a toJSON of its own: JSON.stringify calls only the first.
    tie('tree').map((v) => ({ toJSON: () => ({ v, toJSON: (key: string) => `inner ${key}` }) })),
    tie('tree').map((v) => Object.assign(() => 0, { toJSON: () => v })),
    fc.constant(new Date(0)),
    fc.constantFrom(new Number(3), new String('s'), new Boolean(false)),
    fc.constant(new Map([[1, 2]])),
    tie('tree').map((v) => Object.defineProperty({ plain: v }, 'got', { enumerable: true, get: () => 'getter' })),
  ),
}));

const infinityToNull: JsonReplacer = (_key, value) => (value === Number.POSITIVE_INFINITY ? null : value);
// Looks at the key, the holder and the value as JSON.stringify passes them, and returns objects JSON.stringify
// must not call toJSON on again.
const keyAware: JsonReplacer = function (this: unknown, key, value) {
  if (key === 'a') return undefined;
  if (key === '' && Number.isNaN(value)) return 0;
  if (Array.isArray(this) && typeof value === 'number') return value + Number(key);
  if (key === 'b') return { replaced: value ?? null };
  if (key === 'toJSON') return new Date(0);
  if (key === '0') return { toJSON: () => 'replacer result with toJSON' };
  return value;
};

async function expectSameAsNative(value: unknown, replacer: JsonReplacer | undefined, options: Parameters<typeof stringifyInTurns>[2]): Promise<void> {
  let expected: string | undefined;
  try {
    expected = JSON.stringify(value, replacer as never);
  } catch (error) {
    await expect(stringifyInTurns(value, replacer, options)).rejects.toThrow((error as Error).constructor as never);
    return;
  }
  if (expected === undefined) await expect(stringifyInTurns(value, replacer, options)).rejects.toThrow(NotJsonError);
  else expect(await stringifyInTurns(value, replacer, options)).toBe(expected);
}

describe('jsonChunksInTurns', () => {
  it.each([
    ['no replacer', undefined],
    ['the release store replacer', infinityToNull],
    ['a replacer that uses key, holder and value and returns objects with toJSON', keyAware],
  ] as const)('writes what JSON.stringify writes (%s), walked to any depth, in any slicing', async (_name, replacer) => {
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 }), async (value, charsPerTurn, walkDepth) => {
        await expectSameAsNative(value, replacer, { charsPerTurn, walkDepth });
      }),
      { numRuns: 400 },
    );
  });

  it('refuses what JSON.stringify refuses, and has no text where it has none', async () => {
    await expectSameAsNative({ a: [1, { b: 10n }] }, undefined, { walkDepth: 0 });
    await expectSameAsNative({ a: [1, { b: 10n }] }, undefined, { walkDepth: 5 });
    await expect(stringifyInTurns(undefined)).rejects.toThrow(NotJsonError);
    await expect(stringifyInTurns(() => 1)).rejects.toThrow(NotJsonError);
  });

  it('hands out chunks of about a megabyte and gives the event loop turns while it writes a large document', async () => {
    const doc = { tables: Array.from({ length: 4_000 }, (_, t) => ({ id: `t${t}`, cells: Array.from({ length: 20 }, (_, c) => ({ id: `${t}.${c}`, value: c })) })) };
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const chunks = await jsonChunksInTurns(doc, undefined, { charsPerTurn: 5_000 });
    clearInterval(ticker);
    expect(chunks.join('')).toBe(JSON.stringify(doc));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeLessThan(1.1 * 2 ** 20);
    expect(turns).toBeGreaterThan(10);
  });
});
