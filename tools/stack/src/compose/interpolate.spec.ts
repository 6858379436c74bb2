import { describe, expect, it } from 'vitest';
import { interpolate, interpolateDocument, InterpolationError } from './interpolate.test-support.js';

describe('interpolate (Compose variable syntax)', () => {
  const env = { SET: 'value', EMPTY: '' };

  it.each([
    ['${SET:-x}', 'value'],
    ['${EMPTY:-x}', 'x'],
    ['${UNSET:-x}', 'x'],
    ['${SET-x}', 'value'],
    ['${EMPTY-x}', ''],
    ['${UNSET-x}', 'x'],
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['${UNSET}', ''],
    ['$$SET', '$SET'],
    ['127.0.0.1:${UNSET:-3000}:3000', '127.0.0.1:3000:3000'],
    ['a ${SET} b ${UNSET:-c:d}', 'a value b c:d'],
  ])('%s -> %j', (input, expected) => {
    expect(interpolate(input, env).value).toBe(expected);
  });

  it('reports every variable with its operator and default', () => {
    expect(interpolate('${A:-1}/${B}/$C/${D:?needed}', { D: 'd' }).uses).toEqual([
      { name: 'A', operator: ':-', argument: '1' },
      { name: 'B', operator: null, argument: null },
      { name: 'C', operator: null, argument: null },
      { name: 'D', operator: ':?', argument: 'needed' },
    ]);
  });

  it('refuses a required variable that is unset or (with :?) empty', () => {
    expect(() => interpolate('${X:?set X}', {})).toThrow(InterpolationError);
    expect(() => interpolate('${X:?set X}', { X: '' })).toThrow(InterpolationError);
    expect(interpolate('${X?set X}', { X: '' }).value).toBe('');
  });

  it('interpolates values of a whole document, never keys', () => {
    const { document, uses } = interpolateDocument({ '${K}': ['${A:-1}', { b: '${B:-2}' }], n: 3 }, { K: 'k' });
    expect(document).toEqual({ '${K}': ['1', { b: '2' }], n: 3 });
    expect(uses.map((u) => u.name)).toEqual(['A', 'B']);
  });
});
