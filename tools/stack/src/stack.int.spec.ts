import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePorts } from '@npo/kafka-local';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Stack } from './stack.js';
import { StackError } from './stack-error.js';
import { stackSettingsFromEnv } from './stack-settings.js';

/*
 * The Stack's process handling with stand-in apps: a fake repository whose
 * apps/school-api/dist/main.js is a few lines of node, so start, readiness, a second start, stop and
 * the failure messages are exercised on real processes without building or booting the platform.
 */
const fakeRoot = mkdtempSync(join(tmpdir(), 'npo-stack-int-'));
const entry = join(fakeRoot, 'apps/school-api/dist/main.js');
mkdirSync(dirname(entry), { recursive: true });
const [apiPort] = await freePorts(1);

const serving = (status: number) => `
import { createServer } from 'node:http';
const server = createServer((req, res) => { res.statusCode = req.url === '/health/ready' ? ${status} : 404; res.end(); });
server.listen(Number(process.env.NPO_API_PORT), '127.0.0.1', () => console.log('listening on', process.env.NPO_API_PORT, 'feed', process.env.NPO_FEED ?? 'unset'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let stackDir: string;
const stack = (overrides: Record<string, string> = {}) =>
  new Stack(stackSettingsFromEnv({ NPO_STACK_DIR: stackDir, NPO_API_PORT: String(apiPort), NPO_STACK_READY_TIMEOUT_MS: '20000', NPO_STACK_STOP_TIMEOUT_MS: '3000', ...overrides }, fakeRoot), {
    repoRoot: fakeRoot,
    env: { PATH: process.env['PATH'], NPO_FEED: 'store' },
  });

async function failure(promise: Promise<unknown>): Promise<StackError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StackError) return error;
    throw error;
  }
  throw new Error('expected a StackError');
}

beforeEach(() => {
  stackDir = mkdtempSync(join(tmpdir(), 'npo-stack-int-dir-'));
});
// A test that failed half-way leaves its stand-in running on the port the next tests use.
afterEach(async () => {
  if (existsSync(stackDir)) await stack().stop('school-api');
});
afterAll(() => rmSync(fakeRoot, { recursive: true, force: true }));

describe('Stack with a stand-in app', () => {
  it('starts it detached, waits for readiness, records the pid, finds it again, stops it', async () => {
    writeFileSync(entry, serving(200));
    const s = stack();
    const first = await s.start('school-api');
    expect(first.alreadyRunning).toBe(false);
    const again = await stack().start('school-api');
    expect(again).toMatchObject({ alreadyRunning: true, pid: first.pid });
    const running = (await stack().status()).find((x) => x.name === 'school-api');
    expect(running).toMatchObject({ state: 'running', ready: true, pid: first.pid });
    expect(await stack().stop('school-api')).toBe('stopped');
    expect((await stack().status()).find((x) => x.name === 'school-api')).toMatchObject({ state: 'stopped', ready: false, pid: null });
    expect(await stack().stop('school-api')).toBe('not-running');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('passes the app its own settings, never the caller’s platform variables', async () => {
    writeFileSync(entry, serving(200));
    await stack().start('school-api');
    await stack().stop('school-api');
    expect(readFileSync(join(stackDir, 'logs/school-api.log'), 'utf8')).toContain(`listening on ${apiPort} feed unset`);
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('reports an app that exits during start-up with the tail of its log', async () => {
    writeFileSync(entry, "console.error('boom: cannot open the store'); process.exit(1);");
    const error = await failure(stack().start('school-api'));
    expect(error.code).toBe('EXITED');
    expect(error.message).toContain('boom: cannot open the store');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('gives up on an app that never becomes ready, and leaves it to stop', async () => {
    writeFileSync(entry, serving(503));
    // A short wait here only; the others get long ones, since node starting on a busy machine is not a failure.
    const error = await failure(stack({ NPO_STACK_READY_TIMEOUT_MS: '3000' }).start('school-api'));
    expect(error.code).toBe('NOT_READY');
    expect(await stack().stop('school-api')).toBe('stopped');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('stops nothing, without an error, on a stack directory that was never made', async () => {
    rmSync(stackDir, { recursive: true, force: true });
    expect(await stack().stop('school-api')).toBe('not-running');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it("refuses a Kafka port another process holds, naming the stack's variables (not kafka-local's)", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await failure(stack({ NPO_STACK_KAFKA_PORT: String(port) }).start('kafka'));
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain('NPO_STACK_KAFKA_PORT');
      expect(error.message).not.toMatch(/(^|[^_])KAFKA_PORT/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      rmSync(stackDir, { recursive: true, force: true });
    }
  });

  it('refuses a port another process holds, naming the variable to change', async () => {
    writeFileSync(entry, serving(200));
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(apiPort, '127.0.0.1', resolve));
    try {
      const error = await failure(stack().start('school-api'));
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain('NPO_API_PORT');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      rmSync(stackDir, { recursive: true, force: true });
    }
  });
});
