import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled entry point, as `npm start` and the Dockerfile run it. */
export const builtMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(builtMain)) {
    throw new Error(`${builtMain} is missing: run the e2e tier through Nx (npx nx run @npo/school-api:e2e), which builds first`);
  }
}

/** A port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface BuiltApi {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the signal (or exit code) once the process is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** The last lines the process printed, for failure messages. */
  output(): string;
}

/**
 * Starts `node dist/main.js` with only the platform's environment, on the given data dir and port,
 * and resolves once `/health/ready` answers 200.
 */
export async function spawnBuiltApi(dataDir: string, port: number): Promise<BuiltApi> {
  assertBuilt();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));
  const child = spawn(process.execPath, [builtMain], {
    env: { ...inherited, NPO_DATA_DIR: dataDir, NPO_API_PORT: String(port), NPO_HOST: '127.0.0.1', NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const url = `http://127.0.0.1:${port}`;

  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return { url, child, exited, output: () => tail };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the built API did not become ready on ${url}:\n${tail}`);
}
