import { eventContracts, schoolPlanViewSchema, schoolStreamId, type Actor, type NewEvent } from '@npo/contracts';
import { schoolDecider, type SchoolCommand, type SchoolState } from '@npo/domain';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interventionBody, registration } from '../../test/support/bodies.js';
import { clientOf } from '../../test/support/http.js';
import { expectProblem } from '../../test/support/problems.js';
import { startTestApi, storedEvents, type TestApi } from '../../test/support/test-api.js';
import { UndecodableEventError } from './application-errors.js';
import { StreamCommandExecutor, type Decider } from './stream-command-executor.js';

/*
 * Events written under an older contract version stay in the store forever; the API must read them
 * through the contracts' upcasters. These tests write such events straight into the API's real SQLite
 * store (as an older release of the API did) and then use the API over HTTP.
 */

const BRIN = '16SW';
const STREAM = schoolStreamId(BRIN);
/** The 2021 pilot year, when InterventionChosen was still v1. */
const PILOT_YEAR = '2021-2022';
const school: Actor = { role: 'school', id: BRIN };
const ocwActor: Actor = { role: 'ocw', id: 'ocw' };

/** `npo.InterventionChosen` v1: one `targetDomain` where v2 has the list `targetDomains`. */
const chosenV1 = {
  brin: BRIN,
  schoolYear: PILOT_YEAR,
  code: 'B3',
  targetDomain: 'rekenen',
  plannedBudgetCents: 1_200_000,
  pupilsReached: 24,
};

const stored = (type: string, schemaVersion: number, data: unknown, actor: Actor = school): NewEvent => ({
  id: uuidv7(),
  type,
  schemaVersion,
  occurredAt: '2021-10-04T09:30:00.000Z',
  data,
  metadata: { correlationId: `pilot-${type}`, causationId: null, actor, idempotencyKey: null },
});

const registeredEvent = () =>
  stored('npo.SchoolRegistered', eventContracts['npo.SchoolRegistered'].currentVersion, { brin: BRIN, ...registration() }, ocwActor);

let t: TestApi;
let http: ReturnType<typeof clientOf>;
let ocw: string;
let schoolToken: string;

beforeEach(async () => {
  t = await startTestApi();
  http = clientOf(t.url);
  [ocw, schoolToken] = await Promise.all([t.token({ role: 'ocw' }), t.token({ role: 'school', brin: BRIN })]);
});
afterEach(async () => {
  await t?.close();
});

/** The plan of the pilot year as the school sees it, checked against the documented shape. */
async function pilotYearPlan() {
  const answer = await http.get(`/v1/schools/${BRIN}`, { token: schoolToken });
  expect(answer.status, answer.text).toBe(200);
  expect(schoolPlanViewSchema.safeParse(answer.body).success, answer.text).toBe(true);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the body was checked against the schema above
  return answer.body.years.find((y: any) => y.schoolYear === PILOT_YEAR);
}

describe('stored events of an older contract version', () => {
  it('a v1 InterventionChosen appended behind the API is upcast before a command and the plan query fold it', async () => {
    expect((await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() })).status).toBe(201);
    // Appended behind the API's back: its cached state of the school is now stale, so the command
    // below meets a version conflict and folds the v1 event while catching up.
    await t.api.store.append(STREAM, [stored('npo.InterventionChosen', 1, chosenV1)], { expectedVersion: 0 });

    // F1 (category F) is only allowed next to an active A-E choice: the upcast B3 is that choice.
    const chose = await http.post(`/v1/schools/${BRIN}/interventions`, {
      token: schoolToken,
      json: interventionBody('F1', { schoolYear: PILOT_YEAR, targetDomains: ['taal'], plannedBudgetCents: 300_000, pupilsReached: 40 }),
    });
    expect(chose.status, chose.text).toBe(201);
    expect(chose.body.streamVersion).toBe(2);

    const year = await pilotYearPlan();
    expect(year.activeChoices).toEqual([
      { code: 'B3', targetDomains: ['rekenen'], plannedBudgetCents: 1_200_000, pupilsReached: 24 },
      { code: 'F1', targetDomains: ['taal'], plannedBudgetCents: 300_000, pupilsReached: 40 },
    ]);
    expect(year.activeChoices[0]).not.toHaveProperty('targetDomain');
    expect(year.plannedBudgetCents).toBe(1_500_000);
    expect(year.planVersion).toBe(2);
    // The store keeps the event as it was written: upcasting happens on read only.
    const v1 = (await storedEvents(t.dataDir)).find((e) => e.type === 'npo.InterventionChosen' && e.streamPosition === 1);
    expect(v1).toMatchObject({ schemaVersion: 1, data: chosenV1 });
  });

  it('a stream the API has never read is folded from the start through the upcasters', async () => {
    await t.api.store.append(STREAM, [registeredEvent(), stored('npo.InterventionChosen', 1, chosenV1)], { expectedVersion: 'no_stream' });

    const year = await pilotYearPlan();
    expect(year.activeChoices).toEqual([{ code: 'B3', targetDomains: ['rekenen'], plannedBudgetCents: 1_200_000, pupilsReached: 24 }]);

    // The decider sees the upcast choice too: withdrawing it is allowed.
    const withdrew = await http.post(`/v1/schools/${BRIN}/interventions/B3/withdrawals`, {
      token: schoolToken,
      json: { schoolYear: PILOT_YEAR, reason: 'Pilot afgerond' },
    });
    expect(withdrew.status, withdrew.text).toBe(201);
    const after = await pilotYearPlan();
    expect(after.activeChoices).toEqual([]);
    expect(after.withdrawnCodes).toEqual(['B3']);
  });
});

describe('a stored event that cannot be decoded', () => {
  /** Claims v1 but carries v2 data: the v1 -> v2 upcaster refuses it. */
  const mislabelled = { ...chosenV1, targetDomain: undefined, targetDomains: ['rekenen'] };

  beforeEach(async () => {
    await t.api.store.append(STREAM, [registeredEvent(), stored('npo.InterventionChosen', 1, mislabelled)], { expectedVersion: 'no_stream' });
  });

  it('is a typed error naming the event, not a TypeError from the fold', async () => {
    const executor = new StreamCommandExecutor<SchoolCommand, SchoolState>(t.api.store, schoolDecider as Decider<SchoolCommand, SchoolState>, {
      clock: () => new Date(),
      newId: uuidv7,
    });
    const error = await executor.read(STREAM).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UndecodableEventError);
    const undecodable = error as UndecodableEventError;
    expect(undecodable).toMatchObject({ code: 'undecodable-event', streamId: STREAM, streamPosition: 1, eventType: 'npo.InterventionChosen', schemaVersion: 1 });
    expect(undecodable.reason).toMatch(/v1 data cannot be upcast/);
  });

  it('answers a read and a command with a 500 problem and records nothing', async () => {
    const read = expectProblem(await http.get(`/v1/schools/${BRIN}`, { token: schoolToken }), 500, 'urn:npo:problem:internal-error');
    expect(read.detail).toContain(STREAM);
    // The contract's reason stays in the log: it describes stored data, not the request.
    expect(read.detail).not.toMatch(/upcast|targetDomain/);

    const command = await http.post(`/v1/schools/${BRIN}/interventions`, { token: schoolToken, json: interventionBody('A2', { schoolYear: PILOT_YEAR }) });
    expectProblem(command, 500, 'urn:npo:problem:internal-error');
    expect((await storedEvents(t.dataDir)).map((e) => e.streamPosition)).toEqual([0, 1]);
  });
});
