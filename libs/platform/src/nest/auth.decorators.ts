import { SetMetadata } from '@nestjs/common';
import { type Role } from '../auth/principal.js';

export const PUBLIC_ROUTE = 'npo:public-route';
export const ALLOWED_ROLES = 'npo:allowed-roles';
export const OWN_BRIN_PARAM = 'npo:own-brin-param';
export const OWN_GEMEENTE_PARAM = 'npo:own-gemeente-param';
export const SCRAPE_TOKEN_ROUTE = 'npo:scrape-token-route';

/**
 * No token needed (health, docs). A token that is sent anyway must still be valid (else 401) and
 * becomes `request.principal`. Every other route requires a valid bearer token.
 */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route (handler metadata overrides class metadata). */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ALLOWED_ROLES, roles);

/** A `school` principal may only act on the BRIN in this route parameter; other allowed roles are not restricted by it. */
export const OwnBrin = (param = 'brin') => SetMetadata(OWN_BRIN_PARAM, param);

/** A `gemeente` principal may only act on the gemeente code in this route parameter. */
export const OwnGemeente = (param = 'code') => SetMetadata(OWN_GEMEENTE_PARAM, param);

/**
 * Besides a token of an allowed role, the static scrape token (NPO_METRICS_TOKEN) opens the route: a
 * Prometheus server holds a fixed credential, not a JWT that expires.
 */
export const AllowScrapeToken = () => SetMetadata(SCRAPE_TOKEN_ROUTE, true);
