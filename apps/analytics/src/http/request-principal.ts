import { bearerTokenIn, ForbiddenError, type Principal, TokenService, UnauthorizedError } from '@npo/platform';
import type { FastifyRequest } from 'fastify';

/**
 * The caller on a public route, if it sent a bearer token; a bad one is still a 401. Other schemes are
 * not ours to judge (a proxy may forward Basic credentials), as in the platform's guard: the caller is
 * anonymous then.
 */
export async function optionalPrincipal(request: FastifyRequest, tokens: TokenService): Promise<Principal | undefined> {
  if (request.principal !== undefined) return request.principal;
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const token = bearerTokenIn(header);
  if (token === null) return undefined;
  return tokens.verifyToken(token);
}

export const isTrustedRole = (principal: Principal | undefined): boolean => principal?.role === 'ocw' || principal?.role === 'admin';

/**
 * Reports are public when released; an ad-hoc as-of date needs ocw or admin — two arbitrary dates
 * differenced could isolate a single school's change.
 */
export async function requireAdHocRole(request: FastifyRequest, tokens: TokenService): Promise<Principal> {
  const principal = await optionalPrincipal(request, tokens);
  if (principal === undefined) throw new UnauthorizedError('A report as of an arbitrary date (asOf) is for role ocw or admin: send a bearer token.', 'AD_HOC_NEEDS_TOKEN');
  if (!isTrustedRole(principal)) {
    throw new ForbiddenError(`A report as of an arbitrary date (asOf) is for role ocw or admin; role ${principal.role} reads released reports only.`, 'AD_HOC_NOT_ALLOWED');
  }
  return principal;
}
