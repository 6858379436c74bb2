import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { bearerTokenIn, isScrapeToken } from '../auth/bearer.js';
import { type Role } from '../auth/principal.js';
import { MissingTokenError, TokenInvalidError } from '../auth/token-errors.js';
import { TokenService } from '../auth/token-service.js';
import { ForbiddenError } from '../errors/http-mapped-error.js';
import type { PlatformConfig } from '../config/config.schema.js';
import { ALLOWED_ROLES, OWN_BRIN_PARAM, OWN_GEMEENTE_PARAM, PUBLIC_ROUTE, SCRAPE_TOKEN_ROUTE } from './auth.decorators.js';
import { PLATFORM_CONFIG } from './tokens.js';

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw new MissingTokenError();
  const token = bearerTokenIn(header);
  if (token === null) throw new TokenInvalidError('the Authorization header must use the Bearer scheme');
  return token;
}

function routeParam(request: FastifyRequest, name: string): string | undefined {
  const params = request.params as Record<string, string | undefined> | undefined;
  return params?.[name];
}

/** What the decorators say about one handler; read once per handler, not per request. */
interface RouteAuth {
  readonly isPublic: boolean;
  readonly roles: readonly Role[] | undefined;
  readonly brinParam: string | undefined;
  readonly gemeenteParam: string | undefined;
  readonly scrapeToken: boolean;
}

/**
 * Installed globally: every route needs a valid token unless marked {@link Public} (where a token
 * is optional, but one that is sent must be valid); then
 * {@link Roles}, {@link OwnBrin} and {@link OwnGemeente} narrow who may call it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  // Decorator metadata is fixed once the app is built, so each handler's answer is kept.
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAuth>>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(PLATFORM_CONFIG) private readonly config: Pick<PlatformConfig, 'metricsToken'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const route = this.routeAuth(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (route.isPublic) {
      // Public means no token is needed, not that a broken one is ignored: a client whose token
      // expired or was mangled learns it here rather than on its next protected call.
      const header = request.headers.authorization;
      if (header === undefined || header.trim() === '') return true;
      // Only our scheme is ours to judge: Basic credentials a proxy forwards to a health probe are not a token.
      if (!/^bearer(\s|$)/i.test(header.trim())) return true;
      const token = bearerToken(request);
      if (isScrapeToken(token, this.config.metricsToken)) return true;
      request.principal = await this.tokens.verifyToken(token);
      return true;
    }

    const token = bearerToken(request);
    if (route.scrapeToken && isScrapeToken(token, this.config.metricsToken)) return true;
    const principal = await this.tokens.verifyToken(token);
    request.principal = principal;

    const { roles, brinParam, gemeenteParam } = route;
    if (roles !== undefined && !roles.includes(principal.role)) {
      throw new ForbiddenError(`This route is for role ${roles.join(' or ')}; the token has role ${principal.role}.`, 'ROLE_NOT_ALLOWED');
    }
    if (brinParam !== undefined && principal.role === 'school' && routeParam(request, brinParam) !== principal.brin) {
      throw new ForbiddenError(`A school may only act on its own BRIN (${principal.brin}).`, 'NOT_OWN_BRIN');
    }
    if (gemeenteParam !== undefined && principal.role === 'gemeente' && routeParam(request, gemeenteParam) !== principal.gemeente) {
      throw new ForbiddenError(`A gemeente may only act on its own code (${principal.gemeente}).`, 'NOT_OWN_GEMEENTE');
    }
    return true;
  }

  private routeAuth(context: ExecutionContext): RouteAuth {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.routes.get(controller);
    if (byHandler === undefined) this.routes.set(controller, (byHandler = new WeakMap()));
    const known = byHandler.get(handler);
    if (known !== undefined) return known;
    const targets = [handler, controller];
    const route: RouteAuth = {
      isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true,
      roles: this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets),
      brinParam: this.reflector.getAllAndOverride<string | undefined>(OWN_BRIN_PARAM, targets),
      gemeenteParam: this.reflector.getAllAndOverride<string | undefined>(OWN_GEMEENTE_PARAM, targets),
      scrapeToken: this.reflector.getAllAndOverride<boolean | undefined>(SCRAPE_TOKEN_ROUTE, targets) === true,
    };
    byHandler.set(handler, route);
    return route;
  }
}
