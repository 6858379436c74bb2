import type { AnalyticsDatabase } from '@npo/analytics-model';
import { reportInputAsOf, type ProtectedReport } from '@npo/analytics-reports';
import type { DisclosureOverrides } from '@npo/privacy';
import { protectOffThread } from './protect-off-thread.js';
import { releaseIdOf, type ReleaseStore, type StoredRelease } from './release-store.js';

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
  constructor(private readonly options: ReleaseServiceOptions) {}

  create(request: CreateReleaseRequest): Promise<StoredRelease> {
    const run = this.#queue.then(() => this.#create(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A protected report as of any date, not stored. For ocw/admin only (the API enforces who may ask):
   * it is protected on its own, without the earlier releases as prior knowledge — linked to them, a
   * figure that is 0 on both dates pins every small unit below it and the report would be refused,
   * while the trusted roles may see such differences anyway.
   */
  async adHoc(asOf: string): Promise<ProtectedReport> {
    checkAsOf(asOf, this.#today());
    const input = await this.options.db.read((conn) => reportInputAsOf(conn, asOf, `adhoc-${asOf}`));
    return protectOffThread({ input, options: this.#parameters(undefined), ...this.#threads() });
  }

  async #create(request: CreateReleaseRequest): Promise<StoredRelease> {
    const today = this.#today();
    checkAsOf(request.asOf, today);
    const number = await this.options.store.nextNumber();
    const input = await this.options.db.read((conn) => reportInputAsOf(conn, request.asOf, releaseIdOf(number)));
    const protectedReport = await protectOffThread({
      input,
      options: { priorReleases: await this.options.store.priors(), ...this.#parameters(request.parameters) },
      ...this.#threads(),
    });
    const { published } = protectedReport;
    const suppressed = published.disclosure.pattern.length;
    return this.options.store.create(
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
      protectedReport.prior,
    );
  }

  #threads(): { threads?: number } {
    return this.options.protectionThreads === undefined ? {} : { threads: this.options.protectionThreads };
  }

  #parameters(overrides: DisclosureOverrides | undefined): { parameters?: DisclosureOverrides } {
    const p = overrides ?? this.options.parameters;
    return p === undefined ? {} : { parameters: p };
  }

  #today(): string {
    return (this.options.clock?.() ?? new Date()).toISOString().slice(0, 10);
  }
}

function checkAsOf(asOf: string, today: string): void {
  if (!isoDate.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))) throw new ReleaseRequestError(`asOf must be a date YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  // The figures of a day that has not ended yet would still move; a release must not.
  if (asOf > today) throw new ReleaseRequestError(`asOf ${asOf} lies in the future (today is ${today})`);
}
