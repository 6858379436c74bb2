import { UnauthorizedError } from '../errors/http-mapped-error.js';

/** A presented bearer token was not accepted. All are answered with 401. */
export abstract class TokenError extends UnauthorizedError {}

/** No bearer token on a route that needs one. */
export class MissingTokenError extends TokenError {
  constructor(detail = 'This route needs an `Authorization: Bearer <token>` header.') {
    super(detail, 'TOKEN_MISSING');
  }
}

/** Not a JWT of ours: bad format, signature, algorithm, issuer or audience. */
export class TokenInvalidError extends TokenError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, 'TOKEN_INVALID', options);
  }
}

export class TokenExpiredError extends TokenError {
  constructor(options?: { cause?: unknown }) {
    super('The token has expired; ask for a new one.', 'TOKEN_EXPIRED', options);
  }
}

/** Signed by us but the claims do not describe a valid principal (missing role, school without brin, ...). */
export class TokenClaimsError extends TokenError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, 'TOKEN_CLAIMS_INVALID', options);
  }
}

/** `issueToken` was asked for a token that would not verify (wrong claim combination, bad expiry). */
export class InvalidTokenRequestError extends Error {
  readonly code = 'TOKEN_REQUEST_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenRequestError';
  }
}

/** The signing key file exists but cannot be used. */
export class SigningKeyError extends Error {
  readonly code = 'SIGNING_KEY_INVALID';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SigningKeyError';
  }
}
