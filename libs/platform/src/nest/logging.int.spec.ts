import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { mapError } from '../errors/error-mappings.js';
import { HttpMappedError } from '../errors/http-mapped-error.js';
import { problems } from '../errors/problem.js';
import { Public } from './auth.decorators.js';
import { createNestApp, type RunningNestApp } from './create-nest-app.js';

class BusyError extends Error {}
class ClosingError extends HttpMappedError {
  constructor() {
    super('CLOSING', problems.unavailable('The store is closing.'));
  }
}

@Controller()
class LoggingController {
  @Public()
  @Get('busy')
  busy() {
    throw new BusyError('ad-hoc busy: 3 pending');
  }

  @Public()
  @Get('closing')
  closing() {
    throw new ClosingError();
  }

  @Public()
  @Get('boom')
  boom() {
    throw new Error('disk on fire');
  }

  @Public()
  @Post('upload')
  upload(@Body() body: unknown) {
    return { body };
  }

  @Public()
  @Get('slow')
  async slow() {
    await sleep(300);
    return { slow: true };
  }
}

@Module({ controllers: [LoggingController] })
class LoggingModule {}

let dataDir: string;
let running: RunningNestApp;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'npo-platform-logging-'));
  const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'debug' });
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  running = await createNestApp(LoggingModule, config, {
    name: 'logging-api',
    port: 0,
    logDestination,
    shutdownHooks: false,
    errorMappings: [mapError(BusyError, (e) => ({ ...problems.unavailable(e.message), headers: { 'Retry-After': '30' } }))],
  });
});

afterAll(async () => {
  await running?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const linesOf = (correlationId: string) => lines.filter((l) => l['correlationId'] === correlationId);

async function eventually<T>(read: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined || Date.now() > until) return value as T;
    await sleep(20);
  }
}

/** Sends the head (and maybe part of a body) of a request, then resets the connection. */
async function abort(request: string, afterMs = 100): Promise<void> {
  const socket = connect(Number(new URL(running.url).port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(request);
  await sleep(afterMs);
  socket.resetAndDestroy();
  await sleep(200);
}

const at = (correlationId: string, msg: string) => lines.find((l) => l['correlationId'] === correlationId && l['msg'] === msg);

describe('log levels of refused and failed requests', () => {
  it.each([
    ['an app mapping (ad-hoc busy)', '/busy', 'busy-1', undefined],
    ['an HttpMappedError', '/closing', 'closing-1', 'CLOSING'],
  ])('a deliberate 503 from %s is one warn line without a stack', async (_what, path, id, code) => {
    const response = await fetch(`${running.url}${path}`, { headers: { 'x-correlation-id': id } });
    expect(response.status).toBe(503);
    const refused = await eventually(() => at(id, 'request refused'));
    expect(refused).toMatchObject({ level: 'warn', status: 503, kind: 'service-unavailable', ...(code ? { code } : {}) });
    expect(JSON.stringify(linesOf(id))).not.toContain('stack');
    expect(linesOf(id).filter((l) => l['level'] === 'error')).toEqual([]);
  });

  it('a real 500 stays an error with the stack', async () => {
    expect((await fetch(`${running.url}/boom`, { headers: { 'x-correlation-id': 'boom-1' } })).status).toBe(500);
    const failed = await eventually(() => at('boom-1', 'request failed'));
    expect(failed).toMatchObject({ level: 'error', status: 500 });
    expect(JSON.stringify(failed)).toContain('disk on fire');
    expect(JSON.stringify(failed)).toContain('stack');
  });

  it('a 4xx stays at debug', async () => {
    await fetch(`${running.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': 'bad-1' }, body: '{' });
    expect(await eventually(() => at('bad-1', 'request rejected'))).toMatchObject({ level: 'debug', status: 400 });
  });
});

describe('a request the client abandons', () => {
  it.each([
    ['half way through its body', 'POST /upload HTTP/1.1\r\nHost: x\r\nx-correlation-id: abort-1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":', 'abort-1'],
    ['while the handler works', 'GET /slow HTTP/1.1\r\nHost: x\r\nx-correlation-id: abort-2\r\n\r\n', 'abort-2'],
  ])('%s is logged at info as aborted, not as a 500', async (_what, request, id) => {
    await abort(request);
    const aborted = await eventually(() => at(id, 'request aborted'));
    expect(aborted).toMatchObject({ level: 'info', aborted: true });
    await sleep(400); // the slow handler finishing must not log a failure either
    const mine = linesOf(id);
    expect(mine.filter((l) => l['level'] === 'error' || l['level'] === 'warn')).toEqual([]);
    expect(mine.some((l) => l['status'] === 500 || l['statusCode'] === 500)).toBe(false);
  });
});
