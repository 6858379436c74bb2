import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AnalyticsDatabase, runProjector, storeEventFeed } from '@npo/analytics-model';
import { appendSteps, generateHistory, tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidParametersError, ReleaseRefusedError } from '@npo/privacy';
import { ReleaseSchedule } from './release-schedule.js';
import {
  AnalyticsBehindError,
  NothingToReleaseError,
  ReleaseBeforeLatestError,
  ReleaseKeyReusedError,
  ReleaseRequestError,
  ReleaseService,
  ReleaseQueueFullError,
  ReleaseServiceBusyError,
  ReleaseServiceClosedError,
} from './release-service.js';
import { ReleaseStore, ReleaseStoreError } from './release-store.js';

describe('releases', () => {
  const dir = tempDir('analytics-releases');
  const releasesDir = join(dir.path, 'releases');
  let db: AnalyticsDatabase;
  let service: ReleaseService;
  const store = new ReleaseStore(releasesDir);

  beforeAll(async () => {
    const events = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(events, generateHistory(80, 21));
    db = await AnalyticsDatabase.open({ dir: join(dir.path, 'analytics') });
    const feed = storeEventFeed(events);
    const head = await feed.head();
    await db.read((conn) => runProjector(conn, { feed, until: head }));
    await events.close();
    service = new ReleaseService({ db, store, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
  }, 60_000);
  afterAll(async () => {
    await db.close();
    dir.remove();
  });

  it('numbers, logs and freezes a release; publishes nothing that narrows a value it suppressed', { timeout: 120_000 }, async () => {
    const first = await service.create({ asOf: '2022-07-31', createdBy: 'ocw:test' });
    expect(first.metadata).toMatchObject({ number: 1, id: 'R000001', asOf: '2022-07-31', createdBy: 'ocw:test', codeVersion: 'test-1.0', auditOk: true });
    expect(first.metadata.suppressedCells).toBeGreaterThan(0);
    const releaseFile = join(releasesDir, '000001', 'release.json');
    expect(statSync(releaseFile).mode & 0o777).toBe(0o444);
    expect(statSync(join(releasesDir, '000001', 'prior.json')).mode & 0o777).toBe(0o400);
    const text = readFileSync(releaseFile, 'utf8');
    expect(text).not.toContain('contributions');
    // Reasons, required protection (built around the true value) and proven intervals stay in the maker's record.
    expect(text).not.toMatch(/protectionRequired|carriedOverFrom|"reason":"(?!suppressed")/);
    expect(text).toContain('"reason":"suppressed"');
    const published = (JSON.parse(text) as { report: { disclosure: Record<string, unknown> } }).report.disclosure;
    expect(Object.keys(published).sort()).toEqual(['audit', 'parameters', 'suppressed']);
    expect(published['audit']).toEqual({ ok: true });
    const recordFile = join(releasesDir, '000001', 'disclosure.json');
    expect(statSync(recordFile).mode & 0o777).toBe(0o400);
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as { pattern: { cellId: string; reason: string }[]; audit: { cells: { cellId: string; protectionRequired: unknown }[] } };
    expect(record.pattern.map((p) => p.cellId).sort()).toEqual([...(published['suppressed'] as string[])].sort());
    expect(new Set(record.pattern.map((p) => p.reason)).size).toBeGreaterThan(1);
    expect(record.audit.cells.every((c) => c.protectionRequired !== undefined)).toBe(true);
    // Which evaluations each published statistic rests on stays in the record too (it names schools).
    const withGroups = (record as { statistics?: { guard: string; contributors: string[] }[] }).statistics ?? [];
    expect(withGroups.length).toBeGreaterThan(0);
    for (const s of withGroups) expect(s.contributors.length, s.guard).toBeGreaterThanOrEqual(5);
    expect(text).not.toContain('contributors');
    const log = readFileSync(join(releasesDir, 'log.ndjson'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0] ?? '{}')).toMatchObject({ number: 1, sha256: createHash('sha256').update(text).digest('hex') });

    const stored = await store.get(1);
    const withheld = stored?.report.disclosure.suppressed ?? [];
    expect(withheld.length).toBe(first.metadata.suppressedCells);
    for (const id of withheld) expect(stored?.report.cells[id]).toEqual({ value: null, reason: 'suppressed' });
    expect(Object.values(stored?.report.cells ?? {}).filter((v) => v.value === null)).toHaveLength(withheld.length);
    expect(stored?.metadata.sha256).toBe(first.metadata.sha256);
  });

  it('keeps the pattern of the earlier release and numbers concurrent requests one after another', { timeout: 180_000 }, async () => {
    const [a, b] = await Promise.all([
      service.create({ asOf: '2022-07-31', createdBy: 'ocw:a' }),
      service.create({ asOf: '2022-08-31', createdBy: 'ocw:b' }),
    ]);
    expect([a.metadata.number, b.metadata.number]).toEqual([2, 3]);
    const first = await store.get(1);
    const suppressedBefore = new Set(first?.report.disclosure.suppressed);
    const suppressedNow = new Set(a.report.disclosure.suppressed);
    // Same data, same populations: nothing suppressed in release 1 is published in release 2.
    for (const id of suppressedBefore) expect(suppressedNow.has(id), id).toBe(true);
    expect((await store.list()).map((m) => m.number)).toEqual([1, 2, 3]);
    expect((await store.latest())?.metadata.number).toBe(3);
  });

  it('a monthly schedule makes the release of the month that ended once, as of its last day', { timeout: 120_000 }, async () => {
    const scheduledStore = new ReleaseStore(join(dir.path, 'scheduled-releases'));
    const clock = () => new Date('2022-09-01T12:00:00Z');
    const scheduled = new ReleaseService({ db, store: scheduledStore, codeVersion: 'test-1.0', clock });
    let readied = 0;
    const schedule = new ReleaseSchedule({ cadence: 'monthly', service: scheduled, store: scheduledStore, clock, ready: async () => void readied++ });
    const made = await schedule.tick();
    expect(made?.metadata).toMatchObject({ number: 1, asOf: '2022-08-31', createdBy: 'schedule:monthly', auditOk: true });
    expect(await schedule.tick()).toBeNull();
    expect(readied).toBe(1);
    expect((await scheduledStore.list()).map((r) => [r.number, r.asOf])).toEqual([[1, '2022-08-31']]);
    // A release of the date made while the schedule waits for the projector is not made again.
    const raceStore = new ReleaseStore(join(dir.path, 'raced-releases'));
    const raced = new ReleaseService({ db, store: raceStore, codeVersion: 'test-1.0', clock });
    let byHand: Promise<unknown> = Promise.resolve();
    const racing = new ReleaseSchedule({
      cadence: 'monthly',
      service: raced,
      store: raceStore,
      clock,
      ready: async () => void (byHand = raced.create({ asOf: '2022-08-31', createdBy: 'ocw:meanwhile' })),
    });
    expect(await racing.tick()).toBeNull();
    await byHand;
    expect((await raceStore.list()).map((r) => r.createdBy)).toEqual(['ocw:meanwhile']);
    // A later day released first (the demo releases yesterday): the month's release is not owed any more,
    // and a schedule that tried would be refused for going back in time.
    const laterStore = new ReleaseStore(join(dir.path, 'later-releases'));
    const later = new ReleaseService({ db, store: laterStore, codeVersion: 'test-1.0', clock: () => new Date('2022-09-03T12:00:00Z') });
    await later.create({ asOf: '2022-09-02', createdBy: 'demo' });
    const afterLater = new ReleaseSchedule({ cadence: 'monthly', service: later, store: laterStore, clock: () => new Date('2022-09-03T12:00:00Z') });
    expect(await afterLater.tick()).toBeNull();
    await expect(later.createUnlessReleased({ asOf: '2022-08-31', createdBy: 'schedule:monthly' })).resolves.toBeNull();
    expect((await laterStore.list()).map((r) => r.asOf)).toEqual(['2022-09-02']);
  });

  it('closing waits for a release being written, and stores none that is still being computed', { timeout: 180_000 }, async () => {
    let writeStarted!: () => void;
    const writing = new Promise<void>((resolve) => (writeStarted = resolve));
    let letWrite!: () => void;
    const gate = new Promise<void>((resolve) => (letWrite = resolve));
    class HeldStore extends ReleaseStore {
      override async create(...args: Parameters<ReleaseStore['create']>): ReturnType<ReleaseStore['create']> {
        writeStarted();
        await gate;
        return super.create(...args);
      }
    }
    const heldDir = join(dir.path, 'held-releases');
    const held = new ReleaseService({ db, store: new HeldStore(heldDir), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    const release = held.create({ asOf: '2022-08-31', createdBy: 'test' });
    await writing;
    let closed = false;
    const closing = held.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    letWrite();
    await closing;
    expect((await release).metadata.number).toBe(1);
    expect(readFileSync(join(heldDir, 'log.ndjson'), 'utf8').trim().split('\n')).toHaveLength(1);

    const late = new ReleaseService({ db, store: new ReleaseStore(heldDir), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    const computing = late.create({ asOf: '2022-08-31', createdBy: 'test' });
    await late.close();
    await expect(computing).rejects.toBeInstanceOf(ReleaseServiceClosedError);
    expect(await new ReleaseStore(heldDir).numbers()).toEqual([1]);
  });

  it('refuses a date in the future, today (not ended yet), a malformed date and a taken number', async () => {
    await expect(service.create({ asOf: '2022-09-02', createdBy: 'ocw:x' })).rejects.toBeInstanceOf(ReleaseRequestError);
    await expect(service.create({ asOf: '2022-09-01', createdBy: 'ocw:x' })).rejects.toThrow(/has not ended yet/);
    // 23:30 UTC on 1 September is already 2 September in the Netherlands: the 1st has ended there.
    const lateEvening = new ReleaseService({ db, store: new ReleaseStore(join(dir.path, 'other-releases')), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T23:30:00Z') });
    await expect(lateEvening.create({ asOf: '2022-09-02', createdBy: 'ocw:x' })).rejects.toThrow(/has not ended yet/);
    await expect(service.create({ asOf: '31-07-2022', createdBy: 'ocw:x' })).rejects.toBeInstanceOf(ReleaseRequestError);
    // A release may protect more than the service's settings, not less.
    await expect(service.create({ asOf: '2022-07-31', createdBy: 'ocw:x', parameters: { minFrequency: 3, allOrNothing: { zero: false } } })).rejects.toThrow(
      /not less: minFrequency 3 < 5; allOrNothing.zero switched off$/,
    );
    const existing = await store.get(1);
    if (existing === undefined) throw new Error('release 1 missing');
    const record = { pattern: [], audit: { ok: true, cells: [], lpSolves: 0, totalLpSolves: 0, explorationLps: 0 } };
    await expect(store.create(1, { ...existing.metadata }, existing.report, record, { input: { releaseId: 'x', tables: [] }, suppressed: [] })).rejects.toBeInstanceOf(ReleaseStoreError);
  });

  it('refuses a release of a day before the latest release, and one with no data, before computing anything', async () => {
    // Release 3 describes 2022-08-31: an earlier day would replace its figures on every public page.
    await expect(service.create({ asOf: '2022-08-30', createdBy: 'ocw:x' })).rejects.toBeInstanceOf(ReleaseBeforeLatestError);
    const empty = new ReleaseService({ db, store: new ReleaseStore(join(dir.path, 'empty-releases')), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    await expect(empty.create({ asOf: '2000-01-02', createdBy: 'ocw:x' })).rejects.toBeInstanceOf(NothingToReleaseError);
    expect(await new ReleaseStore(join(dir.path, 'empty-releases')).numbers()).toEqual([]);
  });

  it('with an Idempotency-Key makes one release however often it is asked, and refuses the key for another request', { timeout: 180_000 }, async () => {
    const keyedStore = new ReleaseStore(join(dir.path, 'keyed-releases'));
    const keyed = new ReleaseService({ db, store: keyedStore, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    const asked = { asOf: '2022-08-31', createdBy: 'ocw:k' };
    const request = { key: 'release-2022-08', request: '{"asOf":"2022-08-31"}' };
    // A retry sent while the first is still being computed: both answered with the one release.
    const [first, retry] = await Promise.all([keyed.createOnce(asked, request), keyed.createOnce(asked, request)]);
    expect(first).toMatchObject({ replayed: false, release: { metadata: { number: 1 } } });
    expect(retry).toMatchObject({ replayed: true, release: { metadata: { number: 1, sha256: first.release.metadata.sha256 } } });
    // A new process (nothing cached) still knows the key from the release's request record.
    const restarted = new ReleaseService({ db, store: keyedStore, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    await expect(restarted.createOnce(asked, request)).resolves.toMatchObject({ replayed: true, release: { metadata: { number: 1 } } });
    await expect(restarted.createOnce({ ...asked, parameters: { minFrequency: 6 } }, { ...request, request: '{"asOf":"2022-08-31","parameters":{"minFrequency":6}}' })).rejects.toBeInstanceOf(
      ReleaseKeyReusedError,
    );
    expect(await keyedStore.numbers()).toEqual([1]);
    // The key is not readable from the files: only hashes are kept.
    const files = ['release.json', 'metadata.json', 'request.json'].map((f) => readFileSync(join(keyedStore.dir, '000001', f), 'utf8'));
    for (const text of files) expect(text).not.toContain('release-2022-08');
  });

  it('names the day of a refused release, not the number it would have had: the next release takes that number', { timeout: 180_000 }, async () => {
    const refusingStore = new ReleaseStore(join(dir.path, 'refused-releases'));
    const refusing = new ReleaseService({ db, store: refusingStore, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    await refusing.create({ asOf: '2022-07-31', createdBy: 'ocw:r' });
    // A stricter threshold would withhold a count of 5 that release 1 published for the same day: history
    // pins it, so the audit cannot protect the release.
    const refused = await refusing.create({ asOf: '2022-07-31', createdBy: 'ocw:r', parameters: { minFrequency: 6 } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReleaseRefusedError);
    const { message, cells } = refused as ReleaseRefusedError;
    expect(message).toMatch(/^release as of 2022-07-31 refused: \d+ suppressed cell\(s\) cannot be protected: /);
    expect(message).not.toMatch(/R0+2\b|\b2 refused/);
    expect(cells.length).toBeGreaterThan(0);
    expect(await refusingStore.numbers()).toEqual([1]);
    await expect(refusing.create({ asOf: '2022-08-31', createdBy: 'ocw:r' })).resolves.toMatchObject({ metadata: { number: 2, id: 'R000002' } });
  });

  it('answers a request it cannot make at once, not after the release being computed', { timeout: 180_000 }, async () => {
    const busy = new ReleaseService({ db, store: new ReleaseStore(join(dir.path, 'busy-releases')), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z') });
    let computed = false;
    const computing = busy.create({ asOf: '2022-08-31', createdBy: 'ocw:x' }).then(() => (computed = true));
    await expect(busy.create({ asOf: '2099-01-01', createdBy: 'ocw:x' })).rejects.toBeInstanceOf(ReleaseRequestError);
    await expect(busy.create({ asOf: '2022-08-31', createdBy: 'ocw:x', parameters: { minFrequency: 2 } })).rejects.toThrow(/not less/);
    expect(computed).toBe(false);
    await computing;
  });

  it('computes or queues at most maxPendingAdHoc ad-hoc reports and maxPendingReleases release requests, refuses the others, and frees the places when they end', { timeout: 180_000 }, async () => {
    const bounded = new ReleaseService({ db, store, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z'), maxPendingAdHoc: 2 });
    const days = ['2022-03-01', '2022-03-02', '2022-03-03', '2022-03-04', '2022-03-05'];
    const outcomes = await Promise.allSettled(days.map((day) => bounded.adHoc(day, { view: 'national' })));
    const made = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.published.asOf] : []));
    expect(made).toEqual(['2022-03-01', '2022-03-02']);
    for (const o of outcomes.slice(2)) expect(o.status === 'rejected' ? o.reason : undefined).toBeInstanceOf(ReleaseServiceBusyError);
    await expect(bounded.adHoc('2022-03-06', { view: 'national' })).resolves.toMatchObject({ published: { asOf: '2022-03-06' } });

    // Release requests are bounded too: one computing, the rest refused at once, the place freed after.
    const queued = new ReleaseService({ db, store: new ReleaseStore(join(dir.path, 'queued-releases')), codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z'), maxPendingReleases: 1 });
    const requests = await Promise.allSettled([
      queued.create({ asOf: '2022-08-31', createdBy: 'ocw:a' }),
      queued.create({ asOf: '2022-08-31', createdBy: 'ocw:b' }),
      queued.createOnce({ asOf: '2022-08-31', createdBy: 'ocw:c' }, { key: 'k', request: '{}' }),
    ]);
    expect(requests.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const r of requests.slice(1)) expect(r.status === 'rejected' ? r.reason : undefined).toBeInstanceOf(ReleaseQueueFullError);
    await expect(queued.create({ asOf: '2022-08-31', createdBy: 'ocw:d' })).resolves.toMatchObject({ metadata: { number: 2 } });

    // A failing computation gives its place back too.
    const failing = new ReleaseService({ db, store, codeVersion: 'test-1.0', clock: () => new Date('2022-09-01T12:00:00Z'), maxPendingAdHoc: 1, parameters: { minFrequency: 0 } });
    await expect(failing.adHoc('2022-03-01', { view: 'evidence' })).rejects.toBeInstanceOf(InvalidParametersError);
    await expect(failing.adHoc('2022-03-02', { view: 'gemeente', gemeente: 'GM0363' })).rejects.toBeInstanceOf(InvalidParametersError);
  });

  it('waits for the projector to catch up before it reads the model; refuses when it does not in time, or when the service closes meanwhile', { timeout: 180_000 }, async () => {
    const clock = () => new Date('2022-09-01T12:00:00Z');
    let release: () => void = () => undefined;
    const behind = new Promise<void>((resolve) => (release = resolve));
    const waitingStore = new ReleaseStore(join(dir.path, 'caught-up-releases'));
    const waiting = new ReleaseService({ db, store: waitingStore, codeVersion: 'test-1.0', clock, caughtUp: () => behind });
    const made = waiting.create({ asOf: '2022-08-31', createdBy: 'ocw:test' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await waitingStore.list()).toEqual([]);
    release();
    await expect(made).resolves.toMatchObject({ metadata: { number: 1 } });

    const stuckStore = new ReleaseStore(join(dir.path, 'stuck-releases'));
    const stuck = new ReleaseService({ db, store: stuckStore, codeVersion: 'test-1.0', clock, caughtUp: () => new Promise(() => undefined), caughtUpTimeoutMs: 100 });
    await expect(stuck.create({ asOf: '2022-08-31', createdBy: 'ocw:test' })).rejects.toBeInstanceOf(AnalyticsBehindError);
    // A feed that cannot name its head is behind too.
    const broken = new ReleaseService({ db, store: stuckStore, codeVersion: 'test-1.0', clock, caughtUp: () => Promise.reject(new Error('broker down')) });
    await expect(broken.create({ asOf: '2022-08-31', createdBy: 'ocw:test' })).rejects.toBeInstanceOf(AnalyticsBehindError);
    const closing = new ReleaseService({ db, store: stuckStore, codeVersion: 'test-1.0', clock, caughtUp: () => new Promise(() => undefined) });
    const closed = closing.create({ asOf: '2022-08-31', createdBy: 'ocw:test' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    await expect(closed).rejects.toBeInstanceOf(ReleaseServiceClosedError);
    expect(await stuckStore.list()).toEqual([]);
  });
});
