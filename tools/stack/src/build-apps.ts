import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StackError } from './stack-error.js';

/** `nx run-many -t build` for the given projects (and what they depend on), offline; the log only on failure. */
export function buildProjects(repoRoot: string, projects: readonly string[]): number {
  const started = Date.now();
  // Nx's own CLI script, found the way Node resolves the package (its bin path moved between versions).
  const nxPackage = createRequire(join(repoRoot, 'package.json')).resolve('nx/package.json');
  const nxBin = join(dirname(nxPackage), (JSON.parse(readFileSync(nxPackage, 'utf8')) as { bin: { nx: string } }).bin.nx);
  const result = spawnSync(process.execPath, [nxBin, 'run-many', '-t', 'build', `--projects=${projects.join(',')}`, '--output-style=static'], {
    cwd: repoRoot,
    env: { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `${result.error.message}\n` : ''}`;
    throw new StackError('BUILD_FAILED', `building ${projects.join(', ')} failed:\n${output.split('\n').slice(-60).join('\n')}`);
  }
  return Date.now() - started;
}
