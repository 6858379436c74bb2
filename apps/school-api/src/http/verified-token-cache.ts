import { TokenService, type Principal, type TokenKeys } from '@npo/platform';
import { decodeJwt } from 'jose';

interface Verified {
  readonly principal: Principal;
  readonly expiresAtMs: number;
}

/**
 * A TokenService that remembers tokens it has verified until they expire, so a client sending many
 * commands with one token pays for the EdDSA signature check once (it was the largest single CPU cost
 * per command in the HTTP benchmark). Sound because a JWT is immutable and the platform has no
 * revocation: the same bytes verify the same way until `exp`. Only successes are remembered; an
 * expired entry falls through to the full check, which keeps the clock tolerance and error types.
 * Belongs in @npo/platform's TokenService; it lives here until the platform takes it over.
 */
export class VerifiedTokenCache extends TokenService {
  private readonly verified = new Map<string, Verified>();

  constructor(
    keys: TokenKeys,
    private readonly now: () => Date = () => new Date(),
    private readonly maxEntries = 10_000,
  ) {
    super(keys, now);
  }

  override async verifyToken(jwt: string): Promise<Principal> {
    const hit = this.verified.get(jwt);
    if (hit !== undefined) {
      if (this.now().getTime() < hit.expiresAtMs) return hit.principal;
      this.verified.delete(jwt);
    }
    const principal = Object.freeze(await super.verifyToken(jwt));
    const { exp } = decodeJwt(jwt);
    if (typeof exp === 'number') {
      if (this.verified.size >= this.maxEntries) {
        const oldest = this.verified.keys().next().value;
        if (oldest !== undefined) this.verified.delete(oldest);
      }
      this.verified.set(jwt, { principal, expiresAtMs: exp * 1000 });
    }
    return principal;
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.verified.size;
  }
}
