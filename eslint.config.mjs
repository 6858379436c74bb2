import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The dependency matrix: who may import whom. Read rows as "a project tagged X may only use projects tagged ...".
// `type:testing` (tools/kafka-local, the real broker for tests) is left out of every row but the tools'
// (tools/stack and tools/bench run a broker as part of what they do); the apps' and data-access libs'
// tests get it below, their production code never does, and domain and util projects never at all.
const depConstraints = (testing = []) => [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util', ...testing] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util', 'type:testing'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util', ...testing] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
    // The domain is pure: no framework, no I/O drivers.
    bannedExternalImports: ['@nestjs/*', 'fastify', 'better-sqlite3', 'sqlite3', '@duckdb/*', 'kafkajs', '@kurrent/*', '@eventstore/*', 'pino', 'prom-client', 'jose'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'scope:npo', onlyDependOnLibsWithTags: ['scope:npo', 'scope:shared'] },
  // Shared infrastructure serves every scope, so it may not lean on any one of them.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:npo', ...testing] },
  { sourceTag: 'scope:analytics', notDependOnLibsWithTags: ['scope:school-api', 'scope:relay'] },
  { sourceTag: 'scope:school-api', notDependOnLibsWithTags: ['scope:analytics', 'scope:relay'] },
  { sourceTag: 'scope:relay', notDependOnLibsWithTags: ['scope:analytics', 'scope:school-api'] },
];
const boundaries = (testing) => ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(testing) }];
// Test code: specs, a project's test/ directory and spec helpers.
const testFiles = ['**/*.spec.ts', '**/test/**/*.ts', '**/*.test-support.ts'];

// kafkajs is an implementation detail of libs/messaging: everything else reaches Kafka through its
// port (@npo/messaging), so replacing the client library touches that one lib.
const kafkajsOutsideMessaging = {
  paths: [{ name: 'kafkajs', message: 'Reach Kafka through @npo/messaging; kafkajs is used in libs/messaging/src/kafkajs only.' }],
  patterns: [{ group: ['kafkajs/*'], message: 'Reach Kafka through @npo/messaging; kafkajs is used in libs/messaging/src/kafkajs only.' }],
};

export default tseslint.config(
  { ignores: ['**/vitest.config.ts', '**/vitest.*.config.ts', 'vitest.shared.ts', '**/dist/**', '**/node_modules/**', '**/*.timestamp*', 'bench-results/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries([]),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing']) },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs', '**/*.js'],
    ignores: [
      'libs/messaging/src/kafkajs/**',
      // kafkajs' own partitioner is the reference the project's murmur2 is checked against (same lib).
      'libs/messaging/src/partitioning/murmur2.spec.ts',
    ],
    rules: { 'no-restricted-imports': ['error', kafkajsOutsideMessaging] },
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
      // Replaces the kafkajs rule above for these files (the last setting of a rule wins), so it repeats it.
      'no-restricted-imports': [
        'error',
        {
          paths: kafkajsOutsideMessaging.paths,
          patterns: [...kafkajsOutsideMessaging.patterns, { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'child_process'], message: 'The NPO domain and contracts are pure: pass I/O, clocks and ids in.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass time in; do not read the clock in the domain.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass ids and randomness in.' }],
    },
  },
);
