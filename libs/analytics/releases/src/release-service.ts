import { createHash } from 'node:crypto';
import type { AnalyticsDatabase } from '@npo/analytics-model';
import {
  earlierStatisticsOf,
  type EarlierStatistics,
  hasFigure,
  reportInputAsOf,
  type ProtectedReport,
  type ReportScopeRequest,
  statisticGroups,
  withholdTrackedStatistics,
} from '@npo/analytics-reports';
import { type DisclosureOverrides, layerOverrides, loosenedSettings, ReleaseRefusedError, resolveParameters } from '@npo/privacy';
import { protectOffThread } from './protect-off-thread.js';
import { WarmProtector } from './warm-protector.js';
import { releaseIdOf, type ReleaseMetadata, type ReleaseRequestRecord, type ReleaseStore, type StoredRelease } from './release-store.js';

export interface CreateReleaseRequest {
  /** Calendar day the figures describe (end of that day, Dutch time). */
  readonly asOf: string;
  readonly createdBy: string;
  readonly parameters?: DisclosureOverrides;
}

export interface ReleaseServiceOptions {
  readonly db: AnalyticsDatabase;
  readonly store: ReleaseStore;
  readonly codeVersion: string;
  readonly clock?: () => Date;
  /** Disclosure settings for ad-hoc reports and releases that do not name their own. */
  readonly parameters?: DisclosureOverrides;
  /** Worker threads one protection run uses (see protectOffThread); 1 when omitted. */
  readonly protectionThreads?: number;
  /** Ad-hoc reports computing or waiting at once; one more is refused (ReleaseServiceBusyError). Default 3. */
  readonly maxPendingAdHoc?: number;
  /**
   * Release requests (create, createOnce) computing or waiting at once; one more is refused
   * (ReleaseQueueFullError). Each takes seconds to minutes of the one protection thread. Default 4.
   */
  readonly maxPendingReleases?: number;
  /** Told when the ad-hoc views' worker thread fails (the next view starts another). */
  readonly onViewWorkerError?: (error: Error) => void;
  /**
   * Resolves once the analytics model holds every event the feed had when it was called. A release waits
   * for it before it reads the model: made while the projector lags, it would lack events of its as-of day
   * that a later release holds (then protected against it, but a release should say what was known).
   */
  readonly caughtUp?: () => Promise<void>;
  /** How long a release waits for caughtUp before it is refused with AnalyticsBehindError. Default 60 s. */
  readonly caughtUpTimeoutMs?: number;
}

export const DEFAULT_MAX_PENDING_AD_HOC = 3;
export const DEFAULT_MAX_PENDING_RELEASES = 4;

/** A client's key for one release request (the Idempotency-Key header) and what it asked for. */
export interface ReleaseIdempotency {
  readonly key: string;
  /** Canonical form of the request as sent, e.g. its body with sorted keys. */
  readonly request: string;
}

/**
 * The public reads the latest release. One of an earlier date would replace newer figures on every page,
 * and releases cannot be withdrawn: a release may describe the latest release's day or a later one.
 */
export class ReleaseBeforeLatestError extends Error {
  readonly code = 'release-before-latest' as const;
  constructor(
    readonly asOf: string,
    readonly latest: Pick<ReleaseMetadata, 'number' | 'asOf'>,
  ) {
    super(`asOf ${asOf} lies before release ${latest.number}, which describes ${latest.asOf}: a release may not go back in time (the latest one is what everyone reads)`);
    this.name = 'ReleaseBeforeLatestError';
  }
}

/** No school year has data as of the date: the release would publish nothing and blank every report. */
export class NothingToReleaseError extends Error {
  readonly code = 'release-without-data' as const;
  constructor(readonly asOf: string) {
    super(`nothing to release as of ${asOf}: no school year has data by then`);
    this.name = 'NothingToReleaseError';
  }
}

/** The Idempotency-Key was used before, by the same principal, for another release request. */
export class ReleaseKeyReusedError extends Error {
  readonly code = 'idempotency-key-reused' as const;
  constructor(readonly number: number) {
    super(`this Idempotency-Key was used for release ${number} with another request; use a new key for a new release`);
    this.name = 'ReleaseKeyReusedError';
  }
}

/**
 * Too many ad-hoc reports are being computed or waiting. Each holds its view's input while it waits for
 * the one worker that protects views; a queue without bound would let a few impatient clients hold the
 * service's memory and time. Nothing is lost: ask again later.
 */
export class ReleaseServiceBusyError extends Error {
  readonly code = 'ad-hoc-queue-full' as const;
  constructor(readonly pending: number) {
    super(`${pending} ad-hoc report(s) are being computed or waiting; retry later`);
    this.name = 'ReleaseServiceBusyError';
  }
}

/**
 * Too many release requests are being computed or waiting: releases are made one at a time, and each
 * takes the protection thread for seconds (a national year: minutes), so an unbounded queue would let a
 * client's retries line up hours of work. Nothing was made for this request: ask again later (with the
 * same Idempotency-Key, a retry gets the release once it is made).
 */
export class ReleaseQueueFullError extends Error {
  readonly code = 'release-queue-full' as const;
  constructor(readonly pending: number) {
    super(`${pending} release request(s) are being computed or waiting; retry later`);
    this.name = 'ReleaseQueueFullError';
  }
}

/** The projector did not catch up with the feed in time (the feed is down, or far behind): no release was made. */
export class AnalyticsBehindError extends Error {
  readonly code = 'analytics-behind' as const;
  constructor(readonly waitedMs: number, options?: ErrorOptions) {
    super(`the analytics store did not catch up with the event feed within ${Math.round(waitedMs / 1000)} s; no release was made, retry later`, options);
    this.name = 'AnalyticsBehindError';
  }
}

/** The service closed while a release was being made; nothing of it was stored. Ask again once it runs. */
export class ReleaseServiceClosedError extends Error {
  readonly code = 'release-service-closed' as const;
  constructor() {
    super('the release service closed before the release was stored; nothing of it was kept');
    this.name = 'ReleaseServiceClosedError';
  }
}

export class ReleaseRequestError extends Error {
  readonly code = 'release-invalid-request' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseRequestError';
  }
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Makes releases (and ad-hoc reports for ocw/admin): the as-of snapshot through the disclosure control,
 * with every earlier release as prior knowledge, so a statistic suppressed before stays suppressed and
 * two releases cannot be differenced into a school. Releases are made one at a time.
 */
export class ReleaseService {
  #queue: Promise<unknown> = Promise.resolve();
  #pendingAdHoc = 0;
  #pendingReleases = 0;
  readonly #views: WarmProtector;
  /**
   * What each earlier release published of its statistics, read once per process: releases never change,
   * and a national release's files take ~0.8 s to parse on the service's thread, for every later release.
   */
  readonly #earlier = new Map<number, EarlierStatistics>();
  #closing = false;
  /** Aborted on close: a release being computed stops its worker threads instead of finishing minutes later. */
  readonly #stop = new AbortController();
  #writing: Promise<StoredRelease> | undefined;
  /** keyHash -> the release made for it, from the request records of the releases in #keysRead. */
  readonly #keys = new Map<string, { readonly number: number; readonly fingerprint: string }>();
  readonly #keysRead = new Set<number>();
  constructor(private readonly options: ReleaseServiceOptions) {
    this.#views = new WarmProtector(options.onViewWorkerError === undefined ? {} : { onWorkerError: options.onViewWorkerError });
  }

  // async although nothing is awaited before the queue: a refused request becomes a rejection, not a throw.
  async create(request: CreateReleaseRequest): Promise<StoredRelease> {
    // Checks that need no turn: a request that cannot be made does not wait behind a release being computed.
    this.#checkRequest(request);
    return this.#enqueueRequest(() => this.#create(request));
  }

  /**
   * `create` made safe to retry: the first request with a key makes the release, a retry with the same key
   * and request gets that release back (`replayed`), the same key with another request is refused. Keys
   * belong to who asked (`createdBy`). A request that failed kept nothing and may be retried with its key.
   */
  async createOnce(request: CreateReleaseRequest, idempotency: ReleaseIdempotency): Promise<{ readonly release: StoredRelease; readonly replayed: boolean }> {
    this.#checkRequest(request);
    const record: ReleaseRequestRecord = {
      keyHash: sha256(`${request.createdBy}\n${idempotency.key}`),
      fingerprint: sha256(idempotency.request),
    };
    // In the queue, so a retry sent while the first is still computing finds it made.
    return this.#enqueueRequest(async () => {
      const earlier = await this.#releaseWithKey(record.keyHash);
      if (earlier === undefined) return { release: await this.#create(request, record), replayed: false };
      if (earlier.fingerprint !== record.fingerprint) throw new ReleaseKeyReusedError(earlier.number);
      const release = await this.options.store.get(earlier.number);
      if (release === undefined) throw new Error(`release ${earlier.number} disappeared`);
      return { release, replayed: true };
    });
  }

  /** A client's release request into the one queue, if it has room (the schedule's are not counted). */
  #enqueueRequest<T>(work: () => Promise<T>): Promise<T> {
    const pending = this.#pendingReleases;
    if (pending >= (this.options.maxPendingReleases ?? DEFAULT_MAX_PENDING_RELEASES)) return Promise.reject(new ReleaseQueueFullError(pending));
    this.#pendingReleases++;
    return this.#enqueue(work).finally(() => this.#pendingReleases--);
  }

  /** Releases are made one at a time: `work` runs after everything queued before it, failed or not. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A release of `request.asOf` unless one of that day or a later one exists by the time it is this
   * request's turn (a schedule, which must not release a date twice, nor go back in time, when ocw or the
   * demo released meanwhile); null when one did.
   */
  createUnlessReleased(request: CreateReleaseRequest): Promise<StoredRelease | null> {
    return this.#enqueue(async () => ((await this.options.store.list()).some((r) => r.asOf >= request.asOf) ? null : this.#create(request)));
  }

  /**
   * A protected view as of any date, not stored. For ocw/admin only (the API enforces who may ask).
   * Only the tables the view shows are computed, and they are protected against each other, not against
   * other views or the releases: linked to the releases, a figure that is 0 on both dates pins every small
   * unit below it and the view would be refused, and the roles that may ask read each school's plan in
   * the school API anyway. What the public and gemeenten read is a release, protected as a whole.
   * Views do not wait for a release being made: they run on their own warm worker thread.
   */
  async adHoc(asOf: string, scope: ReportScopeRequest): Promise<ProtectedReport> {
    checkAsOf(asOf, this.#today(), 'ad hoc');
    if (this.#pendingAdHoc >= (this.options.maxPendingAdHoc ?? DEFAULT_MAX_PENDING_AD_HOC)) throw new ReleaseServiceBusyError(this.#pendingAdHoc);
    this.#pendingAdHoc++;
    try {
      const input = await reportInputAsOf(this.options.db, asOf, `adhoc-${asOf}`, scope);
      return await this.#views.protect({ input, options: this.#parameters(undefined) });
    } finally {
      this.#pendingAdHoc--;
    }
  }

  /** Ends the views' worker thread (a release's workers end with their release). */
  async close(): Promise<void> {
    this.#closing = true;
    this.#stop.abort();
    // A release being written is finished (its files, then its line in the log): the process exits after this.
    await this.#writing?.catch(() => undefined);
    await this.#views.close();
  }

  async #caughtUp(): Promise<void> {
    if (this.options.caughtUp === undefined) return;
    const timeoutMs = this.options.caughtUpTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let onStop: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AnalyticsBehindError(timeoutMs)), timeoutMs);
      onStop = () => reject(new ReleaseServiceClosedError());
      this.#stop.signal.addEventListener('abort', onStop, { once: true });
    });
    try {
      await Promise.race([
        // A feed that cannot say where its head is (Kafka down) is behind too.
        this.options.caughtUp().catch((error: unknown) => Promise.reject(new AnalyticsBehindError(0, { cause: error }))),
        interrupted,
      ]);
    } finally {
      clearTimeout(timer);
      if (onStop !== undefined) this.#stop.signal.removeEventListener('abort', onStop);
    }
    if (this.#closing) throw new ReleaseServiceClosedError();
  }

  #checkRequest(request: CreateReleaseRequest): void {
    checkAsOf(request.asOf, this.#today(), 'release');
    this.#releaseParameters(request.parameters);
  }

  /** The earlier release made for this key, if any: request records are read once per process. */
  async #releaseWithKey(keyHash: string): Promise<{ readonly number: number; readonly fingerprint: string } | undefined> {
    for (const n of await this.options.store.numbers()) {
      if (this.#keysRead.has(n)) continue;
      const record = await this.options.store.requestRecord(n);
      if (record !== undefined) this.#keys.set(record.keyHash, { number: n, fingerprint: record.fingerprint });
      this.#keysRead.add(n);
    }
    return this.#keys.get(keyHash);
  }

  async #create(request: CreateReleaseRequest, keyed?: ReleaseRequestRecord): Promise<StoredRelease> {
    checkAsOf(request.asOf, this.#today(), 'release');
    const parameters = this.#releaseParameters(request.parameters);
    const latest = (await this.options.store.list()).at(-1);
    if (latest !== undefined && request.asOf < latest.asOf) throw new ReleaseBeforeLatestError(request.asOf, latest);
    await this.#caughtUp();
    const number = await this.options.store.nextNumber();
    // Releases are made one at a time (the queue): each one already uses every core it is given.
    const input = await reportInputAsOf(this.options.db, request.asOf, releaseIdOf(number));
    if (input.basis.schoolYears.length === 0) throw new NothingToReleaseError(request.asOf);
    const groups = statisticGroups(input.statistics);
    const protectedReport = await protectOffThread({
      input,
      options: parameters,
      priorFiles: await this.options.store.priorFiles(),
      ...this.#threads(),
      signal: this.#stop.signal,
    }).catch((error: unknown) => {
      if (this.#closing) throw new ReleaseServiceClosedError();
      // The number was only the next free one: a refused release stores nothing and the next release takes
      // it, so the message names the day asked for, not a release that will exist with other figures.
      throw error instanceof ReleaseRefusedError ? new ReleaseRefusedError(`as of ${request.asOf}`, error.cells) : error;
    });
    const { release } = protectedReport;
    const published = withholdTrackedStatistics(protectedReport.published, groups, await this.#earlierStatistics());
    const suppressed = published.disclosure.suppressed.length;
    // A release that ends while the service closes is not started on disk: nothing would wait for its write.
    if (this.#closing) throw new ReleaseServiceClosedError();
    const writing = this.options.store.create(
      number,
      {
        createdAt: (this.options.clock?.() ?? new Date()).toISOString(),
        createdBy: request.createdBy,
        asOf: request.asOf,
        schoolYears: published.basis.schoolYears,
        codeVersion: this.options.codeVersion,
        suppressedCells: suppressed,
        publishedCells: Object.keys(published.cells).length - suppressed,
        auditOk: published.disclosure.audit.ok,
      },
      published,
      {
        pattern: release.pattern,
        audit: release.audit,
        statistics: published.statistics.filter(hasFigure).map((s) => ({ guard: s.guard, contributors: groups.get(s.guard) ?? [] })),
      },
      protectedReport.prior,
      keyed,
    );
    this.#writing = writing;
    try {
      return await writing;
    } finally {
      this.#writing = undefined;
    }
  }

  async #earlierStatistics(): Promise<EarlierStatistics[]> {
    const out: EarlierStatistics[] = [];
    for (const n of await this.options.store.numbers()) {
      let earlier = this.#earlier.get(n);
      if (earlier === undefined) {
        const stored = await this.options.store.get(n);
        if (stored === undefined) continue;
        const record = await this.options.store.disclosureRecord(n);
        const read = earlierStatisticsOf(stored.report, record?.statistics === undefined ? undefined : statisticGroups(record.statistics));
        this.#earlier.set(n, read);
        earlier = read;
      }
      out.push(earlier);
    }
    return out;
  }

  #threads(): { threads?: number } {
    return this.options.protectionThreads === undefined ? {} : { threads: this.options.protectionThreads };
  }

  /**
   * A release's own settings, layered on the service's: they may protect more, never less. A looser
   * release would be public and immutable, and stand beside the stricter ones as prior knowledge.
   */
  #releaseParameters(overrides: DisclosureOverrides | undefined): { parameters?: DisclosureOverrides } {
    if (overrides === undefined) return this.#parameters(undefined);
    const parameters = layerOverrides(this.options.parameters, overrides);
    const loosened = loosenedSettings(resolveParameters(parameters), resolveParameters(this.options.parameters));
    if (loosened.length > 0) throw new ReleaseRequestError(`a release may ask for more protection than the service's disclosure settings, not less: ${loosened.join('; ')}`);
    return { parameters };
  }

  #parameters(overrides: DisclosureOverrides | undefined): { parameters?: DisclosureOverrides } {
    const p = overrides ?? this.options.parameters;
    return p === undefined ? {} : { parameters: p };
  }

  #today(): string {
    return dutchDate(this.options.clock?.() ?? new Date());
  }
}

// A report as of D counts what happened until the end of D in Dutch time (as_of_cutoff in the model).
const dutchDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day `at` falls on in the Netherlands, YYYY-MM-DD. */
export function dutchDate(at: Date): string {
  return dutchDay.format(at);
}

/** The last day that has ended in the Netherlands: the latest as-of date a release may have. */
export function lastEndedDay(at: Date): string {
  return dutchDate(new Date(Date.parse(`${dutchDate(at)}T12:00:00Z`) - 86_400_000));
}

function checkAsOf(asOf: string, today: string, kind: 'release' | 'ad hoc'): void {
  if (!isoDate.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) throw new ReleaseRequestError(`asOf must be a date YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  if (asOf > today) throw new ReleaseRequestError(`asOf ${asOf} lies in the future (today is ${today} in the Netherlands)`);
  // A release is immutable, and the figures of a day that has not ended would still move: a second
  // release of the same day would then differ from the first by what happened in between.
  if (kind === 'release' && asOf === today) throw new ReleaseRequestError(`asOf ${asOf} is today, which has not ended yet in the Netherlands; the latest a release may describe is yesterday`);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
