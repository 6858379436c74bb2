import { STATUS_CODES } from 'node:http';

/**
 * Problem `type` URIs are URNs under this base: stable identifiers that never resolve, so no
 * documentation host has to exist for them (RFC 9457 section 3.1.1 allows non-resolvable URIs).
 * The list of kinds lives in libs/platform/README.md.
 */
export const PROBLEM_TYPE_BASE = 'urn:npo:problem:';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemType = (kind: string): string => `${PROBLEM_TYPE_BASE}${kind}`;

/** RFC 9457 body. Extensions sit beside the standard members. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/** What an error maps to, before the edge adds `instance` and the correlation id. */
export interface ProblemSpec {
  readonly status: number;
  /** The last segment of the `type` URN, e.g. `rule-violation`. Stable: clients switch on it. */
  readonly kind: string;
  /** Defaults to the title of a known kind, else the HTTP reason phrase. */
  readonly title?: string;
  readonly detail?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Response headers to add, e.g. `WWW-Authenticate` on 401. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The kinds the platform itself produces, with their fixed titles. */
export const platformProblemKinds = {
  'malformed-request': { status: 400, title: 'Malformed request' },
  'validation-failed': { status: 400, title: 'Request validation failed' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'rule-violation': { status: 422, title: 'Domain rule violated' },
  'precondition-required': { status: 428, title: 'Precondition required' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'request-header-fields-too-large': { status: 431, title: 'Request header fields too large' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'not-implemented': { status: 501, title: 'Not implemented' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;
export type PlatformProblemKind = keyof typeof platformProblemKinds;

const kindByStatus = new Map<number, PlatformProblemKind>(
  (Object.entries(platformProblemKinds) as [PlatformProblemKind, { status: number }][])
    .filter(([kind]) => kind !== 'validation-failed')
    .map(([kind, { status }]) => [status, kind]),
);

/** The generic kind for a bare HTTP status (e.g. a framework exception that carries only a status). */
export function kindForStatus(status: number): string {
  return kindByStatus.get(status) ?? (status >= 500 ? 'internal-error' : `http-${status}`);
}

export function titleFor(kind: string, status: number): string {
  const known = (platformProblemKinds as Record<string, { title: string } | undefined>)[kind];
  return known?.title ?? STATUS_CODES[status] ?? 'Error';
}

const reserved = new Set(['type', 'title', 'status', 'detail', 'instance']);

/**
 * The body for a spec. `instance` is the request path (query dropped: it may carry what should not
 * be echoed); extensions never replace the standard members.
 */
export function problemDetails(spec: ProblemSpec, at: { readonly instance?: string; readonly correlationId: string }): ProblemDetails {
  const status = spec.status >= 400 && spec.status <= 599 ? spec.status : 500;
  const extensions = Object.fromEntries(Object.entries(spec.extensions ?? {}).filter(([key]) => !reserved.has(key)));
  return {
    type: problemType(spec.kind),
    title: spec.title ?? titleFor(spec.kind, status),
    status,
    ...(spec.detail !== undefined ? { detail: spec.detail } : {}),
    ...(at.instance !== undefined ? { instance: at.instance.split('?')[0] ?? at.instance } : {}),
    correlationId: at.correlationId,
    ...extensions,
  };
}

/** Builders for the common specs, so apps mapping their own errors produce the same shapes. */
export const problems = {
  malformed: (detail: string): ProblemSpec => ({ status: 400, kind: 'malformed-request', detail }),
  unauthorized: (detail: string): ProblemSpec => ({
    status: 401,
    kind: 'unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="npo"' },
  }),
  forbidden: (detail: string): ProblemSpec => ({ status: 403, kind: 'forbidden', detail }),
  notFound: (detail: string): ProblemSpec => ({ status: 404, kind: 'not-found', detail }),
  conflict: (detail: string, extensions?: Record<string, unknown>): ProblemSpec => ({ status: 409, kind: 'conflict', detail, extensions }),
  ruleViolation: (rule: string, detail: string, extensions?: Record<string, unknown>): ProblemSpec => ({
    status: 422,
    kind: 'rule-violation',
    detail,
    extensions: { ...extensions, rule },
  }),
  unavailable: (detail: string): ProblemSpec => ({ status: 503, kind: 'service-unavailable', detail }),
  unsupportedMediaType: (detail: string): ProblemSpec => ({ status: 415, kind: 'unsupported-media-type', detail }),
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]): ProblemSpec => ({
    status: 405,
    kind: 'method-not-allowed',
    detail: `${path} does not take ${method}; it takes ${allowed.join(', ')}.`,
    headers: { Allow: allowed.join(', ') },
  }),
};
