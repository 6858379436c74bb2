import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonReplacer, stringifyInTurns } from './json-in-turns.js';

// Plain data as release files hold it, plus what JSON.stringify treats specially.
const leaf = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, undefined),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('special')),
  array: fc.array(tie('tree'), { maxLength: 8 }),
  object: fc.dictionary(fc.string({ maxLength: 4 }), tie('tree'), { maxKeys: 6 }),
  special: fc.oneof(
    tie('tree').map((v) => ({ toJSON: (key: string) => ({ key, v }) })),
    fc.constant(new Date(0)),
    fc.constant(new Number(3)),
    fc.constant(new Map([[1, 2]])),
  ),
}));

const infinityToNull: JsonReplacer = (_key, value) => (value === Number.POSITIVE_INFINITY ? null : value);
// Looks at the key and the holder, as JSON.stringify passes them.
const keyAware: JsonReplacer = function (this: unknown, key, value) {
  if (key === 'a') return undefined;
  if (Array.isArray(this) && typeof value === 'number') return value + Number(key);
  if (key === 'b') return { replaced: value ?? null };
  return value;
};

describe('stringifyInTurns', () => {
  it.each([
    ['no replacer', undefined],
    ['the release store replacer', infinityToNull],
    ['a replacer that uses key and holder', keyAware],
  ] as const)('writes what JSON.stringify writes (%s), walked to any depth, in any slicing', async (_name, replacer) => {
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 }), async (value, charsPerTurn, walkDepth) => {
        expect(await stringifyInTurns(value, replacer, { charsPerTurn, walkDepth })).toBe(JSON.stringify(value, replacer as never));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the event loop a turn while it writes a large document', async () => {
    const doc = { tables: Array.from({ length: 2_000 }, (_, t) => ({ id: `t${t}`, cells: Array.from({ length: 20 }, (_, c) => ({ id: `${t}.${c}`, value: c })) })) };
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const text = await stringifyInTurns(doc, undefined, { charsPerTurn: 5_000 });
    clearInterval(ticker);
    expect(text).toBe(JSON.stringify(doc));
    expect(turns).toBeGreaterThan(10);
  });
});
