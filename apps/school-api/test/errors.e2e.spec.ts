import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenService } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationBody, evaluationBody, interventionBody, mrDecisionBody, registration, scanBody, withdrawalBody } from './support/bodies.js';
import { call, clientOf, type HttpAnswer } from './support/http.js';
import { expectProblem, problemTypes } from './support/problems.js';
import { startTestApi, storedEvents, type TestApi } from './support/test-api.js';

const A = '16SW';
const B = '17XX';
const UNREGISTERED = '18YY';

let t: TestApi;
let http: ReturnType<typeof clientOf>;
const tokens: Record<'ocw' | 'admin' | 'schoolA' | 'schoolB' | 'unregistered' | 'gemeente' | 'researcher', string> = {
  ocw: '',
  admin: '',
  schoolA: '',
  schoolB: '',
  unregistered: '',
  gemeente: '',
  researcher: '',
};

beforeAll(async () => {
  t = await startTestApi();
  http = clientOf(t.url);
  tokens.ocw = await t.token({ role: 'ocw' });
  tokens.admin = await t.token({ role: 'admin' });
  tokens.schoolA = await t.token({ role: 'school', brin: A });
  tokens.schoolB = await t.token({ role: 'school', brin: B });
  tokens.unregistered = await t.token({ role: 'school', brin: UNREGISTERED });
  tokens.gemeente = await t.token({ role: 'gemeente', gemeente: 'GM0363' });
  tokens.researcher = await t.token({ role: 'researcher', sub: 'onderzoeker-1' });
  for (const brin of [A, B]) expect((await http.put(`/v1/schools/${brin}`, { token: tokens.ocw, json: registration() })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

/** Runs a refused request and checks that nothing was recorded because of it. */
async function refused(request: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  const before = (await storedEvents(t.dataDir)).length;
  const answer = await request();
  expect((await storedEvents(t.dataDir)).length, `events after ${answer.status}`).toBe(before);
  return answer;
}

describe('400 Bad Request', () => {
  it('malformed JSON', async () => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/interventions`, { token: tokens.schoolA, raw: '{"schoolYear": "2022-2023",', contentType: 'application/json' }));
    expectProblem(answer, 400, problemTypes.malformed);
  });

  it('an empty body labelled as JSON', async () => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/scans`, { token: tokens.schoolA, raw: '', contentType: 'application/json' }));
    expectProblem(answer, 400, problemTypes.malformed);
  });

  it('a body that fails the schema lists every issue in `errors` with a JSON pointer', async () => {
    const body = { ...interventionBody('B3', { plannedBudgetCents: -5, targetDomains: [] }), plannedBudget: 100 };
    const answer = await refused(() => http.post(`/v1/schools/${A}/interventions`, { token: tokens.schoolA, json: body }));
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(Array.isArray(problem.errors)).toBe(true);
    const pointers = problem.errors.map((e: { in: string; pointer: string }) => `${e.in}:${e.pointer}`).sort();
    // The unknown field is reported on the object itself (zod's unrecognized_keys).
    expect(pointers).toEqual(['body:', 'body:/plannedBudgetCents', 'body:/targetDomains']);
    for (const issue of problem.errors) {
      expect(typeof issue.code).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['scans', 'findings', () => scanBody({ findings: { ...scanBody().findings, sport: 'mild' } }), 'sport'],
    ['evaluations', 'measuredEffect', () => evaluationBody('B3', { measuredEffect: { effectSize: 0.2, pupils: 30, instrument: 'Cito', sd: 1.1 } }), 'sd'],
  ] as const)('an unknown key inside %s %s is refused, not dropped, naming the key', async (route, field, body, key) => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/${route}`, { token: tokens.schoolA, json: body() }));
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'body', pointer: `/${field}`, code: 'unrecognized_keys' })]);
    expect(problem.errors[0].message).toContain(key);
  });

  it.each([
    ['a school name of only a zero-width space', 'PUT', `/v1/schools/${A}`, 'ocw', registration({ name: '\u200B' }), '/name'],
    ['a school name with NUL', 'PUT', `/v1/schools/${A}`, 'ocw', registration({ name: 'OBS\u0000Regenboog' }), '/name'],
    ['a school name with a lone surrogate', 'PUT', `/v1/schools/${A}`, 'ocw', registration({ name: 'OBS \uD800' }), '/name'],
    ['a withdrawal reason of format characters only', 'POST', `/v1/schools/${A}/interventions/B3/withdrawals`, 'schoolA', withdrawalBody({ reason: '\u2060\uFEFF' }), '/reason'],
    ['an allocation basis with ESC', 'POST', `/v1/schools/${A}/allocations`, 'ocw', allocationBody(100, { basis: 'per\u001Bleerling' }), '/basis'],
    [
      'an instrument with a lone surrogate',
      'POST',
      `/v1/schools/${A}/evaluations`,
      'schoolA',
      evaluationBody('B3', { measuredEffect: { effectSize: 0.2, pupils: 30, instrument: '\uDC00' } }),
      '/measuredEffect/instrument',
    ],
  ] as const)('%s', async (_what, method, path, who, body, pointer) => {
    const answer = await refused(() => call(t.url, method, path, { token: tokens[who], json: body, idempotencyKey: 'text-check' }));
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(problem.errors.map((e: { in: string; pointer: string }) => `${e.in}:${e.pointer}`)).toEqual([`body:${pointer}`]);
  });

  it('a body of the wrong JSON type (an array)', async () => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/allocations`, { token: tokens.ocw, json: [allocationBody()] }));
    expectProblem(answer, 400, problemTypes.validation);
  });

  it.each([
    ['a BRIN', 'PUT', '/v1/schools/xx1', 'ocw', registration()],
    ['a menukaart code', 'POST', `/v1/schools/${A}/interventions/ZZ/withdrawals`, 'schoolA', withdrawalBody()],
    ['a gemeente code', 'POST', '/v1/gemeenten/GM12/allocations', 'ocw', allocationBody()],
  ] as const)('a malformed path parameter: %s', async (_what, method, path, who, body) => {
    const answer = await refused(() => call(t.url, method, path, { token: tokens[who], json: body }));
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(problem.errors.every((e: { in: string }) => e.in === 'path')).toBe(true);
  });

  it.each([
    ['too long', 'k'.repeat(201)],
    ['with a space', 'my key'],
  ])('an Idempotency-Key header that is %s', async (_what, key) => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/allocations`, { token: tokens.ocw, json: allocationBody(), idempotencyKey: key }));
    const problem = expectProblem(answer, 400, problemTypes.validation);
    expect(problem.errors).toEqual([expect.objectContaining({ in: 'header', pointer: '/Idempotency-Key' })]);
  });
});

describe('401 Unauthorized', () => {
  let foreignDir: string;
  beforeAll(async () => {
    foreignDir = await mkdtemp(join(tmpdir(), 'npo-foreign-key-'));
  });
  afterAll(async () => {
    await rm(foreignDir, { recursive: true, force: true });
  });

  const attempt = (headers: Record<string, string>) =>
    refused(() => call(t.url, 'POST', `/v1/schools/${A}/scans`, { headers, json: scanBody() }));

  it('without a token', async () => {
    const answer = await attempt({});
    expectProblem(answer, 401, problemTypes.unauthorized);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('with a token that is not a JWT', async () => {
    expectProblem(await attempt({ authorization: 'Bearer not.a.jwt' }), 401, problemTypes.unauthorized);
  });

  it('with another authentication scheme', async () => {
    expectProblem(await attempt({ authorization: `Basic ${Buffer.from('school:secret').toString('base64')}` }), 401, problemTypes.unauthorized);
  });

  it('with a token signed by another key', async () => {
    const foreign = await (await TokenService.fromDataDir(foreignDir)).issueToken({ role: 'school', brin: A });
    expectProblem(await attempt({ authorization: `Bearer ${foreign}` }), 401, problemTypes.unauthorized);
  });

  it('with an expired token', async () => {
    const anHourAgo = () => new Date(Date.now() - 3_600_000);
    const expired = await (await TokenService.fromDataDir(t.dataDir, anHourAgo)).issueToken({ role: 'school', brin: A }, { expiresIn: '10m' });
    const problem = expectProblem(await attempt({ authorization: `Bearer ${expired}` }), 401, problemTypes.unauthorized);
    expect(problem.detail).toMatch(/expired/);
  });

  it('on reads too', async () => {
    expectProblem(await http.get(`/v1/schools/${A}`), 401, problemTypes.unauthorized);
  });
});

describe('403 Forbidden', () => {
  it.each([
    ['a school registering itself (ocw/admin only)', 'PUT', `/v1/schools/${A}`, 'schoolA', registration()],
    ['a school allocating funds to itself', 'POST', `/v1/schools/${A}/allocations`, 'schoolA', allocationBody()],
    ['a school allocating to a gemeente', 'POST', '/v1/gemeenten/GM0363/allocations', 'schoolA', allocationBody()],
    ['ocw recording a scan for a school', 'POST', `/v1/schools/${A}/scans`, 'ocw', scanBody()],
    ['admin choosing an intervention for a school', 'POST', `/v1/schools/${A}/interventions`, 'admin', interventionBody('B3')],
    ['a researcher reading a school plan', 'GET', `/v1/schools/${A}`, 'researcher', undefined],
  ] as const)('wrong role: %s', async (_what, method, path, who, body) => {
    const answer = await refused(() => call(t.url, method, path, { token: tokens[who], ...(body ? { json: body } : {}) }));
    expectProblem(answer, 403, problemTypes.forbidden);
  });

  it.each([
    ['reads the plan', 'GET', `/v1/schools/${A}`, undefined],
    ['records a scan', 'POST', `/v1/schools/${A}/scans`, scanBody()],
    ['chooses an intervention', 'POST', `/v1/schools/${A}/interventions`, interventionBody('B3')],
    ['withdraws an intervention', 'POST', `/v1/schools/${A}/interventions/B3/withdrawals`, withdrawalBody()],
    ['records an MR decision', 'POST', `/v1/schools/${A}/mr-decisions`, mrDecisionBody()],
    ['evaluates', 'POST', `/v1/schools/${A}/evaluations`, evaluationBody('B3')],
    ['allocates to its own gemeente', 'POST', '/v1/gemeenten/GM0363/allocations', allocationBody()],
  ] as const)('the gemeente role %s on a school route', async (_what, method, path, body) => {
    const answer = await refused(() => call(t.url, method, path, { token: tokens.gemeente, ...(body ? { json: body } : {}) }));
    expectProblem(answer, 403, problemTypes.forbidden);
  });

  it.each([
    ['GET', `/v1/schools/${B}`, undefined],
    ['POST', `/v1/schools/${B}/scans`, scanBody()],
    ['POST', `/v1/schools/${B}/interventions`, interventionBody('B3')],
    ['POST', `/v1/schools/${B}/interventions/B3/withdrawals`, withdrawalBody()],
    ['POST', `/v1/schools/${B}/mr-decisions`, mrDecisionBody()],
    ['POST', `/v1/schools/${B}/evaluations`, evaluationBody('B3')],
  ] as const)(`cross-school: school ${A} calling %s %s`, async (method, path, body) => {
    const answer = await refused(() => call(t.url, method, path, { token: tokens.schoolA, ...(body ? { json: body } : {}) }));
    const problem = expectProblem(answer, 403, problemTypes.forbidden);
    expect(problem.detail).toContain(A);
  });
});

describe('404 Not Found', () => {
  it('reading a school that is not registered', async () => {
    expectProblem(await http.get(`/v1/schools/${UNREGISTERED}`, { token: tokens.ocw }), 404, problemTypes.notFound);
    expectProblem(await http.get(`/v1/schools/${UNREGISTERED}`, { token: tokens.unregistered }), 404, problemTypes.notFound);
  });

  it.each([
    ['a scan', 'scans', scanBody()],
    ['an intervention', 'interventions', interventionBody('B3')],
    ['an MR decision', 'mr-decisions', mrDecisionBody()],
  ])('recording %s for a school that is not registered', async (_what, route, body) => {
    const answer = await refused(() => http.post(`/v1/schools/${UNREGISTERED}/${route}`, { token: tokens.unregistered, json: body }));
    expect(expectProblem(answer, 404, problemTypes.notFound).rule).toBe('school-not-registered');
  });

  it('allocating funds to a school that is not registered', async () => {
    const answer = await refused(() =>
      http.post(`/v1/schools/${UNREGISTERED}/allocations`, { token: tokens.ocw, json: allocationBody(), idempotencyKey: 'alloc-unregistered-1' }),
    );
    expectProblem(answer, 404, problemTypes.notFound);
  });

  it('a route that does not exist', async () => {
    expectProblem(await http.get('/v1/nothing-here', { token: tokens.ocw }), 404, problemTypes.notFound);
  });
});

describe('413 and 415', () => {
  it('413 for a body over the configured limit (64 KiB by default)', async () => {
    const huge = withdrawalBody({ reason: 'x'.repeat(70 * 1024) });
    const answer = await refused(() => http.post(`/v1/schools/${A}/interventions/B3/withdrawals`, { token: tokens.schoolA, json: huge }));
    expectProblem(answer, 413, problemTypes.tooLarge);
  });

  it.each([
    ['text/plain', JSON.stringify(scanBody())],
    ['application/x-www-form-urlencoded', 'schoolYear=2022-2023'],
    ['application/xml', '<scan/>'],
  ])('415 for a %s body', async (contentType, raw) => {
    const answer = await refused(() => http.post(`/v1/schools/${A}/scans`, { token: tokens.schoolA, raw, contentType }));
    expectProblem(answer, 415, problemTypes.unsupportedMediaType);
  });
});

describe('422 Unprocessable Content names the broken rule', () => {
  // School A gets a scan and B3 + F1 in 2022-2023 first; school B stays without choices.
  beforeAll(async () => {
    for (const [path, body] of [
      ['scans', scanBody()],
      ['interventions', interventionBody('B3')],
      ['interventions', interventionBody('F1')],
    ] as const) {
      expect((await http.post(`/v1/schools/${A}/${path}`, { token: tokens.schoolA, json: body })).status).toBe(201);
    }
  });

  const inFiveDays = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

  it.each([
    ['menukaart-code-unknown', A, 'interventions', interventionBody('A1', { schoolYear: '2023-2024' })],
    ['school-year-outside-programme', A, 'interventions', interventionBody('B3', { schoolYear: '2019-2020' })],
    ['duplicate-active-choice', A, 'interventions', interventionBody('B3')],
    ['category-f-needs-a-to-e', B, 'interventions', interventionBody('F1')],
    ['choice-not-active', A, 'interventions/B5/withdrawals', withdrawalBody()],
    ['withdraw-leaves-f-alone', A, 'interventions/B3/withdrawals', withdrawalBody()],
    ['mr-needs-scan', A, 'mr-decisions', mrDecisionBody('approved', { schoolYear: '2023-2024' })],
    ['scan-after-school-year', A, 'scans', scanBody({ completedOn: '2023-08-15' })],
    ['date-in-future', A, 'mr-decisions', mrDecisionBody('approved', { decidedOn: inFiveDays })],
    ['evaluation-needs-chosen-intervention', A, 'evaluations', evaluationBody('B7')],
  ] as const)('%s', async (rule, brin, route, body) => {
    const token = brin === A ? tokens.schoolA : tokens.schoolB;
    const answer = await refused(() => http.post(`/v1/schools/${brin}/${route}`, { token, json: body }));
    const problem = expectProblem(answer, 422, problemTypes.ruleViolation);
    expect(problem.rule).toBe(rule);
    expect(problem.detail.length).toBeGreaterThan(0);
  });

  it('mr-needs-active-choice', async () => {
    // A year with a scan but no choice.
    expect((await http.post(`/v1/schools/${B}/scans`, { token: tokens.schoolB, json: scanBody() })).status).toBe(201);
    const answer = await refused(() => http.post(`/v1/schools/${B}/mr-decisions`, { token: tokens.schoolB, json: mrDecisionBody() }));
    expect(expectProblem(answer, 422, problemTypes.ruleViolation).rule).toBe('mr-needs-active-choice');
  });
});
