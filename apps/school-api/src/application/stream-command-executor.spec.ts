import { createHash } from 'node:crypto';
import { schoolStreamId, type Actor } from '@npo/contracts';
import { DomainRuleViolation, schoolDecider, type SchoolCommand, type SchoolState } from '@npo/domain';
import type { EventStore } from '@npo/event-store';
import { createInMemoryEventStore } from '@npo/event-store/testing';
import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyExhaustedError, IdempotencyKeyReusedError } from './application-errors.js';
import { InMemoryIdempotencyKeys, type IdempotencyKeys } from './idempotency-keys.js';
import { StreamCommandExecutor, type CommandMeta, type Decider, type ExecutorOptions } from './stream-command-executor.js';

const BRIN = '16SW';
const STREAM = schoolStreamId(BRIN);
const YEAR = '2022-2023';
const ocw: Actor = { role: 'ocw', id: 'ocw' };
const school: Actor = { role: 'school', id: BRIN };
const clock = () => new Date('2024-06-01T10:00:00Z');

const register = (name = 'De Regenboog', brin = BRIN): SchoolCommand => ({
  type: 'RegisterSchool',
  actor: ocw,
  data: { brin, name, sector: 'bo', gemeente: 'GM0363', pupils: 240, achterstandsscore: 31.5 },
});
const allocate = (amountCents: number): SchoolCommand => ({
  type: 'AllocateFunds',
  actor: ocw,
  data: { brin: BRIN, schoolYear: YEAR, amountCents, basis: 'NPO-bekostiging' },
});
const choose = (code: string): SchoolCommand => ({
  type: 'ChooseIntervention',
  actor: school,
  data: { brin: BRIN, schoolYear: YEAR, code, plannedBudgetCents: 1_000_00, pupilsReached: 30, targetDomains: ['rekenen'] },
});
const withdraw = (code: string): SchoolCommand => ({
  type: 'WithdrawIntervention',
  actor: school,
  data: { brin: BRIN, schoolYear: YEAR, code, reason: 'past niet' },
});
const scan = (): SchoolCommand => ({
  type: 'CompleteScan',
  actor: school,
  data: {
    brin: BRIN,
    schoolYear: YEAR,
    completedOn: '2022-05-10',
    findings: { rekenen: 'severe', taal: 'mild', lezen: 'none', executieveFuncties: 'none', sociaalEmotioneel: 'mild', welbevinden: 'none' },
  },
});
const approve = (): SchoolCommand => ({
  type: 'DecideMr',
  actor: school,
  data: { brin: BRIN, schoolYear: YEAR, decision: 'approved', decidedOn: '2022-06-20' },
});

let correlation = 0;
const meta = (actor: Actor, idempotency?: { key: string; hash: string }): CommandMeta => ({
  actor,
  correlationId: `req-${++correlation}`,
  causationId: null,
  idempotencyKey: idempotency?.key ?? null,
  requestHash: idempotency?.hash ?? null,
  keyScope: `${actor.role}:${actor.id}`,
});

const executorOn = (store: EventStore, options: Partial<ExecutorOptions> = {}) =>
  new StreamCommandExecutor<SchoolCommand, SchoolState>(store, schoolDecider as Decider<SchoolCommand, SchoolState>, {
    clock,
    newId: uuidv7,
    ...options,
  });

/** The real store, with its append routed through `append` (to count attempts or let another writer in first). */
function withAppend(store: EventStore, append: EventStore['append']): EventStore {
  return {
    append,
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    headPosition: () => store.headPosition(),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    subscribeToAllSerialized: (...args) => store.subscribeToAllSerialized(...args),
    close: () => store.close(),
  };
}

function countingAppends(store: EventStore): { store: EventStore; appends: () => number } {
  let appends = 0;
  return {
    appends: () => appends,
    store: withAppend(store, (...args) => {
      appends++;
      return store.append(...args);
    }),
  };
}

const positions = async (store: EventStore) => (await store.readStream(STREAM)).map((e) => e.streamPosition);
const types = async (store: EventStore) => (await store.readStream(STREAM)).map((e) => e.type);

describe('StreamCommandExecutor', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createInMemoryEventStore({ clock });
  });

  it('appends the decided events with the request metadata and answers with their positions', async () => {
    const executor = executorOn(store);
    const m = meta(ocw, { key: 'k-1', hash: 'h-1' });
    const reply = await executor.execute(STREAM, register(), m);

    const [stored, ...rest] = await store.readStream(STREAM);
    expect(rest).toHaveLength(0);
    expect(reply).toEqual({ created: true, replayed: false, eventIds: [stored!.id], streamVersion: 0, globalPosition: stored!.globalPosition });
    expect(stored!.type).toBe('npo.SchoolRegistered');
    expect(stored!.occurredAt).toBe(clock().toISOString());
    expect(stored!.metadata).toEqual({
      correlationId: m.correlationId,
      causationId: null,
      actor: ocw,
      idempotencyKey: 'k-1',
      requestHash: 'h-1',
      keyScope: createHash('sha256').update(m.keyScope).digest('base64url'),
    });
  });

  it('a refusal on a stream that did not move is passed on and records nothing', async () => {
    const executor = executorOn(store);
    await executor.execute(STREAM, register(), meta(ocw));
    const error = await executor.execute(STREAM, withdraw('B3'), meta(school)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainRuleViolation);
    expect((error as DomainRuleViolation).rule).toBe('choice-not-active');
    expect(await positions(store)).toEqual([0]);
  });

  describe('another process writing the same stream (a second executor on the same store)', () => {
    it('retries after a version conflict on state reloaded from the store, without losing the other write', async () => {
      const { store: counted, appends } = countingAppends(store);
      const here = executorOn(counted);
      const elsewhere = executorOn(store);
      await here.execute(STREAM, register(), meta(ocw)); // `here` now caches version 0
      await elsewhere.execute(STREAM, allocate(500_00), meta(ocw)); // the stream moves to 1 behind its back

      const reply = await here.execute(STREAM, allocate(700_00), meta(ocw));

      // One append with the stale expected version, one after reloading.
      expect(appends()).toBe(3);
      expect(reply.created).toBe(true);
      expect(reply.streamVersion).toBe(2);
      expect(await positions(store)).toEqual([0, 1, 2]);
      const { state } = await here.read(STREAM);
      const plan = state.years.get(YEAR);
      expect(plan?.allocations.map((a) => a.amountCents)).toEqual([500_00, 700_00]);
    });

    it('gives up after maxAttempts conflicts with ConcurrencyExhaustedError and records nothing of its own', async () => {
      const elsewhere = executorOn(store);
      let interference = 0;
      // Before each of our appends, the other process appends first: every attempt meets a new version.
      const contended = withAppend(store, async (...args) => {
        interference++;
        await elsewhere.execute(STREAM, allocate(interference * 100), meta(ocw));
        return store.append(...args);
      });
      await elsewhere.execute(STREAM, register(), meta(ocw));
      const here = executorOn(contended, { maxAttempts: 3 });

      const error = await here.execute(STREAM, choose('B3'), meta(school)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConcurrencyExhaustedError);
      expect(error).toMatchObject({ code: 'concurrency-conflict', streamId: STREAM, attempts: 3 });
      expect(interference).toBe(3);
      expect(await types(store)).toEqual(['npo.SchoolRegistered', 'npo.FundsAllocated', 'npo.FundsAllocated', 'npo.FundsAllocated']);
    });

    it('makes five attempts by default', async () => {
      const elsewhere = executorOn(store);
      let attempts = 0;
      const contended = withAppend(store, async (...args) => {
        attempts++;
        await elsewhere.execute(STREAM, allocate(attempts * 100), meta(ocw));
        return store.append(...args);
      });
      await elsewhere.execute(STREAM, register(), meta(ocw));
      await expect(executorOn(contended).execute(STREAM, allocate(1), meta(ocw))).rejects.toBeInstanceOf(ConcurrencyExhaustedError);
      expect(attempts).toBe(5);
    });

    it('does not retry other store errors', async () => {
      let attempts = 0;
      const failing = withAppend(store, async () => {
        attempts++;
        throw new Error('disk full');
      });
      await executorOn(store).execute(STREAM, register(), meta(ocw));
      await expect(executorOn(failing).execute(STREAM, allocate(1), meta(ocw))).rejects.toThrow('disk full');
      expect(attempts).toBe(1);
    });

    it('checks a refusal made on a stale cache again on caught-up state', async () => {
      const here = executorOn(store);
      const elsewhere = executorOn(store);
      await here.execute(STREAM, register(), meta(ocw));
      // Elsewhere the school chooses an A-E intervention; `here` still caches a plan without one.
      await elsewhere.execute(STREAM, choose('B3'), meta(school));

      // On the stale state, F alone is refused (category-f-needs-a-to-e); on the real state it is fine.
      const reply = await here.execute(STREAM, choose('F1'), meta(school));

      expect(reply.created).toBe(true);
      expect(reply.streamVersion).toBe(2);
      expect(await types(store)).toEqual(['npo.SchoolRegistered', 'npo.InterventionChosen', 'npo.InterventionChosen']);
    });

    it('passes on a refusal that still holds on caught-up state', async () => {
      const here = executorOn(store);
      const elsewhere = executorOn(store);
      await here.execute(STREAM, register(), meta(ocw));
      await elsewhere.execute(STREAM, allocate(100), meta(ocw));

      const error = await here.execute(STREAM, choose('F1'), meta(school)).catch((e: unknown) => e);

      expect((error as DomainRuleViolation).rule).toBe('category-f-needs-a-to-e');
      expect(await positions(store)).toEqual([0, 1]);
    });

    it('checks a no-op decided on a stale cache again: consent after a change elsewhere is recorded, not dropped', async () => {
      const here = executorOn(store);
      const elsewhere = executorOn(store);
      for (const c of [register(), scan(), choose('B3'), approve()]) {
        await here.execute(STREAM, c, meta(c.actor));
      }
      // Elsewhere a second choice puts the plan back to "needs consent"; `here` still caches "approved".
      await elsewhere.execute(STREAM, choose('B1'), meta(school));

      const reply = await here.execute(STREAM, approve(), meta(school));

      expect(reply.created).toBe(true);
      const events = await store.readStream(STREAM);
      expect(events.map((e) => e.type).slice(-2)).toEqual(['npo.InterventionChosen', 'npo.MrApproved']);
      expect((events.at(-1)!.data as { planVersion: number }).planVersion).toBe(2);
    });

    it('replays a request the other process already recorded under the same Idempotency-Key', async () => {
      const here = executorOn(store);
      const elsewhere = executorOn(store);
      await here.execute(STREAM, register(), meta(ocw)); // `here` caches version 0, before the keyed request
      const key = { key: 'alloc-2022', hash: 'hash-a' };
      const first = await elsewhere.execute(STREAM, allocate(900_00), meta(ocw, key));

      const again = await here.execute(STREAM, allocate(900_00), meta(ocw, key));

      expect(again).toEqual({ ...first, replayed: true });
      expect(await types(store)).toEqual(['npo.SchoolRegistered', 'npo.FundsAllocated']);
    });
  });

  describe('Idempotency-Key', () => {
    it('a repeated key with the same request returns the first reply and appends nothing', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      const key = { key: 'choose-b3', hash: 'hash-1' };
      const first = await executor.execute(STREAM, choose('B3'), meta(school, key));
      const second = await executor.execute(STREAM, choose('B3'), meta(school, key));

      expect(first).toMatchObject({ created: true, replayed: false });
      expect(second).toEqual({ ...first, replayed: true });
      expect(await positions(store)).toEqual([0, 1]);
    });

    it('replays from the store too: a fresh executor (after a restart) folds the replies from event metadata', async () => {
      const key = { key: 'alloc-1', hash: 'hash-1' };
      const first = await executorOn(store).execute(STREAM, register(), meta(ocw, key));
      const restarted = executorOn(store);
      expect(await restarted.execute(STREAM, register(), meta(ocw, key))).toEqual({ ...first, replayed: true });
      expect(await positions(store)).toEqual([0]);
    });

    it('survives eviction from the state cache', async () => {
      const executor = executorOn(store, { cacheSize: 1 });
      const key = { key: 'k', hash: 'h' };
      const first = await executor.execute(STREAM, register(), meta(ocw, key));
      await executor.execute(schoolStreamId('17XX'), register('De Linde', '17XX'), meta(ocw));
      expect(await executor.execute(STREAM, register(), meta(ocw, key))).toEqual({ ...first, replayed: true });
    });

    it('a key reused for a different request is refused with IdempotencyKeyReusedError', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      await executor.execute(STREAM, allocate(100_00), meta(ocw, { key: 'k', hash: 'hash-100' }));

      const error = await executor.execute(STREAM, allocate(200_00), meta(ocw, { key: 'k', hash: 'hash-200' })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(error).toMatchObject({ code: 'idempotency-key-reused', idempotencyKey: 'k' });
      expect(await positions(store)).toEqual([0, 1]);
    });

    it('scopes keys per actor: the same key from another actor is a new request', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      const admin: Actor = { role: 'admin', id: 'admin' };
      await executor.execute(STREAM, allocate(100), meta(ocw, { key: 'shared', hash: 'h' }));
      const other = await executor.execute(STREAM, register('Nieuwe naam'), meta(admin, { key: 'shared', hash: 'h' }));
      expect(other).toMatchObject({ created: true, replayed: false, streamVersion: 2 });
    });
  });

  describe('Idempotency-Key across streams and no-ops', () => {
    const allocateTo = (brin: string, amountCents: number): SchoolCommand => ({
      type: 'AllocateFunds',
      actor: ocw,
      data: { brin, schoolYear: YEAR, amountCents, basis: 'NPO-bekostiging' },
    });
    const OTHER = schoolStreamId('17XX');

    it('a no-op claims its key: the same request replays the no-op (not created), another request is refused', async () => {
      const executor = executorOn(store);
      const first = await executor.execute(STREAM, register(), meta(ocw));
      const noOp = await executor.execute(STREAM, register(), meta(ocw, { key: 'k', hash: 'put-same' }));
      expect(noOp).toMatchObject({ created: false, replayed: false, eventIds: first.eventIds });

      const other = await executor.execute(STREAM, register('Nieuwe naam'), meta(ocw, { key: 'k', hash: 'put-other' })).catch((e: unknown) => e);
      expect(other).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await executor.execute(STREAM, register(), meta(ocw, { key: 'k', hash: 'put-same' }))).toEqual({ ...noOp, replayed: true });
      expect(await positions(store)).toEqual([0]);
    });

    it('a key is the caller\'s, not the stream\'s: reuse with another request on another stream is refused', async () => {
      const keys = new InMemoryIdempotencyKeys();
      const executor = executorOn(store, { keys });
      await executor.execute(STREAM, register(), meta(ocw));
      await executor.execute(OTHER, register('De Linde', '17XX'), meta(ocw));
      await executor.execute(STREAM, allocateTo(BRIN, 100_00), meta(ocw, { key: 'tranche-1', hash: 'to-16SW' }));

      const error = await executor.execute(OTHER, allocateTo('17XX', 100_00), meta(ocw, { key: 'tranche-1', hash: 'to-17XX' })).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect((await store.readStream(OTHER)).map((e) => e.type)).toEqual(['npo.SchoolRegistered']);
    });

    it('another caller may use the same key', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      const admin: Actor = { role: 'ocw', id: 'ocw-2' };
      await executor.execute(STREAM, allocate(100_00), meta(ocw, { key: 'k', hash: 'a' }));
      expect(await executor.execute(STREAM, allocate(200_00), meta(admin, { key: 'k', hash: 'b' }))).toMatchObject({ created: true, replayed: false });
    });

    it('callers acting for one actor keep their keys apart, in the key table and in the stream alike', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      const as = (subject: string, key: string, hash: string): CommandMeta => ({ ...meta(ocw, { key, hash }), keyScope: `ocw:${subject}` });
      // The same key with another request, and with the same request: each caller's own, both recorded.
      await executor.execute(STREAM, allocate(100_00), as('clerk-a', 'k', 'a'));
      expect(await executor.execute(STREAM, allocate(200_00), as('clerk-b', 'k', 'b'))).toMatchObject({ created: true, replayed: false });
      await executor.execute(STREAM, allocate(300_00), as('clerk-a', 'same', 'alloc-300'));
      expect(await executor.execute(STREAM, allocate(300_00), as('clerk-b', 'same', 'alloc-300'))).toMatchObject({ created: true, replayed: false });
      expect(await types(store)).toEqual(['npo.SchoolRegistered', ...Array<string>(4).fill('npo.FundsAllocated')]);

      // The key table lost (a power cut takes its last writes): each caller's retry replays its own events from the stream.
      const restarted = executorOn(store, { keys: new InMemoryIdempotencyKeys() });
      expect(await restarted.execute(STREAM, allocate(200_00), as('clerk-b', 'k', 'b'))).toMatchObject({ replayed: true, streamVersion: 2 });
      expect(await restarted.execute(STREAM, allocate(300_00), as('clerk-a', 'same', 'alloc-300'))).toMatchObject({ replayed: true, streamVersion: 3 });
      expect(await restarted.execute(STREAM, allocate(300_00), as('clerk-b', 'same', 'alloc-300'))).toMatchObject({ replayed: true, streamVersion: 4 });
      expect((await store.readStream(STREAM)).length).toBe(5);
      // The metadata tells the callers apart without naming them.
      const scopes = (await store.readStream(STREAM)).slice(1).map((e) => e.metadata.keyScope);
      expect(new Set(scopes).size).toBe(2);
      expect(scopes.every((s) => typeof s === 'string' && !s.includes('clerk'))).toBe(true);
    });

    it('a key on an event recorded before the metadata kept its scope is the actor\'s: replayed, or refused for another request', async () => {
      await executorOn(store).execute(STREAM, register(), meta(ocw));
      const old = { correlationId: 'c', causationId: null, actor: ocw, idempotencyKey: 'old-key', requestHash: 'h' };
      await store.append(STREAM, [{ id: uuidv7(), type: 'npo.FundsAllocated', schemaVersion: 1, occurredAt: '2024-01-01T00:00:00.000Z', data: allocate(100_00).data, metadata: old }], {
        expectedVersion: 0,
      });
      const executor = executorOn(store);
      expect(await executor.execute(STREAM, allocate(100_00), meta(ocw, { key: 'old-key', hash: 'h' }))).toMatchObject({ replayed: true, streamVersion: 1 });
      expect(await executor.execute(STREAM, allocate(1), meta(ocw, { key: 'old-key', hash: 'other' })).catch((e: unknown) => e)).toBeInstanceOf(IdempotencyKeyReusedError);
    });

    it('a refused request frees its key for the corrected request', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      const refused = await executor.execute(STREAM, withdraw('B3'), meta(school, { key: 'k', hash: 'wrong' })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainRuleViolation);
      expect(await executor.execute(STREAM, choose('B3'), meta(school, { key: 'k', hash: 'right' }))).toMatchObject({ created: true });
    });

    it('an answer that could not be stored (crash, failed write): the retry replays from the stream, another request is refused', async () => {
      const keys = new InMemoryIdempotencyKeys();
      const crashing: IdempotencyKeys = {
        claim: (...args) => keys.claim(...args),
        release: (...args) => keys.release(...args),
        complete: () => Promise.reject(new Error('process killed')),
        close: () => keys.close(),
      };
      await executorOn(store).execute(STREAM, register(), meta(ocw));
      const key = { key: 'alloc-crash', hash: 'h' };
      // The answer could not be stored, but the events are: the caller learns they are, not a 503.
      expect(await executorOn(store, { keys: crashing }).execute(STREAM, allocate(500_00), meta(ocw, key))).toMatchObject({ created: true, replayed: false, streamVersion: 1 });

      const restarted = executorOn(store, { keys });
      const retry = await restarted.execute(STREAM, allocate(500_00), meta(ocw, key));
      expect(retry).toMatchObject({ created: true, replayed: true, streamVersion: 1 });
      const reused = await restarted.execute(OTHER, allocateTo('17XX', 1), meta(ocw, { key: 'alloc-crash', hash: 'other' })).catch((e: unknown) => e);
      expect(reused).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(await types(store)).toEqual(['npo.SchoolRegistered', 'npo.FundsAllocated']);
      // The answer is stored now: the next retry does not need the stream.
      expect(await keys.claim('ocw:ocw', 'alloc-crash', 'h', STREAM)).toMatchObject({ reply: { created: true, streamVersion: 1 } });
    });
  });

  describe('no-op repeats', () => {
    it('an identical repeat appends nothing and answers with the current stream head', async () => {
      const executor = executorOn(store);
      const first = await executor.execute(STREAM, register(), meta(ocw));
      const repeat = await executor.execute(STREAM, register(), meta(ocw));
      expect(repeat).toEqual({ created: false, replayed: false, eventIds: first.eventIds, streamVersion: 0, globalPosition: first.globalPosition });
      expect(await positions(store)).toEqual([0]);
    });

    it('a real change is appended after an earlier no-op', async () => {
      const executor = executorOn(store);
      await executor.execute(STREAM, register(), meta(ocw));
      await executor.execute(STREAM, register(), meta(ocw));
      const changed = await executor.execute(STREAM, register('Nieuwe naam'), meta(ocw));
      expect(changed).toMatchObject({ created: true, streamVersion: 1 });
      expect(await types(store)).toEqual(['npo.SchoolRegistered', 'npo.SchoolDetailsChanged']);
    });
  });

  it('serialises concurrent commands on one stream in this process: no conflict, no lost update', async () => {
    const { store: counted, appends } = countingAppends(store);
    const executor = executorOn(counted);
    await executor.execute(STREAM, register(), meta(ocw));
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => executor.execute(STREAM, allocate(i + 1), meta(ocw))));
    expect(appends()).toBe(41);
    expect(replies.map((r) => r.streamVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await positions(store)).toEqual(Array.from({ length: 41 }, (_, i) => i));
  });
});
