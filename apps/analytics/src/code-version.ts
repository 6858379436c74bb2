import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a release records as "code version": NPO_CODE_VERSION if the deployment sets it (an image tag),
 * else the git commit of the working tree this file lives in, else the package version.
 */
export function codeVersion(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['NPO_CODE_VERSION'];
  if (explicit !== undefined && explicit.trim() !== '') return explicit.trim();
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  const version = readVersion(join(appDir, 'package.json'));
  const commit = gitCommit(join(appDir, '..', '..', '.git'));
  return commit === undefined ? `@npo/analytics@${version}` : `@npo/analytics@${version}+${commit.slice(0, 12)}`;
}

function readVersion(path: string): string {
  try {
    return String((JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

function gitCommit(gitDir: string): string | undefined {
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const ref = head.slice(5);
    try {
      return readFileSync(join(gitDir, ref), 'utf8').trim();
    } catch {
      const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
      return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
    }
  } catch {
    return undefined;
  }
}
