import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationBody, interventionBody, registration, scanBody, withdrawalBody } from './support/bodies.js';
import { clientOf } from './support/http.js';
import { expectProblem, problemTypes } from './support/problems.js';
import { newDataDir, removeDataDir, startTestApi, storedEvents, type TestApi } from './support/test-api.js';

const BRIN = '16SW';

let dataDir: string;
let t: TestApi;
let http: ReturnType<typeof clientOf>;
let ocw: string;
let school: string;

beforeAll(async () => {
  dataDir = await newDataDir();
  t = await startTestApi({ dataDir });
  http = clientOf(t.url);
  ocw = await t.token({ role: 'ocw' });
  school = await t.token({ role: 'school', brin: BRIN });
  expect((await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await removeDataDir(dataDir);
});

const withKey = async (key: string) => (await storedEvents(dataDir)).filter((e) => e.metadata.idempotencyKey === key);

const GEMEENTE = 'GM0363';

/** Amounts allocated to the school, from a follow-up read of its plan. */
const allocatedAmounts = async (): Promise<number[]> =>
  (await http.get(`/v1/schools/${BRIN}`, { token: ocw })).body.years.flatMap((y: { allocations: { amountCents: number }[] }) => y.allocations.map((a) => a.amountCents));

describe('Idempotency-Key', () => {
  it.each([
    {
      route: 'POST /v1/schools/{brin}/interventions',
      send: (key?: string) => http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody('B3'), idempotencyKey: key }),
      key: 'choose-b3-1',
      // Without the key the same body would be a new command: a duplicate choice (422), proving the replay did not decide again.
      decidedOnce: async (send: (key?: string) => Promise<{ status: number }>) => expect((await send()).status).toBe(422),
    },
    {
      route: 'POST /v1/schools/{brin}/allocations',
      send: (key?: string) => http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(31_415_00), idempotencyKey: key }),
      key: 'alloc-school-retry-1',
      decidedOnce: async () => expect((await allocatedAmounts()).filter((a) => a === 31_415_00)).toHaveLength(1),
    },
    {
      route: 'POST /v1/gemeenten/{code}/allocations',
      send: (key?: string) => http.post(`/v1/gemeenten/${GEMEENTE}/allocations`, { token: ocw, json: allocationBody(2_718_000_00), idempotencyKey: key }),
      key: 'alloc-gemeente-retry-1',
      decidedOnce: async () => {
        const allocated = (await storedEvents(dataDir)).filter((e) => e.streamId === `gemeente-${GEMEENTE}` && (e.data as { amountCents: number }).amountCents === 2_718_000_00);
        expect(allocated).toHaveLength(1);
      },
    },
  ])('$route: a retried POST returns the first response, marked as replayed, and records one event', async ({ send, key, decidedOnce }) => {
    const first = await send(key);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await send(key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);

    const events = await withKey(key);
    expect(events.map((e) => e.id)).toEqual([first.body.eventId]);
    await decidedOnce(send);
  });

  it('a key reused with a different body is refused with 422 and records nothing', async () => {
    const key = 'alloc-2022-1';
    const first = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(100_000_00), idempotencyKey: key });
    expect(first.status).toBe(201);

    const reused = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(999_00), idempotencyKey: key });
    const problem = expectProblem(reused, 422, problemTypes.idempotencyKeyReused);
    expect(problem.detail).toContain(key);
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await withKey(key)).map((e) => e.id)).toEqual([first.body.eventId]);
  });

  it('a key reused on another route of the same school is a different request too', async () => {
    const key = 'shared-key-1';
    expect((await http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody('B5'), idempotencyKey: key })).status).toBe(201);
    const other = await http.post(`/v1/schools/${BRIN}/interventions/B5/withdrawals`, { token: school, json: withdrawalBody(), idempotencyKey: key });
    expectProblem(other, 422, problemTypes.idempotencyKeyReused);
    expect(await withKey(key)).toHaveLength(1);
  });

  it('a retry with the same fields in another order is the same request (canonical fingerprint)', async () => {
    const key = 'alloc-reordered-1';
    const body = allocationBody(12_34);
    const first = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: body, idempotencyKey: key });
    expect(first.status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));

    const retry = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: reordered, idempotencyKey: key });

    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await withKey(key)).toHaveLength(1);
  });

  it('a keyed request that changed nothing (200) claims its key: same request replays the 200, another is refused', async () => {
    const key = 'put-unchanged-1';
    const noOp = await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration(), idempotencyKey: key });
    expect(noOp.status, noOp.text).toBe(200);

    const other = await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration({ pupils: 250 }), idempotencyKey: key });
    expect(expectProblem(other, 422, problemTypes.idempotencyKeyReused).code).toBe('IDEMPOTENCY_KEY_REUSED');

    const retry = await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration(), idempotencyKey: key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(noOp.body);
    expect(await withKey(key)).toHaveLength(0);
  });

  it('a key is the caller\'s across streams: allocations to school A, then school B, then a gemeente record one, also after a restart', async () => {
    const key = 'tranche-cross-1';
    const OTHER = '17XX';
    expect((await http.put(`/v1/schools/${OTHER}`, { token: ocw, json: registration() })).status).toBe(201);
    const first = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(5_00), idempotencyKey: key });
    expect(first.status).toBe(201);

    const toB = await http.post(`/v1/schools/${OTHER}/allocations`, { token: ocw, json: allocationBody(5_00), idempotencyKey: key });
    expectProblem(toB, 422, problemTypes.idempotencyKeyReused);

    await t.close();
    t = await startTestApi({ dataDir });
    http = clientOf(t.url);

    const toGemeente = await http.post(`/v1/gemeenten/${GEMEENTE}/allocations`, { token: ocw, json: allocationBody(5_00), idempotencyKey: key });
    expectProblem(toGemeente, 422, problemTypes.idempotencyKeyReused);
    const retry = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(5_00), idempotencyKey: key });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await withKey(key)).map((e) => e.id)).toEqual([first.body.eventId]);

    // Another caller (token subject) has keys of its own.
    const otherOcw = await t.token({ role: 'ocw', sub: 'ocw-tweede-medewerker' });
    expect((await http.post(`/v1/schools/${OTHER}/allocations`, { token: otherOcw, json: allocationBody(5_00), idempotencyKey: key })).status).toBe(201);
  });

  it('two callers acting for one school (two token subjects) each have their own keys, also on the school\'s stream', async () => {
    const teacherA = await t.token({ role: 'school', brin: BRIN, sub: 'teacher-a' });
    const teacherB = await t.token({ role: 'school', brin: BRIN, sub: 'teacher-b' });
    const key = 'plan-step-1';
    const a = await http.post(`/v1/schools/${BRIN}/interventions`, { token: teacherA, json: interventionBody('C1'), idempotencyKey: key });
    expect(a.status).toBe(201);
    // Another request under a key only teacher A used: teacher B's own, recorded (it was a 422 key-reused).
    const b = await http.post(`/v1/schools/${BRIN}/interventions`, { token: teacherB, json: interventionBody('C2'), idempotencyKey: key });
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect((await withKey(key)).map((e) => (e.data as { code: string }).code)).toEqual(['C1', 'C2']);
    // After a restart (keys read back from the events): each one's retry replays its own answer.
    await t.close();
    t = await startTestApi({ dataDir });
    http = clientOf(t.url);
    const retryB = await http.post(`/v1/schools/${BRIN}/interventions`, { token: teacherB, json: interventionBody('C2'), idempotencyKey: key });
    expect(retryB.status).toBe(201);
    expect(retryB.body).toEqual(b.body);
    const retryA = await http.post(`/v1/schools/${BRIN}/interventions`, { token: teacherA, json: interventionBody('C1'), idempotencyKey: key });
    expect(retryA.body).toEqual(a.body);
    expect(await withKey(key)).toHaveLength(2);
  });

  it('concurrent retries with one key record one event; every caller gets the same answer', async () => {
    const key = 'burst-1';
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(42_00), idempotencyKey: key })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(11);
    expect(await withKey(key)).toHaveLength(1);
  });

  it('replays after a restart: the key is read back from the stored event metadata', async () => {
    const key = 'before-restart';
    const first = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(7_00), idempotencyKey: key });
    expect(first.status).toBe(201);

    await t.close();
    t = await startTestApi({ dataDir });
    http = clientOf(t.url);

    const retry = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(7_00), idempotencyKey: key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await withKey(key)).toHaveLength(1);
  });
});

describe('Idempotency-Key is required on allocations', () => {
  it.each([
    { route: 'POST /v1/schools/{brin}/allocations', path: `/v1/schools/${BRIN}/allocations`, stream: `school-${BRIN}` },
    { route: 'POST /v1/gemeenten/{code}/allocations', path: `/v1/gemeenten/${GEMEENTE}/allocations`, stream: `gemeente-${GEMEENTE}` },
  ])('$route without one is refused with 428 and records nothing', async ({ path, stream }) => {
    const amount = 1_618_00;
    const before = await storedEvents(dataDir);
    const amountsBefore = await allocatedAmounts();

    const answer = await http.post(path, { token: ocw, json: allocationBody(amount) });

    const problem = expectProblem(answer, 428, problemTypes.preconditionRequired);
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(problem.instance).toBe(path);
    expect(problem.detail).toMatch(/Idempotency-Key/);
    expect(problem.detail).toMatch(/unique to this allocation/);
    expect(problem.detail).toMatch(/same key again when retrying/);
    const after = await storedEvents(dataDir);
    expect(after).toHaveLength(before.length);
    expect(after.filter((e) => e.streamId === stream)).toEqual(before.filter((e) => e.streamId === stream));
    expect(await allocatedAmounts()).toEqual(amountsBefore);
  });

  it('stays optional on the other commands', async () => {
    const answer = await http.post(`/v1/schools/${BRIN}/scans`, { token: school, json: scanBody() });
    expect(answer.status, answer.text).toBe(201);
  });
});
