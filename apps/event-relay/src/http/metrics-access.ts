import { bearerTokenIn, isScrapeToken, type TokenService } from '@npo/platform';

export type MetricsVerdict = 'allowed' | 'unauthorized' | 'forbidden';

/**
 * Who may read the relay's /metrics: the same as on every NPO service, role admin (a token signed with
 * the data dir's key, when the relay has one) or the static scrape token NPO_METRICS_TOKEN.
 */
export function metricsAccess(tokens: TokenService | undefined, scrapeToken: string | undefined): (authorization: string | undefined) => Promise<MetricsVerdict> {
  return async (authorization) => {
    const token = authorization === undefined ? null : bearerTokenIn(authorization);
    if (token === null) return 'unauthorized';
    if (isScrapeToken(token, scrapeToken)) return 'allowed';
    if (tokens === undefined) return 'unauthorized';
    try {
      return (await tokens.verifyToken(token)).role === 'admin' ? 'allowed' : 'forbidden';
    } catch {
      return 'unauthorized';
    }
  };
}
