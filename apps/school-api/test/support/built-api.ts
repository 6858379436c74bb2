import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled entry point, as `npm start` and the Dockerfile run it. */
export const builtMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(builtMain)) {
    throw new Error(`${builtMain} is missing: run the e2e tier through Nx (npx nx run @npo/school-api:e2e), which builds first`);
  }
}

/** What main.ts prints once the server is bound. */
const LISTENING = /school API listening on (http:\/\/\S+) \(docs/;

export interface BuiltApi {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the signal (or exit code) once the process is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** The last lines the process printed, for failure messages. */
  output(): string;
}

/**
 * Starts `node dist/main.js` with only the platform's environment on the given data dir, and resolves
 * once `/health/ready` answers 200. The API binds a port the OS picks (NPO_API_PORT=0) and prints its
 * URL: a port chosen here and handed over could be taken by another process in between.
 */
export async function spawnBuiltApi(dataDir: string): Promise<BuiltApi> {
  assertBuilt();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));
  const child = spawn(process.execPath, [builtMain], {
    env: { ...inherited, NPO_DATA_DIR: dataDir, NPO_API_PORT: '0', NPO_HOST: '127.0.0.1', NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let stdout = '';
  let url: string | undefined;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (url !== undefined) return;
    stdout += chunk.toString();
    url = LISTENING.exec(stdout)?.[1];
  });
  child.stderr?.on('data', keep);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    try {
      if (url !== undefined && (await fetch(`${url}/health/ready`)).status === 200) return { url, child, exited, output: () => tail };
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the built API did not become ready${url === undefined ? ' (it printed no URL)' : ` on ${url}`}:\n${tail}`);
}
