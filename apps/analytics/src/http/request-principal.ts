import { ForbiddenError, type Principal, TokenService, UnauthorizedError } from '@npo/platform';
import type { FastifyRequest } from 'fastify';

/**
 * The caller on a public route, if it sent a token (the guard verifies none there). Reports are
 * public when released; an ad-hoc as-of date needs ocw or admin — two arbitrary dates differenced
 * could isolate a single school's change.
 */
export async function requireAdHocRole(request: FastifyRequest, tokens: TokenService): Promise<Principal> {
  let principal = request.principal;
  if (principal === undefined) {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw new UnauthorizedError('A report as of an arbitrary date (asOf) is for role ocw or admin: send a bearer token.', 'AD_HOC_NEEDS_TOKEN');
    principal = await tokens.verifyToken(match[1] ?? '');
  }
  if (principal.role !== 'ocw' && principal.role !== 'admin') {
    throw new ForbiddenError(`A report as of an arbitrary date (asOf) is for role ocw or admin; role ${principal.role} reads released reports only.`, 'AD_HOC_NOT_ALLOWED');
  }
  return principal;
}
