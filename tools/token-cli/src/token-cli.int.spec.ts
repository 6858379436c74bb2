import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateSigningKey, signingKeyDir, TokenService } from '@npo/platform/auth';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const projectDir = fileURLToPath(new URL('..', import.meta.url));
const workspaceRoot = join(projectDir, '..', '..');
const entry = join(projectDir, 'dist', 'main.js');

let dataDir: string;

function cli(args: string[], env: Record<string, string> = { NPO_DATA_DIR: dataDir }) {
  const { PATH, HOME } = process.env;
  const r = spawnSync(process.execPath, [entry, ...args], { env: { PATH, HOME, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  // `nx run @npo/token-cli:test` builds first (dependsOn build); a bare `vitest run` needs that build too.
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx nx run @npo/token-cli:build\` first`);
  dataDir = await mkdtemp(join(tmpdir(), 'npo-token-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('token CLI (built, as a child process)', () => {
  it('creates the key on first use and prints one JWT the platform accepts', async () => {
    const r = cli(['--role', 'school', '--brin', '16SW']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const key = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    expect(key.created).toBe(false);
    expect((await stat(key.path)).mode & 0o777).toBe(0o600);
    const principal = await new TokenService(key).verifyToken(r.stdout.trim());
    expect(principal).toEqual({ role: 'school', brin: '16SW', sub: 'school:16SW' });
    expect(decodeProtectedHeader(r.stdout.trim()).kid).toBe(key.kid);
  });

  it.each([
    [['--role', 'gemeente', '--gemeente', 'GM0363'], { role: 'gemeente', gemeente: 'GM0363', sub: 'gemeente:GM0363' }],
    [['--role', 'researcher', '--sub', 'j.jansen'], { role: 'researcher', sub: 'j.jansen' }],
    [['--role', 'ocw'], { role: 'ocw', sub: 'ocw' }],
    [['--role', 'admin'], { role: 'admin', sub: 'admin' }],
    [['--role', 'school', '--brin', '16sw03'], { role: 'school', brin: '16SW03', sub: 'school:16SW03' }],
  ])('%j', async (args, expected) => {
    const r = cli(args);
    expect(r.status).toBe(0);
    const tokens = await TokenService.fromDataDir(dataDir);
    expect(await tokens.verifyToken(r.stdout.trim())).toEqual(expected);
  });

  it('honours --expires and defaults to 12 hours', () => {
    const short = decodeJwt(cli(['--role', 'ocw', '--expires', '30m']).stdout.trim());
    expect((short.exp ?? 0) - (short.iat ?? 0)).toBe(1800);
    const standard = decodeJwt(cli(['--role', 'ocw']).stdout.trim());
    expect((standard.exp ?? 0) - (standard.iat ?? 0)).toBe(12 * 3600);
  });

  it('uses --data-dir over NPO_DATA_DIR, creating that key', async () => {
    const other = await mkdtemp(join(tmpdir(), 'npo-token-cli-other-'));
    try {
      const r = cli(['--role', 'admin', '--data-dir', other]);
      expect(r.status).toBe(0);
      await expect(new TokenService(await loadOrCreateSigningKey(signingKeyDir(other))).verifyToken(r.stdout.trim())).resolves.toEqual({ role: 'admin', sub: 'admin' });
      await expect((await TokenService.fromDataDir(dataDir)).verifyToken(r.stdout.trim())).rejects.toThrow();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it.each([
    [[], /--role/],
    [['--role', 'janitor'], /janitor/],
    [['--role', 'school'], /needs --brin/],
    [['--role', 'school', '--brin', 'SW16'], /not a BRIN/],
    [['--role', 'school', '--brin', '16SW', '--gemeente', 'GM0363'], /--gemeente only goes with --role gemeente/],
    [['--role', 'gemeente'], /needs --gemeente/],
    [['--role', 'gemeente', '--gemeente', '0363'], /not a CBS code/],
    [['--role', 'ocw', '--brin', '16SW'], /--brin only goes with --role school/],
    [['--role', 'researcher'], /needs --sub/],
    [['--role', 'ocw', '--expires', 'forever'], /--expires/],
    [['--role', 'ocw', '--expires', '500d'], /--expires/],
    [['--role', 'ocw', '--colour', 'blue'], /unknown option/],
    [['--role', 'ocw', 'extra'], /too many arguments|unexpected/i],
  ])('refuses %j with exit 2 and a message on stderr', (args, message) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('--help exits 0 and shows the examples', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--role school --brin 16SW');
  });

  it('reports an unusable key file with exit 1, not a stack trace', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'npo-token-cli-broken-'));
    try {
      const { chmod } = await import('node:fs/promises');
      const key = await loadOrCreateSigningKey(signingKeyDir(broken));
      await chmod(key.path, 0o644);
      const r = cli(['--role', 'ocw'], { NPO_DATA_DIR: broken });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/chmod 600/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe('npm run token', () => {
  it('builds what it needs and prints a token through tools/scripts/run-built.mjs', async () => {
    const r = spawnSync('npm', ['run', '--silent', 'token', '--', '--role', 'gemeente', '--gemeente', 'GM0599'], {
      cwd: workspaceRoot,
      env: { ...process.env, NPO_DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const tokens = await TokenService.fromDataDir(dataDir);
    expect(await tokens.verifyToken(r.stdout.trim())).toEqual({ role: 'gemeente', gemeente: 'GM0599', sub: 'gemeente:GM0599' });
  }, 300_000);
});
