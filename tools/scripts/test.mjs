#!/usr/bin/env node
// `npm test`: lint, typecheck, build, then every test tier of every project, and one closing count line.
// Each vitest run writes a JSON report (see vitest.shared.ts); the sum is printed as
// "tests: N passed, N failed, N skipped" so CI can read the result whatever the runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'tmp', 'test-results');
const env = { ...process.env, CI: process.env.CI ?? 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NPO_TEST_RESULTS_DIR: resultsDir };
const extra = process.argv.slice(2);

function nx(args) {
  const r = spawnSync('npx', ['nx', ...args, '--output-style=static', ...extra], { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let status = nx(['run-many', '-t', 'lint', 'typecheck', 'build']);
if (status === 0) status = nx(['run-many', '-t', 'test', 'e2e', '--parallel=1']);

let passed = 0, failed = 0, skipped = 0;
if (existsSync(resultsDir)) {
  for (const f of readdirSync(resultsDir).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
if (status !== 0 && failed === 0) failed = 1; // a lint/type/build failure or a crashed suite is a failure too
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
