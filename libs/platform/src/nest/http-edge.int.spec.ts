import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { Public } from './auth.decorators.js';
import { createNestApp, type RunningNestApp } from './create-nest-app.js';

// What reaches the app before (or instead of) a controller: the HTTP parser, the router, the body
// parser. Every refusal there must be a problem like the ones controllers produce.

@Controller('v1/schools/:brin')
class EdgeController {
  @Public()
  @Get('scans')
  scans(@Param('brin') brin: string) {
    return { brin, scans: [] };
  }

  @Public()
  @Post('scans')
  addScan(@Param('brin') brin: string, @Body() body: unknown) {
    return { brin, body };
  }

  @Public()
  @Put('interventions/:code')
  choose(@Param('code') code: string) {
    return { code };
  }

  @Public()
  @Delete('interventions/:code')
  withdraw(@Param('code') code: string) {
    return { code };
  }
}

@Module({ controllers: [EdgeController] })
class EdgeModule {}

let dataDir: string;
let running: RunningNestApp;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'npo-platform-edge-'));
  const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent' });
  running = await createNestApp(EdgeModule, config, { name: 'edge-api', port: 0, shutdownHooks: false });
  port = Number(new URL(running.url).port);
});

afterAll(async () => {
  await running?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends bytes as they are (fetch would refuse or repair them) and reads the answer until the server closes. */
function raw(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

const problemContentType = /^application\/problem\+json/;

function expectProblem(answer: { status: number; contentType: string; body: string }, status: number, kind: string): Record<string, unknown> {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(problemContentType);
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ type: `urn:npo:problem:${kind}`, status });
  expect(typeof problem['title']).toBe('string');
  expect(typeof problem['detail']).toBe('string');
  return problem;
}

const rawProblem = (answer: RawAnswer, status: number, kind: string) =>
  expectProblem({ status: answer.status, contentType: answer.headers['content-type'] ?? '', body: answer.body }, status, kind);

async function call(method: string, path: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${running.url}${path}`, { method, headers: init.headers, body: init.body });
  return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

describe('errors of the HTTP parser, before any route', () => {
  it('431 for a URL over the header size limit', async () => {
    const answer = await raw(`GET /v1/schools/16SW/scans?q=${'x'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const problem = rawProblem(answer, 431, 'request-header-fields-too-large');
    expect(answer.headers['connection']).toBe('close');
    expect(answer.headers['x-correlation-id']).toBe(problem['correlationId']);
  });

  it('431 for a header over the limit', async () => {
    rawProblem(await raw(`GET /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20 * 1024)}\r\n\r\n`), 431, 'request-header-fields-too-large');
  });

  it.each([
    ['Transfer-Encoding together with Content-Length', 'POST /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'],
    ['a request line that is not HTTP', 'hello there\r\n\r\n'],
    ['a header line without a colon', 'GET /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'],
  ])('400 for %s', async (_what, request) => {
    const answer = await raw(request);
    rawProblem(answer, 400, 'malformed-request');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  });

  it('501 for a well-formed request with a method the server does not know (RFC 9110, 9.1)', async () => {
    const answer = await raw('FROB /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\n\r\n');
    const problem = rawProblem(answer, 501, 'not-implemented');
    expect(String(problem['detail'])).toContain('FROB');
    expect(answer.headers['connection']).toBe('close');
  });

  it('400 for an unknown method on a line that is not a request line', async () => {
    rawProblem(await raw('FROB\x01 /x HTTP/1.1\r\nHost: x\r\n\r\n'), 400, 'malformed-request');
    rawProblem(await raw('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n'), 400, 'malformed-request');
  });

  it('bytes after a complete request that do not parse: the request gets its own answer, then the connection closes', async () => {
    const body = JSON.stringify({ schoolYear: '2024-2025' });
    const answer = await raw(
      `POST /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}"x":1}`,
    );
    expect(answer.status).toBe(201);
    expect(answer.headers['connection']).toBe('close');
    // One answer only: nothing for the garbage ahead of it or after it.
    expect(JSON.parse(answer.body)).toEqual({ brin: '16SW', body: { schoolYear: '2024-2025' } });
  });

  it('400 for a URL the router cannot decode', async () => {
    expectProblem(await call('GET', '/v1/schools/%zz/scans'), 400, 'malformed-request');
  });
});

describe('405 for a method the route does not have', () => {
  it.each(['DELETE', 'PATCH', 'PUT', 'OPTIONS'])('%s on a route with a parameter, with Allow', async (method) => {
    const answer = await call(method, '/v1/schools/16SW/scans');
    const problem = expectProblem(answer, 405, 'method-not-allowed');
    expect(answer.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(problem['instance']).toBe('/v1/schools/16SW/scans');
    expect(String(problem['detail'])).toContain(method);
  });

  it('TRACE too (over a raw socket: fetch refuses to send it)', async () => {
    const answer = await raw('TRACE /v1/schools/16SW/scans HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    rawProblem(answer, 405, 'method-not-allowed');
    expect(answer.headers['allow']).toBe('GET, HEAD, POST');
  });

  it('lists the methods of the route that matched, with two parameters', async () => {
    const answer = await call('GET', '/v1/schools/16SW/interventions/B3?x=1');
    expectProblem(answer, 405, 'method-not-allowed');
    expect(answer.headers.get('allow')).toBe('DELETE, PUT');
  });

  it('still 404 for a path no method has', async () => {
    const answer = await call('DELETE', '/v1/schools/16SW/nothing');
    expectProblem(answer, 404, 'not-found');
    expect(answer.headers.get('allow')).toBeNull();
  });
});

describe('a body the JSON parser would misread: 415 for its labels, 400 for its bytes', () => {
  const json = JSON.stringify({ ok: true });

  it.each(['gzip', 'deflate', 'br', 'GZIP'])('Content-Encoding %s', async (coding) => {
    const answer = await call('POST', '/v1/schools/16SW/scans', { body: json, headers: { 'content-type': 'application/json', 'content-encoding': coding } });
    const problem = expectProblem(answer, 415, 'unsupported-media-type');
    expect(String(problem['detail'])).toContain(coding);
    expect(problem['code']).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(answer.headers.get('accept-encoding')).toBe('identity');
  });

  it.each(['utf-16', 'UTF-16LE', 'iso-8859-1', '"latin1"'])('charset %s', async (charset) => {
    const answer = await call('POST', '/v1/schools/16SW/scans', { body: json, headers: { 'content-type': `application/json; charset=${charset}` } });
    const problem = expectProblem(answer, 415, 'unsupported-media-type');
    expect(String(problem['detail'])).toContain('utf-8');
    expect(problem['code']).toBe('UNSUPPORTED_CHARSET');
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="utf-8"', 'application/json; charset=utf8', 'application/json; charset=us-ascii'])(
    'accepts %s, and Content-Encoding identity',
    async (contentType) => {
      const answer = await call('POST', '/v1/schools/16SW/scans', { body: json, headers: { 'content-type': contentType, 'content-encoding': 'identity' } });
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.body)).toEqual({ brin: '16SW', body: { ok: true } });
    },
  );

  it('400 for bytes that are not UTF-8, whatever the charset says, instead of replacing them', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from(' school"}')]);
    for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
      const problem = expectProblem(await call('POST', '/v1/schools/16SW/scans', { body: latin1, headers: { 'content-type': contentType } }), 400, 'malformed-request');
      expect(problem['code']).toBe('BODY_NOT_UTF8');
    }
    // Valid UTF-8 with a byte order mark, and characters of every length, pass unchanged.
    const text = 'café ✓ 𝄞';
    const answer = await call('POST', '/v1/schools/16SW/scans', {
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ name: text }))]),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toEqual({ brin: '16SW', body: { name: text } });
  });

  it('400 naming the key for a __proto__ or constructor.prototype key, and "not valid JSON" only for what is not', async () => {
    for (const body of ['{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}']) {
      const problem = expectProblem(await call('POST', '/v1/schools/16SW/scans', { body, headers: { 'content-type': 'application/json' } }), 400, 'malformed-request');
      expect(problem).toMatchObject({ code: 'BODY_PROTOTYPE_KEY' });
    }
    const broken = expectProblem(await call('POST', '/v1/schools/16SW/scans', { body: '{"a":', headers: { 'content-type': 'application/json' } }), 400, 'malformed-request');
    expect(broken['detail']).toBe('The request body is not valid JSON.');
  });

  it('ignores a Content-Encoding on a request without a body', async () => {
    expect((await call('GET', '/v1/schools/16SW/scans', { headers: { 'content-encoding': 'gzip' } })).status).toBe(200);
  });
});
