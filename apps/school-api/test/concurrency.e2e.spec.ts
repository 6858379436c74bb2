import { decodeEvent, type RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocationBody, interventionBody, registration, YEAR } from './support/bodies.js';
import { clientOf, type HttpAnswer } from './support/http.js';
import { expectProblem, problemTypes } from './support/problems.js';
import { newDataDir, removeDataDir, startTestApi, storedEvents, storeFileIn, type TestApi } from './support/test-api.js';

const BRIN = '16SW';
const STREAM = `school-${BRIN}`;
/** A-E codes of the 2022-2023 (v1) menukaart: no ordering rule between them. */
const codes = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'C1', 'C2', 'D1'];

let dataDir: string;
const running: TestApi[] = [];
const ownedStores: EventStore[] = [];

beforeEach(async () => {
  dataDir = await newDataDir();
});
afterEach(async () => {
  for (const api of running.splice(0)) await api.close();
  for (const store of ownedStores.splice(0)) await store.close();
  await removeDataDir(dataDir);
});

async function start(options: { store?: EventStore } = {}): Promise<TestApi> {
  const api = await startTestApi({ dataDir, ...options });
  running.push(api);
  return api;
}

const streamOf = (events: readonly RecordedEvent[]) => events.filter((e) => e.streamId === STREAM);
const isCreated = (a: HttpAnswer) => a.status === 201;

describe('concurrent commands on one school', () => {
  it('50 at once through one API: each decided on up-to-date state, none lost, positions contiguous', async () => {
    const t = await start();
    const http = clientOf(t.url);
    const [ocw, school] = await Promise.all([t.token({ role: 'ocw' }), t.token({ role: 'school', brin: BRIN })]);
    expect((await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);

    // 15 distinct choices, 5 of them sent twice (exactly one of each pair may win), 30 allocations.
    const requests: (() => Promise<HttpAnswer>)[] = [
      ...codes.map((code) => () => http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody(code) })),
      ...codes.slice(0, 5).map((code) => () => http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody(code) })),
      // Each allocation is a distinct one, so each has its own key (the API requires one on allocations).
      ...Array.from({ length: 30 }, (_, i) => () => http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(1_000_00 + i), idempotencyKey: `alloc-${i}` })),
    ];
    expect(requests).toHaveLength(50);
    const answers = await Promise.all(requests.map((r) => r()));

    const created = answers.filter(isCreated);
    const refused = answers.filter((a) => !isCreated(a));
    expect(created).toHaveLength(45);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(expectProblem(r, 422, problemTypes.ruleViolation).rule).toBe('duplicate-active-choice');

    const stream = streamOf(await storedEvents(dataDir));
    expect(stream.map((e) => e.streamPosition)).toEqual(stream.map((_, i) => i));
    expect(stream.slice(1).map((e) => e.id).sort()).toEqual(created.map((a) => a.body.eventId).sort());
    expect(created.map((a) => a.body.streamVersion).sort((a, b) => a - b)).toEqual(created.map((_, i) => i + 1));
    expect(stream.every((e) => decodeEvent(e).ok)).toBe(true);

    const plan = (await http.get(`/v1/schools/${BRIN}`, { token: school })).body.years.find((y: { schoolYear: string }) => y.schoolYear === YEAR);
    expect(plan.activeChoices.map((c: { code: string }) => c.code).sort()).toEqual([...codes].sort());
    expect(plan.allocations).toHaveLength(30);
    expect(plan.allocatedCents).toBe(Array.from({ length: 30 }, (_, i) => 1_000_00 + i).reduce((a, b) => a + b, 0));
    expect(plan.planVersion).toBe(15);
  });

  it('two API instances on one SQLite file: a stale cache is caught by the expected version and retried', async () => {
    const one = await start();
    const two = await start();
    const ocw = await one.token({ role: 'ocw' });
    const http1 = clientOf(one.url);
    const http2 = clientOf(two.url);
    expect((await http1.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);
    expect((await http1.get(`/v1/schools/${BRIN}`, { token: ocw })).status).toBe(200); // instance one caches version 0

    expect((await http2.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(500_00), idempotencyKey: 'alloc-two' })).body.streamVersion).toBe(1);
    const stale = await http1.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(700_00), idempotencyKey: 'alloc-one' });

    expect(stale.status).toBe(201);
    expect(stale.body.streamVersion).toBe(2);
    for (const http of [http1, http2]) {
      const year = (await http.get(`/v1/schools/${BRIN}`, { token: ocw })).body.years[0];
      expect(year.allocations.map((a: { amountCents: number }) => a.amountCents)).toEqual([500_00, 700_00]);
    }
  });

  it('two API instances on one SQLite file, 25 concurrent commands each: exactly the accepted ones are stored', async () => {
    const one = await start();
    const two = await start();
    const ocw = await one.token({ role: 'ocw' });
    const http1 = clientOf(one.url);
    const http2 = clientOf(two.url);
    expect((await http1.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);

    const amount = (instance: number, i: number) => instance * 10_000 + i + 1;
    const answers = await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => http1.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(amount(1, i)), idempotencyKey: `alloc-1-${i}` })),
      ...Array.from({ length: 25 }, (_, i) => http2.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(amount(2, i)), idempotencyKey: `alloc-2-${i}` })),
    ]);

    const created = answers.filter(isCreated);
    // Under this contention a request may exhaust its retries (409); anything else would be a bug.
    for (const a of answers.filter((x) => !isCreated(x))) expectProblem(a, 409, problemTypes.conflict);
    expect(created.length).toBeGreaterThan(0);

    const stream = streamOf(await storedEvents(dataDir));
    expect(stream.map((e) => e.streamPosition)).toEqual(stream.map((_, i) => i));
    expect(stream.slice(1).map((e) => e.id).sort()).toEqual(created.map((a) => a.body.eventId).sort());
    const storedAmounts = stream.slice(1).map((e) => (e.data as { amountCents: number }).amountCents);
    expect(new Set(storedAmounts).size).toBe(storedAmounts.length);
    for (const http of [http1, http2]) {
      const year = (await http.get(`/v1/schools/${BRIN}`, { token: ocw })).body.years[0];
      expect(year.allocatedCents).toBe(storedAmounts.reduce((a, b) => a + b, 0));
    }
  });

  it('409 when another writer wins every attempt: the retries are bounded and nothing of ours is recorded', async () => {
    // Instance "other" is a second API on the same file. Before each append of instance "ours", a real
    // HTTP command to "other" moves the stream on, so every attempt of ours meets a newer version.
    const other = await start();
    const ocw = await other.token({ role: 'ocw' });
    const otherHttp = clientOf(other.url);
    expect((await otherHttp.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);

    const sqlite = await openSqliteEventStore({ path: storeFileIn(dataDir) });
    ownedStores.push(sqlite);
    let interferences = 0;
    const contended: EventStore = {
      append: async (...args) => {
        interferences++;
        const moved = await otherHttp.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(interferences), idempotencyKey: `interference-${interferences}` });
        expect(moved.status).toBe(201);
        return sqlite.append(...args);
      },
      readStream: (...args) => sqlite.readStream(...args),
      readAll: (...args) => sqlite.readAll(...args),
      headPosition: () => sqlite.headPosition(),
      subscribeToAll: (...args) => sqlite.subscribeToAll(...args),
      subscribeToAllSerialized: (...args) => sqlite.subscribeToAllSerialized(...args),
      close: () => sqlite.close(),
    };
    const ours = await start({ store: contended });

    const answer = await clientOf(ours.url).post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(123_456_00), idempotencyKey: 'ours' });

    const problem = expectProblem(answer, 409, problemTypes.conflict);
    expect(problem).toMatchObject({ streamId: STREAM, attempts: 5 });
    expect(interferences).toBe(5);
    const stream = streamOf(await storedEvents(dataDir));
    expect(stream.map((e) => e.type)).toEqual(['npo.SchoolRegistered', ...Array.from({ length: 5 }, () => 'npo.FundsAllocated')]);
    expect(stream.some((e) => (e.data as { amountCents?: number }).amountCents === 123_456_00)).toBe(false);
  });
});
