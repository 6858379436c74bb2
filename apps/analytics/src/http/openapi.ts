import type { Role } from '@npo/platform';
import {
  componentSchemas,
  gemeenteCodeParameter,
  idempotencyKeyParameter,
  problem,
  ref,
  releaseNumberParameter,
  reportQueryParameters,
  retryAfterHeader,
  type ReportView,
} from './openapi-parts.js';

/*
 * The analytics service's routes as OpenAPI 3.1. Parameters and bodies come from the zod schemas the
 * controllers validate with (openapi-parts.ts); the error statuses are the ones each route can answer
 * through the platform's guard and pipes and analyticsErrorMappings (error-mappings.ts).
 */

/** Who may call: a public route takes an optional token (a token that is sent must be valid). */
type Access = 'public' | { readonly roles: readonly Role[]; readonly note?: string };

function accessOf(access: Access): { description: string; security?: object[] } {
  if (access === 'public') return { description: 'Roles: public (no token needed; a token that is sent must be valid).', security: [{}, { bearer: [] }] };
  return { description: `Roles: ${access.roles.join(', ')}.${access.note === undefined ? '' : ` ${access.note}`}` };
}

const operation = (summary: string, access: Access, details: string, rest: object) => {
  const { description, security } = accessOf(access);
  return { summary, description: details === '' ? description : `${description} ${details}`, ...(security === undefined ? {} : { security }), ...rest };
};

const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

const reportDocument = json(
  'The report (`ReportDocument` of @npo/analytics-reports, no schema of its own yet): title, as-of date, school year, the release it ' +
    'comes from (`null` ad hoc), notes and tables. A withheld number is `{ value: null, suppressed: true, reason: "suppressed" }`, never 0; a number that does not apply or does not exist ' +
    '(no EEF figure, no pooled effect, a share of no schools) is `null`.',
);
const reportCsv = {
  description:
    'The same report as CSV, one line per number: semicolons, decimal comma, UTF-8 with BOM; header and values in Dutch (`rapport` `landelijk`, `eenheid` `aantal`, `eurocent`, `fractie`, …; a withheld number is empty with `status` `geheim`).',
  headers: { 'Content-Disposition': { description: 'attachment; the file name names the report, school year and release or as-of date.', schema: { type: 'string' } } },
  content: { 'text/csv': { schema: { type: 'string' } } },
};

function reportErrors(view: ReportView) {
  const notFound =
    view === 'evidence'
      ? 'No release yet (`code` `NO_RELEASE`) or no release with that number (`RELEASE_NOT_FOUND`).'
      : 'No release yet (`code` `NO_RELEASE`), no release with that number (`RELEASE_NOT_FOUND`), or no data for the school year ' +
        (view === 'gemeente' ? 'or no school in the gemeente ' : '') +
        'in the release (or as of `asOf`).';
  return {
    '400': problem(
      'A query parameter the schema refuses, or one it does not know (`errors` lists each issue)' +
        (view === 'gemeente' ? ', a malformed gemeente code' : '') +
        '; `asOf` together with `release`; an `asOf` in the future.',
    ),
    '401':
      view === 'gemeente'
        ? problem('Missing, expired or invalid bearer token.')
        : problem(
            'A bearer token that is sent but invalid or expired; `asOf` without a bearer token (`code` `AD_HOC_NEEDS_TOKEN`; ' +
              'an Authorization header of another scheme counts as none).',
          ),
    '403':
      view === 'gemeente'
        ? problem('A role other than gemeente, ocw or admin (`ROLE_NOT_ALLOWED`); a gemeente asking for another one (`NOT_OWN_GEMEENTE`); `asOf` for a gemeente (`AD_HOC_NOT_ALLOWED`).')
        : problem('`asOf` with a role other than ocw or admin (`code` `AD_HOC_NOT_ALLOWED`).'),
    '404': problem(notFound),
    '422': problem('Ad hoc only: the disclosure audit cannot protect the view (`release-refused`, `cells` names them); nothing is shown.'),
    '503': problem(
      'Ad hoc only: as many ad-hoc reports as the service computes or queues (`NPO_AD_HOC_MAX_PENDING`, default 3) are pending (`code` `ad-hoc-queue-full`, `pending`; `Retry-After: 30`), or the service is closing.',
      retryAfterHeader,
    ),
  };
}

const gemeenteAccess: Access = { roles: ['gemeente', 'ocw', 'admin'], note: 'A gemeente reads its own code only.' };
const adHocNote = 'Released reports are public; an ad-hoc report (`asOf`) is for ocw and admin.';

function report(view: ReportView, summary: string, csv: boolean) {
  const access = view === 'gemeente' ? gemeenteAccess : 'public';
  const parameters = [...(view === 'gemeente' ? [gemeenteCodeParameter] : []), ...reportQueryParameters(view)];
  const details = view === 'gemeente' ? 'Ad hoc (`asOf`) for ocw and admin only.' : adHocNote;
  return { get: operation(csv ? `${summary} (CSV)` : summary, access, details, { parameters, responses: { '200': csv ? reportCsv : reportDocument, ...reportErrors(view) } }) };
}

const invalidToken = problem('A bearer token that is sent but invalid or expired.');

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'NPO analytics',
      version,
      description:
        'Reports of Nationaal Programma Onderwijs, read from releases that passed the disclosure audit (libs/privacy), and the releases ' +
        'themselves. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type` URN; any route may also ' +
        'answer 500 (quote its `correlationId`). Unknown query parameters are refused, not ignored.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/reports/national': report('national', 'The national report', false),
      '/v1/reports/national.csv': report('national', 'The national report', true),
      '/v1/reports/gemeenten/{code}': report('gemeente', "A gemeente's report, national figures beside", false),
      '/v1/reports/gemeenten/{code}.csv': report('gemeente', "A gemeente's report, national figures beside", true),
      '/v1/reports/evidence': report('evidence', 'International evidence beside Dutch uptake and pooled effects', false),
      '/v1/reports/evidence.csv': report('evidence', 'International evidence beside Dutch uptake and pooled effects', true),
      '/v1/releases': {
        get: operation('The release log', 'public', 'Number, as-of date, who, when, code version, how many cells were suppressed.', {
          responses: { '200': json('`{ releases: ReleaseMetadata[] }` (@npo/analytics-releases).'), '401': invalidToken },
        }),
        post: operation(
          'Make a release',
          { roles: ['ocw', 'admin'] },
          '`asOf` defaults to yesterday, the last day that has ended in the Netherlands. `parameters` may only protect more than the ' +
            "service's disclosure settings. Releases are made one at a time.",
          {
            parameters: [idempotencyKeyParameter],
            requestBody: { required: true, content: { 'application/json': { schema: ref('CreateReleaseBody') } } },
            responses: {
              '201': {
                description: "The release's metadata (`ReleaseMetadata`), also for a replayed Idempotency-Key.",
                headers: { 'Idempotent-Replayed': { description: '`true` when this answers a retry.', schema: { type: 'string', enum: ['true'] } } },
                content: { 'application/json': { schema: { type: 'object' } } },
              },
              '400': problem(
                'Malformed JSON, a body the schema refuses (`errors`), a malformed Idempotency-Key, an `asOf` today or in the future, or `parameters` that ' +
                  'protect less than the service settings or are invalid (`issues`).',
              ),
              '401': problem('Missing, expired or invalid bearer token.'),
              '403': problem('A role other than ocw or admin (`code` `ROLE_NOT_ALLOWED`).'),
              '409': problem('The release number was taken meanwhile by another process writing the same releases directory; retry.'),
              '413': problem('Body larger than the configured limit.'),
              '415': problem('Body is not JSON, or not UTF-8, or has a Content-Encoding.'),
              '422': problem(
                "`asOf` before the latest release's day (`code` `release-before-latest`, `latest`), a day without data (`release-without-data`), " +
                  'an Idempotency-Key this caller used with another body (`idempotency-key-reused`, `release`), or an audit that cannot ' +
                  'protect the release (`release-refused`, `cells`).',
              ),
              '503': problem(
                'As many release requests as the service queues (`NPO_RELEASE_MAX_PENDING`, default 4) are being computed or waiting already (`code` `release-queue-full`, `pending`; `Retry-After: 60`), the analytics store did not catch up with the event feed within 60 s (`code` `analytics-behind`; `Retry-After: 60`; a release reads only a caught-up model), or the service is closing.',
                retryAfterHeader,
              ),
            },
          },
        ),
      },
      '/v1/releases/{number}': {
        get: operation(
          "One release's metadata and its public disclosure record",
          'public',
          'The rules and the audit\'s verdict; the ids of the withheld cells only for a token of role ocw or admin.',
          {
            parameters: [releaseNumberParameter],
            responses: {
              '200': json('The release metadata, `schoolYears` and `disclosure` (`parameters`, `audit`; `suppressed` for ocw/admin).'),
              '400': problem('A release number that is not decimal digits (`errors`).'),
              '401': problem('A bearer token that is sent but invalid or expired (another scheme counts as no token).'),
              '404': problem('No release with that number (`code` `RELEASE_NOT_FOUND`), or a form of it the service does not have (`/v1/releases/1.csv`: only the reports are CSV).'),
            },
          },
        ),
      },
      '/v1/analytics/status': {
        get: operation('Projector and store state', { roles: ['ocw', 'admin'] }, 'For operators: generation, feed, projector checkpoint, lag, quarantined events, releases.', {
          responses: {
            '200': json('`{ generation, feed, projector, lag, quarantinedInFile, releases }`.'),
            '401': problem('Missing, expired or invalid bearer token.'),
            '403': problem('A role other than ocw or admin (`code` `ROLE_NOT_ALLOWED`).'),
            '503': problem('The analytics store is closing.'),
          },
        }),
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas,
    },
  };
}
