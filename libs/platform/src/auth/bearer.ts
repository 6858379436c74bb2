import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header; null when the header uses another form. */
export function bearerTokenIn(header: string): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
}

/** Whether `given` is the static scrape token (NPO_METRICS_TOKEN), compared in constant time. */
export function isScrapeToken(given: string, scrapeToken: string | undefined): boolean {
  if (scrapeToken === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(scrapeToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
