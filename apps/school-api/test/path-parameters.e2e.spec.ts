import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationBody, registration, withdrawalBody } from './support/bodies.js';
import { call } from './support/http.js';
import { expectProblem, problemTypes } from './support/problems.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
let tokens: { ocw: string; school: string };

beforeAll(async () => {
  t = await startTestApi();
  tokens = { ocw: await t.token({ role: 'ocw' }), school: await t.token({ role: 'school', brin: '16SW' }) };
});
afterAll(async () => {
  await t?.close();
});

describe('a malformed path parameter', () => {
  it.each([
    { method: 'GET', path: '/v1/schools/16sw', who: 'ocw', body: undefined, pointer: '/brin' },
    { method: 'PUT', path: '/v1/schools/16sw', who: 'ocw', body: registration(), pointer: '/brin' },
    { method: 'POST', path: '/v1/schools/16SW/interventions/b3/withdrawals', who: 'school', body: withdrawalBody(), pointer: '/code' },
    { method: 'POST', path: '/v1/gemeenten/gm0363/allocations', who: 'ocw', body: allocationBody(), pointer: '/code' },
  ] as const)('$method $path is a 400 whose error points at $pointer', async ({ method, path, who, body, pointer }) => {
    const answer = await call(t.url, method, path, { token: tokens[who], ...(body === undefined ? {} : { json: body }), idempotencyKey: 'path-parameter' });
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(problem.errors).toEqual([{ in: 'path', pointer, code: 'invalid_format', message: expect.any(String) }]);
  });
});
