import { type ProblemSpec, problems } from './problem.js';

/**
 * An error that knows its HTTP meaning. Throw a subclass (or an instance) anywhere below a
 * controller and the problem filter answers with the matching RFC 9457 body. Errors of libraries
 * that must not depend on HTTP (the domain) are mapped with an {@link ErrorMappings} entry instead.
 */
export class HttpMappedError extends Error {
  /** Stable machine-readable code, e.g. `FORBIDDEN`. */
  readonly code: string;
  readonly problem: ProblemSpec;

  constructor(code: string, problem: ProblemSpec, options?: { cause?: unknown }) {
    super(problem.detail ?? problem.title ?? problem.kind, options);
    this.name = new.target.name;
    this.code = code;
    this.problem = problem;
  }

  toProblem(): ProblemSpec {
    return this.problem;
  }
}

export class UnauthorizedError extends HttpMappedError {
  constructor(detail: string, code = 'UNAUTHORIZED', options?: { cause?: unknown }) {
    super(code, problems.unauthorized(detail), options);
  }
}

export class ForbiddenError extends HttpMappedError {
  constructor(detail: string, code = 'FORBIDDEN') {
    super(code, problems.forbidden(detail));
  }
}

export class NotFoundError extends HttpMappedError {
  constructor(detail: string, code = 'NOT_FOUND') {
    super(code, problems.notFound(detail));
  }
}

export class ConflictError extends HttpMappedError {
  constructor(detail: string, extensions?: Record<string, unknown>, code = 'CONFLICT') {
    super(code, problems.conflict(detail, extensions));
  }
}

/** A business rule refused the request: 422 with the rule's stable name in the `rule` extension. */
export class RuleViolationError extends HttpMappedError {
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super('RULE_VIOLATION', problems.ruleViolation(rule, detail));
  }
}

export class MalformedRequestError extends HttpMappedError {
  constructor(detail: string) {
    super('MALFORMED_REQUEST', problems.malformed(detail));
  }
}

/** One failed check of a request part, in the shape of the `errors` extension. */
export interface ValidationIssue {
  /** Where: `body`, `query`, `path` (route parameters) or `header`. */
  readonly in: string;
  /** RFC 6901 JSON Pointer into that part, `""` for the part as a whole. */
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

export class RequestValidationError extends HttpMappedError {
  constructor(readonly issues: readonly ValidationIssue[]) {
    const where = [...new Set(issues.map((i) => i.in))].join(', ');
    super('VALIDATION_FAILED', {
      status: 400,
      kind: 'validation-failed',
      detail: `The request ${where || 'input'} does not match the expected schema (${issues.length} issue${issues.length === 1 ? '' : 's'}).`,
      extensions: { errors: issues },
    });
  }
}
