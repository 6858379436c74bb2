// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace config itself, not a library
import root from '../../eslint.config.mjs';

// Disclosure control is pure computation: the same tables must give the same pattern on every run,
// so no clock, no randomness and no I/O beyond the HiGHS WebAssembly module.
export default [
  ...root,
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test-support.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'http', 'child_process'], message: 'libs/privacy is pure: no I/O.' }] }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass time in; the pattern must not depend on the clock.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'The pattern must be deterministic.' }],
    },
  },
];
