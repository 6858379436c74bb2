import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The dependency matrix: who may import whom. Read rows as "a project tagged X may only use projects tagged ...".
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
    // The domain is pure: no framework, no I/O drivers.
    bannedExternalImports: ['@nestjs/*', 'fastify', 'better-sqlite3', 'sqlite3', '@duckdb/*', 'kafkajs', '@kurrent/*', '@eventstore/*', 'pino', 'prom-client', 'jose'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'scope:npo', onlyDependOnLibsWithTags: ['scope:npo', 'scope:shared'] },
  { sourceTag: 'scope:analytics', notDependOnLibsWithTags: ['scope:school-api', 'scope:relay'] },
  { sourceTag: 'scope:school-api', notDependOnLibsWithTags: ['scope:analytics', 'scope:relay'] },
  { sourceTag: 'scope:relay', notDependOnLibsWithTags: ['scope:analytics', 'scope:school-api'] },
];

export default tseslint.config(
  { ignores: ['**/vitest.config.ts', '**/vitest.*.config.ts', 'vitest.shared.ts', '**/dist/**', '**/node_modules/**', '**/*.timestamp*', 'bench-results/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Nest reads constructor parameter types at runtime (emitDecoratorMetadata): a type-only import there breaks injection.
    files: ['apps/**/*.ts', 'libs/platform/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['libs/npo/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'http', 'child_process'], message: 'The NPO domain and contracts are pure: pass I/O, clocks and ids in.' }] }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass time in; do not read the clock in the domain.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass ids and randomness in.' }],
    },
  },
);
