import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE, signingKeyDir } from './signing-key.js';
import { SigningKeyError } from './token-errors.js';
import { TokenService } from './token-service.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'npo-key-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('loadOrCreateSigningKey', () => {
  it('creates an Ed25519 key on first use, private to the owner, and loads the same key later', async () => {
    const keysDir = signingKeyDir(dataDir);
    const first = await loadOrCreateSigningKey(keysDir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dataDir, 'keys', SIGNING_KEY_FILE));
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect((await stat(keysDir)).mode & 0o077).toBe(0);

    const second = await loadOrCreateSigningKey(keysDir);
    expect(second.created).toBe(false);
    expect(second.kid).toBe(first.kid);
  });

  it('lets concurrent first starts agree on one key and leaves no temporary files', async () => {
    const keysDir = signingKeyDir(dataDir);
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(keysDir)));
    expect(new Set(results.map((r) => r.kid)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await readdir(keysDir)).toEqual([SIGNING_KEY_FILE]);
  });

  it('refuses a key file other users can read', async () => {
    const { path } = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    await chmod(path, 0o644);
    const error = await loadOrCreateSigningKey(signingKeyDir(dataDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningKeyError);
    expect((error as SigningKeyError).message).toContain('chmod 600');
  });

  it('refuses a file that is not a private key', async () => {
    const keysDir = signingKeyDir(dataDir);
    await loadOrCreateSigningKey(keysDir);
    await writeFile(join(keysDir, SIGNING_KEY_FILE), 'hello', { mode: 0o600 });
    await expect(loadOrCreateSigningKey(keysDir)).rejects.toBeInstanceOf(SigningKeyError);
  });

  it('refuses a key of another type', async () => {
    const keysDir = signingKeyDir(dataDir);
    await loadOrCreateSigningKey(keysDir);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    await writeFile(join(keysDir, SIGNING_KEY_FILE), rsa, { mode: 0o600 });
    await expect(loadOrCreateSigningKey(keysDir)).rejects.toThrow(/expected ed25519/);
  });
});

describe('TokenService.fromDataDir', () => {
  it('verifies, after a restart, tokens it issued before', async () => {
    const before = await TokenService.fromDataDir(dataDir);
    const jwt = await before.issueToken({ role: 'school', brin: '16SW' });
    const after = await TokenService.fromDataDir(dataDir);
    expect(await after.verifyToken(jwt)).toEqual({ role: 'school', brin: '16SW', sub: 'school:16SW' });
  });
});
