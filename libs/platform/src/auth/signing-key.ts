import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { SigningKeyError } from './token-errors.js';

export const SIGNING_KEY_FILE = 'signing-key.pem';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** JWK thumbprint (RFC 7638) of the public key; goes in the JWT header so a rotated key is recognisable. */
  readonly kid: string;
  readonly path: string;
  /** True when this call generated the key (first start). */
  readonly created: boolean;
}

export const signingKeyDir = (dataDir: string): string => join(dataDir, 'keys');

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

async function writePrivateFile(path: string, contents: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(contents);
    await handle.chmod(0o600); // explicit: the open() mode is only a request filtered by umask
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the key file itself is already synced.
  } finally {
    await handle.close();
  }
}

/**
 * Generates the key into a private temporary file and hard-links it into place. `link` fails with
 * EEXIST instead of replacing, so when two processes start together exactly one key wins and both
 * end up using it (a rename would let the second overwrite the first after tokens were signed).
 */
async function createKeyFile(dir: string, path: string): Promise<boolean> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = join(dir, `.${SIGNING_KEY_FILE}.${process.pid}.${randomUUID()}.tmp`);
  await writePrivateFile(tmp, pem);
  try {
    await link(tmp, path);
    await syncDir(dir);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function readKeyFile(path: string): Promise<KeyObject> {
  if (process.platform !== 'win32') {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) {
      throw new SigningKeyError(
        `The signing key ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
        path,
      );
    }
  }
  const pem = await readFile(path, 'utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new SigningKeyError(`The signing key ${path} is not a PEM private key.`, path, { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`The signing key ${path} is ${key.asymmetricKeyType ?? 'unknown'}, expected ed25519.`, path);
  }
  return key;
}

/** Loads `<keysDir>/signing-key.pem`, generating an Ed25519 key there on first use (file mode 0600). */
export async function loadOrCreateSigningKey(keysDir: string): Promise<SigningKey> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const path = join(keysDir, SIGNING_KEY_FILE);
  let created = false;
  try {
    await stat(path);
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw error;
    created = await createKeyFile(keysDir, path);
  }
  const privateKey = await readKeyFile(path);
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, publicKey, kid, path, created };
}
