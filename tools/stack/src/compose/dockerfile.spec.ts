import { describe, expect, it } from 'vitest';
import { envOf, execForm, instructionsOf, parseDockerfile } from './dockerfile.test-support.js';

const text = `# comment
FROM node:20 AS build
RUN a \\
 && b
FROM --platform=linux/amd64 node:20-slim
ENV A=1 B=two
USER node
HEALTHCHECK --interval=10s \\
  CMD ["node", "-e", "x"]
CMD ["node", "main.js"]
`;

describe('parseDockerfile', () => {
  const stages = parseDockerfile(text);

  it('splits stages at FROM, with names and continuation lines joined', () => {
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      ['node:20', 'build'],
      ['node:20-slim', null],
    ]);
    expect(instructionsOf(stages[0]!, 'RUN')[0]!.args).toBe('a   && b');
  });

  it('reads ENV pairs and exec forms of CMD and HEALTHCHECK', () => {
    const final = stages[1]!;
    expect(envOf(final)).toEqual({ A: '1', B: 'two' });
    expect(execForm(instructionsOf(final, 'CMD')[0]!.args)).toEqual(['node', 'main.js']);
    expect(execForm(instructionsOf(final, 'HEALTHCHECK')[0]!.args)).toEqual(['node', '-e', 'x']);
    expect(execForm('node main.js')).toBeNull();
  });
});
