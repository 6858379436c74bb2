import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.test-support.js';

describe('parseDotenv', () => {
  it('reads NAME=value lines with the comment block right above each', () => {
    const entries = parseDotenv('# header\n\n# first\n# more\nA=1\nB="two words"\n\n# c\nC=\n');
    expect(entries).toEqual([
      { name: 'A', value: '1', comment: ['first', 'more'] },
      { name: 'B', value: 'two words', comment: [] },
      { name: 'C', value: '', comment: ['c'] },
    ]);
  });

  it('rejects a line that is neither a comment nor an assignment', () => {
    expect(() => parseDotenv('export A=1\n')).toThrow(/NAME=value/);
  });
});
