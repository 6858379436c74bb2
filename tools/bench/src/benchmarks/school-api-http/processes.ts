import { freePorts } from '@npo/kafka-local';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** A loopback port the OS just handed out. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port');
  return port;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The last few KB of its stdout and stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * `node [BENCH_SERVER_NODE_ARGS] <args>` from the repository root. BENCH_SERVER_NODE_ARGS (space
 * separated) lets a profiling run add e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to the measured server.
 */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv): ServerProcess {
  const extra = process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A failed spawn (EAGAIN on a loaded machine) must fail this run, not crash the worker: the error
  // lands in the output and the process counts as exited.
  child.on('error', (error) => keep(Buffer.from(`\n${error.message}\n`)));
  return { child, output: () => tail, stop: () => stopProcess(child) };
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;

async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until anything answers; fails early with the server's output if it exits. */
export async function waitUntilAnswering(url: string, server: ServerProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (hasExited(server.child)) throw new Error(`server exited before answering:\n${server.output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await server.stop();
  throw new Error(`server at ${url} never answered:\n${server.output()}`);
}
