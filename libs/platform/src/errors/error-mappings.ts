import { type ProblemSpec } from './problem.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are irrelevant to matching
type ErrorClass<E> = abstract new (...args: any[]) => E;

/** One rule: which errors it matches and the problem they become. */
export interface ErrorMapping<E = unknown> {
  readonly matches: (error: unknown) => error is E;
  readonly toProblem: (error: E) => ProblemSpec;
}

/** Map every instance of a class (subclasses included): `mapError(DomainRuleViolation, (e) => problems.ruleViolation(e.rule, e.message))`. */
export function mapError<E>(type: ErrorClass<E>, toProblem: (error: E) => ProblemSpec): ErrorMapping<E> {
  return { matches: (error: unknown): error is E => error instanceof type, toProblem };
}

/** Map errors by their stable `code` property, for errors whose class the app cannot import. */
export function mapErrorCode(code: string, toProblem: (error: Error & { code: string }) => ProblemSpec): ErrorMapping<Error & { code: string }> {
  return {
    matches: (error: unknown): error is Error & { code: string } => error instanceof Error && (error as { code?: unknown }).code === code,
    toProblem,
  };
}

/** Map errors a predicate accepts. */
export function mapErrorWhen<E>(matches: (error: unknown) => error is E, toProblem: (error: E) => ProblemSpec): ErrorMapping<E> {
  return { matches, toProblem };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list holds mappings of different error types
export type AnyErrorMapping = ErrorMapping<any>;

/**
 * The app's own error -> problem rules. Consulted before the platform's built-in mapping, in
 * registration order; the first match wins. Lets apps map domain errors without the platform (or
 * the domain) knowing about each other.
 */
export class ErrorMappings {
  private readonly mappings: AnyErrorMapping[] = [];

  constructor(mappings: readonly AnyErrorMapping[] = []) {
    this.mappings.push(...mappings);
  }

  register<E>(mapping: ErrorMapping<E>): this {
    this.mappings.push(mapping);
    return this;
  }

  resolve(error: unknown): ProblemSpec | undefined {
    for (const mapping of this.mappings) {
      if (mapping.matches(error)) return mapping.toProblem(error);
    }
    return undefined;
  }
}
