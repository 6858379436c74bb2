import { type KeyObject, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { brinPattern, gemeenteCodePattern, isRole, type Principal, type Role, subjectPattern } from './principal.js';
import { loadOrCreateSigningKey, signingKeyDir } from './signing-key.js';
import { InvalidTokenRequestError, TokenClaimsError, TokenExpiredError, TokenInvalidError } from './token-errors.js';

/** Fixed: tokens are only ever minted and accepted by this platform. */
export const TOKEN_ISSUER = 'npo-platform';
export const TOKEN_AUDIENCE = 'npo-platform';
export const TOKEN_ALGORITHM = 'EdDSA';
export const DEFAULT_TOKEN_LIFETIME = '12h';
/** Longer-lived tokens are refused: there is no revocation list, so expiry is the only way out. */
export const MAX_TOKEN_LIFETIME_SECONDS = 366 * 24 * 3600;
/** How far the issuer's clock may run ahead of ours (iat) or behind (exp), in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenRequest {
  readonly role: Role;
  /** Required for `school`, refused for any other role. */
  readonly brin?: string;
  /** Required for `gemeente`, refused for any other role. */
  readonly gemeente?: string;
  /** Required for `researcher` (their epsilon ledger is per subject); defaults to `<role>:<scope>` or the role. */
  readonly sub?: string;
}

export interface IssueOptions {
  /** Seconds, or `<n>s|m|h|d` (e.g. `12h`). Defaults to 12 hours. */
  readonly expiresIn?: number | string;
}

export interface TokenKeys {
  readonly publicKey: KeyObject;
  /** Absent on a verify-only service. */
  readonly privateKey?: KeyObject;
  readonly kid?: string;
}

const durationPattern = /^(\d{1,9})\s*([smhd])$/;
const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Parses a token lifetime (`90`, `30m`, `12h`, `7d`) into seconds. */
export function parseLifetime(expiresIn: number | string): number {
  let seconds: number;
  if (typeof expiresIn === 'number') {
    seconds = expiresIn;
  } else {
    const m = durationPattern.exec(expiresIn.trim());
    if (m === null) throw new InvalidTokenRequestError(`expiry ${JSON.stringify(expiresIn)} must look like 90s, 30m, 12h or 7d`);
    seconds = Number(m[1]) * unitSeconds[m[2] as keyof typeof unitSeconds];
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new InvalidTokenRequestError(`expiry must be between 1 second and ${MAX_TOKEN_LIFETIME_SECONDS / 86400} days`);
  }
  return seconds;
}

/**
 * Checks that claims describe exactly one valid principal. Shared by issue and verify so a token
 * we mint always verifies, and one we would not mint never does.
 */
function principalFrom(claims: { role?: unknown; brin?: unknown; gemeente?: unknown; sub?: unknown }, fail: (detail: string) => Error): Principal {
  const { role, brin, gemeente, sub } = claims;
  if (!isRole(role)) throw fail(`role must be one of school, gemeente, researcher, ocw, admin`);
  if (typeof sub !== 'string' || !subjectPattern.test(sub)) throw fail('sub must be 1-128 printable characters');
  if (role === 'school') {
    if (typeof brin !== 'string' || !brinPattern.test(brin)) throw fail('a school token needs a brin like 16SW or 16SW03');
  } else if (brin !== undefined) {
    throw fail(`a ${role} token must not carry a brin`);
  }
  if (role === 'gemeente') {
    if (typeof gemeente !== 'string' || !gemeenteCodePattern.test(gemeente)) throw fail('a gemeente token needs a gemeente code like GM0363');
  } else if (gemeente !== undefined) {
    throw fail(`a ${role} token must not carry a gemeente`);
  }
  switch (role) {
    case 'school':
      return { role, sub, brin: brin as string };
    case 'gemeente':
      return { role, sub, gemeente: gemeente as string };
    case 'researcher':
    case 'ocw':
    case 'admin':
      return { role, sub };
    default: {
      const unreachable: never = role;
      throw fail(`unknown role ${String(unreachable)}`);
    }
  }
}

function defaultSubject(request: TokenRequest): string | undefined {
  switch (request.role) {
    case 'school':
      return request.brin === undefined ? undefined : `school:${request.brin}`;
    case 'gemeente':
      return request.gemeente === undefined ? undefined : `gemeente:${request.gemeente}`;
    case 'ocw':
    case 'admin':
      return request.role;
    case 'researcher':
      return undefined; // a researcher must be named: budgets and audit are per person
    default: {
      const unreachable: never = request.role;
      return unreachable;
    }
  }
}

function translateJoseError(error: unknown): Error {
  if (error instanceof joseErrors.JWTExpired) return new TokenExpiredError({ cause: error });
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iat' && error.reason === 'check_failed') return new TokenInvalidError('the token was issued in the future (iat)', { cause: error });
    if (error.reason === 'missing') return new TokenClaimsError(`the token lacks the ${error.claim} claim`, { cause: error });
    return new TokenInvalidError(`the token's ${error.claim} claim is not accepted`, { cause: error });
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return new TokenInvalidError(`tokens must be signed with ${TOKEN_ALGORITHM}`, { cause: error });
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenInvalidError('the token signature is invalid', { cause: error });
  if (error instanceof joseErrors.JOSEError) return new TokenInvalidError('the token is not a well-formed JWT', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** Mints and checks the platform's bearer tokens (EdDSA JWTs) with one key pair. */
export class TokenService {
  constructor(
    private readonly keys: TokenKeys,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The service for a data dir's key, generating the key on first use. */
  static async fromDataDir(dataDir: string, clock?: () => Date): Promise<TokenService> {
    return new TokenService(await loadOrCreateSigningKey(signingKeyDir(dataDir)), clock);
  }

  async issueToken(request: TokenRequest, options: IssueOptions = {}): Promise<string> {
    if (this.keys.privateKey === undefined) throw new InvalidTokenRequestError('this token service can only verify');
    const sub = request.sub ?? defaultSubject(request);
    if (sub === undefined) throw new InvalidTokenRequestError(`a ${request.role} token needs a subject (sub)`);
    const principal = principalFrom({ ...request, sub }, (detail) => new InvalidTokenRequestError(detail));
    const lifetime = parseLifetime(options.expiresIn ?? DEFAULT_TOKEN_LIFETIME);
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    const { sub: _sub, ...scope } = principal;
    return new SignJWT(scope)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', ...(this.keys.kid ? { kid: this.keys.kid } : {}) })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(principal.sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + lifetime)
      .setJti(randomUUID())
      .sign(this.keys.privateKey);
  }

  /**
   * Verifies signature, algorithm, issuer, audience, issue time and expiry, then the role claims.
   * Throws a {@link TokenError}. Accepts no more than issueToken would mint: a future iat or a
   * lifetime over the cap can only come from a leaked key or a broken issuer clock.
   */
  async verifyToken(jwt: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, this.keys.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        typ: 'JWT',
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: this.clock(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // Also makes jose refuse an iat in the future (beyond the tolerance).
        maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
      }));
    } catch (error) {
      throw translateJoseError(error);
    }
    // Present and numeric: requiredClaims and jose's date checks saw to that.
    if ((payload.exp as number) - (payload.iat as number) > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new TokenInvalidError(`the token lives longer than ${MAX_TOKEN_LIFETIME_SECONDS / 86400} days, more than any token issued here`);
    }
    return principalFrom(payload, (detail) => new TokenClaimsError(detail));
  }
}
