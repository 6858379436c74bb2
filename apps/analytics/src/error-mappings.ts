import { AnalyticsClosedError } from '@npo/analytics-model';
import { ReportNotFoundError } from '@npo/analytics-reports';
import { AnalyticsBehindError, NothingToReleaseError, ReleaseBeforeLatestError, ReleaseKeyReusedError, ReleaseQueueFullError, ReleaseRequestError, ReleaseServiceBusyError, ReleaseServiceClosedError, ReleaseStoreError } from '@npo/analytics-releases';
import { mapError, problems, type AnyErrorMapping } from '@npo/platform';
import { InvalidParametersError, InvalidReleaseInputError, ReleaseRefusedError } from '@npo/privacy';

/** Errors of the analytics libraries as problem details. */
export const analyticsErrorMappings: readonly AnyErrorMapping[] = [
  mapError(ReportNotFoundError, (e) => problems.notFound(e.message)),
  mapError(ReleaseRequestError, (e) => ({ status: 400, kind: 'validation-failed', detail: e.message })),
  mapError(ReleaseBeforeLatestError, (e) => problems.ruleViolation(e.code, e.message, { code: e.code, latest: e.latest })),
  mapError(NothingToReleaseError, (e) => problems.ruleViolation(e.code, e.message, { code: e.code })),
  mapError(ReleaseKeyReusedError, (e) => ({ status: 422, kind: 'idempotency-key-reused', title: 'Idempotency-Key reused', detail: e.message, extensions: { code: e.code, release: e.number } })),
  mapError(InvalidParametersError, (e) => ({ status: 400, kind: 'validation-failed', detail: e.message, extensions: { issues: e.issues } })),
  mapError(ReleaseStoreError, (e) => (e.code === 'release-number-taken' ? problems.conflict(e.message) : { status: 500, kind: 'internal-error', detail: e.message })),
  // The audit found a suppressed cell it cannot protect: nothing is published.
  mapError(ReleaseRefusedError, (e) => ({
    status: 422,
    kind: 'release-refused',
    title: 'Release refused by the disclosure audit',
    detail: e.message,
    extensions: { cells: e.cells.map((c) => c.cellId) },
  })),
  mapError(InvalidReleaseInputError, (e) => ({ status: 500, kind: 'internal-error', detail: `the report tables are inconsistent: ${e.message}` })),
  mapError(AnalyticsClosedError, () => problems.unavailable('The analytics store is closing.')),
  mapError(ReleaseServiceClosedError, (e) => problems.unavailable(e.message)),
  // The projector is behind the feed (or the feed is down): a release now would miss recorded events.
  mapError(AnalyticsBehindError, (e) => ({ ...problems.unavailable(e.message), extensions: { code: e.code }, headers: { 'Retry-After': '60' } })),
  // Ad-hoc reports take seconds (demo) to minutes (national) each; the bounded queue is full.
  mapError(ReleaseServiceBusyError, (e) => ({ ...problems.unavailable(e.message), extensions: { code: e.code, pending: e.pending }, headers: { 'Retry-After': '30' } })),
  // Releases are made one at a time; the bounded queue of release requests is full.
  mapError(ReleaseQueueFullError, (e) => ({
    ...problems.unavailable(e.message),
    extensions: { code: e.code, pending: e.pending },
    headers: { 'Retry-After': '60' },
  })),
];
