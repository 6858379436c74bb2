#!/usr/bin/env node
// Usage: node tools/scripts/run-built.mjs <nx-project> <entry.js> [args...]
// Builds the project (and what it depends on) with Nx, offline and quietly — the build log is shown
// only when the build fails — then runs `node <entry.js> args...`, passing stdio, signals and the exit
// status through. Backs `npm run token`, `npm run bench` and friends, so they work on a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const [project, entry, ...args] = process.argv.slice(2);
if (!project || !entry) {
  process.stderr.write('usage: node tools/scripts/run-built.mjs <nx-project> <entry.js> [args...]\n');
  process.exit(2);
}

// Nx's own CLI script, found the way Node resolves the package (its bin path moved between versions).
const nxPackage = createRequire(join(root, 'package.json')).resolve('nx/package.json');
const nxBin = join(dirname(nxPackage), JSON.parse(readFileSync(nxPackage, 'utf8')).bin.nx);
const build = spawnSync(process.execPath, [nxBin, 'run', `${project}:build`, '--output-style=static'], {
  cwd: root,
  env: { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  process.stderr.write(`Building ${project} failed:\n${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`);
  process.exit(build.status ?? 1);
}

const entryPath = resolve(root, entry);
if (!existsSync(entryPath)) {
  process.stderr.write(`${entry} does not exist after building ${project}\n`);
  process.exit(1);
}

// The caller's working directory stays the child's, so relative paths in args mean what the user meant.
const child = spawn(process.execPath, [entryPath, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so the caller sees what happened to the child.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
