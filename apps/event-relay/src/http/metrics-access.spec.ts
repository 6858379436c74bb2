import { generateKeyPairSync } from 'node:crypto';
import { TokenService } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { metricsAccess } from './metrics-access.js';

const SCRAPE = 'scrape-token-0123456789abcdef0123456789';
const tokens = new TokenService(generateKeyPairSync('ed25519'));
const bearer = (token: string): string => `Bearer ${token}`;

describe('metricsAccess', () => {
  it('lets in an admin token and the scrape token, refuses other roles and everything else', async () => {
    const check = metricsAccess(tokens, SCRAPE);
    expect(await check(bearer(await tokens.issueToken({ role: 'admin' })))).toBe('allowed');
    expect(await check(bearer(SCRAPE))).toBe('allowed');
    expect(await check(bearer(await tokens.issueToken({ role: 'ocw' })))).toBe('forbidden');
    expect(await check(bearer(`${SCRAPE}0`))).toBe('unauthorized');
    expect(await check(undefined)).toBe('unauthorized');
    expect(await check(`Basic ${SCRAPE}`)).toBe('unauthorized');
  });

  it('without a signing key (the relay on a volume of its own) takes only the scrape token', async () => {
    const check = metricsAccess(undefined, SCRAPE);
    expect(await check(bearer(await tokens.issueToken({ role: 'admin' })))).toBe('unauthorized');
    expect(await check(bearer(SCRAPE))).toBe('allowed');
  });

  it('without a scrape token set, the scrape-looking bearer is just a bad token', async () => {
    expect(await metricsAccess(tokens, undefined)(bearer(SCRAPE))).toBe('unauthorized');
  });
});
