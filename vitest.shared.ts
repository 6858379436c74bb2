import { basename, dirname, join } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;
const conditions = ['@npo/source', 'module', 'node', 'import', 'default'];

// Every project resolves sibling workspace packages to their TypeScript source (the "@npo/source"
// export condition), so tests never need a build of the libraries they use.
export function projectConfig(overrides: TestOptions = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@npo/source'] } },
    test: {
      environment: 'node',
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // `npm test` sums these JSON reports into one closing line (tools/scripts/test.mjs).
      reporters: process.env['NPO_TEST_RESULTS_DIR'] ? ['default', 'json'] : ['default'],
      outputFile: process.env['NPO_TEST_RESULTS_DIR']
        ? { json: join(process.env['NPO_TEST_RESULTS_DIR'], `${basename(dirname(process.cwd()))}-${basename(process.cwd())}-${process.env['npm_lifecycle_event'] ?? 'test'}.json`) }
        : {},
      ...overrides,
    },
  });
}
