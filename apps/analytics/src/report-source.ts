import type { PublishedReport, ReleaseReference, ReportScopeRequest } from '@npo/analytics-reports';
import type { StoredRelease } from '@npo/analytics-releases';
import { NotFoundError } from '@npo/platform';
import type { AnalyticsRuntime } from './analytics-runtime.js';

export interface SourcedReport {
  readonly report: PublishedReport;
  readonly release: ReleaseReference | null;
}

/**
 * Where a report's numbers come from: a stored release (everyone) or an ad-hoc protected view
 * (ocw/admin only; the controller checks the role). Releases are immutable, so they are cached by
 * number; ad-hoc results are cached until the projector applies anything new.
 */
export class ReportSource {
  readonly #releases = new Map<number, StoredRelease>();
  readonly #adHoc = new Map<string, Promise<SourcedReport>>();

  constructor(private readonly runtime: AnalyticsRuntime) {}

  async released(number?: number): Promise<SourcedReport> {
    const wanted = number ?? (await this.runtime.releases.numbers()).at(-1);
    if (wanted === undefined) throw new NotFoundError('No report has been released yet: a release is made by ocw (POST /v1/releases).', 'NO_RELEASE');
    let stored = this.#releases.get(wanted);
    if (stored === undefined) {
      stored = await this.runtime.releases.get(wanted);
      if (stored === undefined) throw new NotFoundError(`Release ${wanted} does not exist.`, 'RELEASE_NOT_FOUND');
      this.#releases.set(wanted, stored);
    }
    return { report: stored.report, release: { id: stored.metadata.id, number: stored.metadata.number, createdAt: stored.metadata.createdAt } };
  }

  adHoc(asOf: string, scope: ReportScopeRequest): Promise<SourcedReport> {
    const status = this.runtime.projection.status;
    const key = `${asOf}|${JSON.stringify(scope)}|${status.generation}|${[...status.checkpoint].join(',')}`;
    let pending = this.#adHoc.get(key);
    if (pending === undefined) {
      pending = this.runtime.releaseService.adHoc(asOf, scope).then((p) => ({ report: p.published, release: null }));
      pending.catch(() => this.#adHoc.delete(key));
      if (this.#adHoc.size >= 8) this.#adHoc.delete(this.#adHoc.keys().next().value as string);
      this.#adHoc.set(key, pending);
    }
    return pending;
  }
}
