import { generateKeyPairSync } from 'node:crypto';
import { TokenExpiredError, TokenInvalidError, TokenService } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.js';

const keys = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, privateKey, kid: 'test' };
};

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2025-03-01T09:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('VerifiedTokenCache', () => {
  it('answers a repeated token from the cache with the same principal as the full check', async () => {
    const clock = manualClock();
    const k = keys();
    const cache = new VerifiedTokenCache(k, clock.now);
    const token = await new TokenService(k, clock.now).issueToken({ role: 'school', brin: '16SW' });

    const first = await cache.verifyToken(token);
    const again = await cache.verifyToken(token);

    expect(first).toEqual({ role: 'school', sub: 'school:16SW', brin: '16SW' });
    expect(again).toBe(first);
    expect(cache.size).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses a cached token once it has expired, with the platform\'s error', async () => {
    const clock = manualClock();
    const k = keys();
    const cache = new VerifiedTokenCache(k, clock.now);
    const token = await new TokenService(k, clock.now).issueToken({ role: 'ocw' }, { expiresIn: '10m' });
    await cache.verifyToken(token);

    clock.advance(10 * 60_000 + 6_000); // past exp and the 5 s clock tolerance
    await expect(cache.verifyToken(token)).rejects.toBeInstanceOf(TokenExpiredError);
    expect(cache.size).toBe(0);
  });

  it('never remembers a token that failed: a tampered copy of a cached token is still refused', async () => {
    const clock = manualClock();
    const k = keys();
    const cache = new VerifiedTokenCache(k, clock.now);
    const token = await new TokenService(k, clock.now).issueToken({ role: 'school', brin: '16SW' });
    await cache.verifyToken(token);

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, brin: '17XX' })).toString('base64url')}.${signature}`;
    await expect(cache.verifyToken(forged)).rejects.toBeInstanceOf(TokenInvalidError);
    await expect(cache.verifyToken(forged)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(cache.size).toBe(1);
  });

  it('refuses a token of another key even when a token of the same principal is cached', async () => {
    const clock = manualClock();
    const k = keys();
    const cache = new VerifiedTokenCache(k, clock.now);
    await cache.verifyToken(await new TokenService(k, clock.now).issueToken({ role: 'admin' }));
    const foreign = await new TokenService(keys(), clock.now).issueToken({ role: 'admin' });
    await expect(cache.verifyToken(foreign)).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it('holds at most maxEntries tokens, dropping the oldest', async () => {
    const clock = manualClock();
    const k = keys();
    const cache = new VerifiedTokenCache(k, clock.now, 2);
    const issuer = new TokenService(k, clock.now);
    const tokens = await Promise.all(['10AA', '10AB', '10AC'].map((brin) => issuer.issueToken({ role: 'school', brin })));
    for (const t of tokens) await cache.verifyToken(t);
    expect(cache.size).toBe(2);
    // The evicted one still verifies (in full) and comes back.
    expect((await cache.verifyToken(tokens[0]!)).role).toBe('school');
    expect(cache.size).toBe(2);
  });
});
