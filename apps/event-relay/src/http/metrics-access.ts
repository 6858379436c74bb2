import { timingSafeEqual } from 'node:crypto';
import type { TokenService } from '@npo/platform';

export type MetricsVerdict = 'allowed' | 'unauthorized' | 'forbidden';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may read the relay's /metrics: the same as on every NPO service, role admin (a token signed with
 * the data dir's key, when the relay has one) or the static scrape token NPO_METRICS_TOKEN.
 */
export function metricsAccess(tokens: TokenService | undefined, scrapeToken: string | undefined): (authorization: string | undefined) => Promise<MetricsVerdict> {
  return async (authorization) => {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) return 'unauthorized';
    if (scrapeToken !== undefined && sameSecret(match[1], scrapeToken)) return 'allowed';
    if (tokens === undefined) return 'unauthorized';
    try {
      return (await tokens.verifyToken(match[1])).role === 'admin' ? 'allowed' : 'forbidden';
    } catch {
      return 'unauthorized';
    }
  };
}
