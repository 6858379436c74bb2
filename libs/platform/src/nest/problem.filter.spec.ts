import { Writable } from 'node:stream';
import type { ArgumentsHost } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ErrorMappings, mapError, mapErrorCode } from '../errors/error-mappings.js';
import { ForbiddenError, HttpMappedError, NotFoundError, RequestValidationError, RuleViolationError } from '../errors/http-mapped-error.js';
import { problems } from '../errors/problem.js';
import { createLogger } from '../logging/logger.js';
import { ProblemFilter } from './problem.filter.js';

class StoreConflict extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
}
class AppError extends Error {}

const silent = createLogger({
  name: 'problem-filter-spec',
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary members
  readonly body: any;
}

/** Runs the filter on one error as if it had been thrown while handling `GET /v1/reports/GM0363?x=1`. */
function answerTo(exception: unknown, mappings = new ErrorMappings()): Answer {
  const request = { id: 'req-1', url: '/v1/reports/GM0363?x=1', headers: {}, server: { initialConfig: {} } } as unknown as FastifyRequest;
  let status = 0;
  let headers: Record<string, string> = {};
  let sent = '';
  const reply = {
    sent: false,
    status(code: number) {
      status = code;
      return reply;
    },
    headers(h: Record<string, string>) {
      headers = { ...headers, ...h };
      return reply;
    },
    type(t: string) {
      headers = { ...headers, 'content-type': t };
      return reply;
    },
    send(payload: string) {
      sent = payload;
      return reply;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply as unknown as FastifyReply }),
  } as unknown as ArgumentsHost;
  new ProblemFilter(mappings, silent).catch(exception, host);
  return { status, headers, body: JSON.parse(sent) };
}

describe('ProblemFilter: the code of an HttpMappedError', () => {
  it('is written as the `code` extension, beside the unchanged standard members', () => {
    const answer = answerTo(new ForbiddenError('A gemeente may only read its own report (GM0363).', 'NOT_OWN_GEMEENTE'));
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toEqual({
      type: 'urn:npo:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'A gemeente may only read its own report (GM0363).',
      instance: '/v1/reports/GM0363',
      correlationId: 'req-1',
      code: 'NOT_OWN_GEMEENTE',
    });
  });

  it('tells apart errors of the same kind', () => {
    const notOwn = answerTo(new ForbiddenError('no', 'NOT_OWN_GEMEENTE')).body;
    const adHoc = answerTo(new ForbiddenError('no', 'AD_HOC_NOT_ALLOWED')).body;
    expect(notOwn.type).toBe(adHoc.type);
    expect([notOwn.code, adHoc.code]).toEqual(['NOT_OWN_GEMEENTE', 'AD_HOC_NOT_ALLOWED']);
    expect(answerTo(new NotFoundError('No report has been released yet.', 'NO_RELEASE')).body.code).toBe('NO_RELEASE');
    // The default code of a class when the thrower names none.
    expect(answerTo(new ForbiddenError('no')).body.code).toBe('FORBIDDEN');
  });

  it('sits beside the error\'s own extensions without changing them', () => {
    const rule = answerTo(new RuleViolationError('mr-needs-scan', 'MR consent needs a completed scan.')).body;
    expect(rule).toMatchObject({ type: 'urn:npo:problem:rule-violation', rule: 'mr-needs-scan', code: 'RULE_VIOLATION' });
    const issues = [{ in: 'body', pointer: '/count', code: 'invalid_type', message: 'expected a number' }];
    const invalid = answerTo(new RequestValidationError(issues)).body;
    expect(invalid).toMatchObject({ type: 'urn:npo:problem:validation-failed', code: 'VALIDATION_FAILED', errors: issues });
  });

  it('never replaces a `code` extension the problem sets itself', () => {
    const error = new HttpMappedError('OUTER', { status: 409, kind: 'conflict', detail: 'x', extensions: { code: 'FROM_PROBLEM' } });
    expect(answerTo(error).body.code).toBe('FROM_PROBLEM');
  });

  it('is absent when the error has none', () => {
    const error = new HttpMappedError('', problems.conflict('changed meanwhile'));
    expect(answerTo(error).body).not.toHaveProperty('code');
  });
});

describe('ProblemFilter: errors without an HttpMappedError code get no `code` member', () => {
  it('an unexpected error (500)', () => {
    const answer = answerTo(new Error('secret internals'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      type: 'urn:npo:problem:internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred. Quote the correlationId when reporting it.',
      instance: '/v1/reports/GM0363',
      correlationId: 'req-1',
    });
  });

  it('an app mapping decides the whole problem, also for an error that carries an internal code', () => {
    const mappings = new ErrorMappings([
      mapError(AppError, (e) => problems.notFound(e.message)),
      mapErrorCode('WRONG_EXPECTED_VERSION', () => problems.conflict('The school changed meanwhile; retry.', { streamId: 'school-16SW' })),
      // An app may re-map a platform error; its problem is then what the client sees.
      mapError(ForbiddenError, () => problems.notFound('No such report.')),
    ]);
    expect(answerTo(new AppError('gone'), mappings).body).not.toHaveProperty('code');
    const conflict = answerTo(new StoreConflict('expected 3, at 4'), mappings).body;
    expect(conflict).toMatchObject({ status: 409, streamId: 'school-16SW' });
    expect(conflict).not.toHaveProperty('code');
    const remapped = answerTo(new ForbiddenError('hidden', 'NOT_OWN_GEMEENTE'), mappings).body;
    expect(remapped).toMatchObject({ status: 404, detail: 'No such report.' });
    expect(remapped).not.toHaveProperty('code');
  });
});
