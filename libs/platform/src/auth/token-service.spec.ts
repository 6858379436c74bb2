import { generateKeyPairSync } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidTokenRequestError, TokenClaimsError, TokenExpiredError, TokenInvalidError } from './token-errors.js';
import { parseLifetime, TokenService } from './token-service.js';

const edKeys = () => generateKeyPairSync('ed25519');
const keys = edKeys();
const start = new Date('2026-03-01T08:00:00Z');
const at = (date: Date) => () => date;
const service = new TokenService({ ...keys, kid: 'test-kid' }, at(start));

/** Signs arbitrary claims with the service's key, bypassing issueToken's own checks. */
async function forge(claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (j) => j): Promise<string> {
  const now = Math.floor(start.getTime() / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).setIssuer('npo-platform').setAudience('npo-platform').setIssuedAt(now).setExpirationTime(now + 3600);
  return edit(jwt).sign(keys.privateKey);
}

describe('TokenService round trip', () => {
  it.each([
    [{ role: 'school', brin: '16SW' }, { role: 'school', brin: '16SW', sub: 'school:16SW' }],
    [{ role: 'school', brin: '16SW03', sub: 'teacher-7' }, { role: 'school', brin: '16SW03', sub: 'teacher-7' }],
    [{ role: 'gemeente', gemeente: 'GM0363' }, { role: 'gemeente', gemeente: 'GM0363', sub: 'gemeente:GM0363' }],
    [{ role: 'researcher', sub: 'j.jansen' }, { role: 'researcher', sub: 'j.jansen' }],
    [{ role: 'ocw' }, { role: 'ocw', sub: 'ocw' }],
    [{ role: 'admin' }, { role: 'admin', sub: 'admin' }],
  ] as const)('issues and verifies %j', async (request, expected) => {
    const jwt = await service.issueToken(request);
    expect(await service.verifyToken(jwt)).toEqual(expected);
  });

  it('signs with EdDSA, fixed issuer and audience, the key id, and the requested lifetime', async () => {
    const jwt = await service.issueToken({ role: 'ocw' }, { expiresIn: '2h' });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'test-kid' });
    const claims = decodeJwt(jwt);
    expect(claims.iss).toBe('npo-platform');
    expect(claims.aud).toBe('npo-platform');
    expect(claims.iat).toBe(start.getTime() / 1000);
    expect(claims.exp).toBe(start.getTime() / 1000 + 2 * 3600);
    expect(typeof claims.jti).toBe('string');
  });

  it('defaults to a 12 hour lifetime', async () => {
    const claims = decodeJwt(await service.issueToken({ role: 'admin' }));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 3600);
  });
});

describe('TokenService rejects', () => {
  it('an expired token', async () => {
    const jwt = await service.issueToken({ role: 'ocw' }, { expiresIn: '1h' });
    const later = new TokenService(keys, at(new Date(start.getTime() + 3600_000 + 60_000)));
    await expect(later.verifyToken(jwt)).rejects.toBeInstanceOf(TokenExpiredError);
  });

  it('a token signed by another key', async () => {
    const other = new TokenService(edKeys(), at(start));
    const jwt = await other.issueToken({ role: 'admin' });
    const error = await service.verifyToken(jwt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenInvalidError);
    expect((error as TokenInvalidError).code).toBe('TOKEN_INVALID');
  });

  it('a token whose payload was tampered with', async () => {
    const jwt = await service.issueToken({ role: 'school', brin: '16SW' });
    const [header, payload, signature] = jwt.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, brin: '99ZZ' }));
    await expect(service.verifyToken(`${header}.${forged}.${signature}`)).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it('an unsigned token (alg none)', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const claims = decodeJwt(await service.issueToken({ role: 'admin' }));
    const payload = base64url.encode(JSON.stringify(claims));
    await expect(service.verifyToken(`${header}.${payload}.`)).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it('a token signed with another algorithm, even with valid claims', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(start.getTime() / 1000);
    const jwt = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer('npo-platform')
      .setAudience('npo-platform')
      .setSubject('admin')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(ec.privateKey);
    await expect(service.verifyToken(jwt)).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it('an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const secret = new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' }));
    const now = Math.floor(start.getTime() / 1000);
    const jwt = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('npo-platform')
      .setAudience('npo-platform')
      .setSubject('admin')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(secret);
    await expect(service.verifyToken(jwt)).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it('garbage', async () => {
    await expect(service.verifyToken('not-a-jwt')).rejects.toBeInstanceOf(TokenInvalidError);
    await expect(service.verifyToken('')).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it.each([
    ['another issuer', (j: SignJWT) => j.setIssuer('someone-else').setSubject('admin')],
    ['another audience', (j: SignJWT) => j.setAudience('another-api').setSubject('admin')],
  ])('a token for %s', async (_what, edit) => {
    await expect(service.verifyToken(await forge({ role: 'admin' }, edit))).rejects.toBeInstanceOf(TokenInvalidError);
  });

  it.each([
    ['no sub', { role: 'admin' }, (j: SignJWT) => j],
    ['no role', {}, (j: SignJWT) => j.setSubject('x')],
    ['an unknown role', { role: 'superuser' }, (j: SignJWT) => j.setSubject('x')],
    ['a school without brin', { role: 'school' }, (j: SignJWT) => j.setSubject('x')],
    ['a school with a malformed brin', { role: 'school', brin: '16sw' }, (j: SignJWT) => j.setSubject('x')],
    ['a gemeente without code', { role: 'gemeente' }, (j: SignJWT) => j.setSubject('x')],
    ['a gemeente with a DUO number instead of a CBS code', { role: 'gemeente', gemeente: '0363' }, (j: SignJWT) => j.setSubject('x')],
    ['an ocw token that also claims a brin', { role: 'ocw', brin: '16SW' }, (j: SignJWT) => j.setSubject('x')],
    ['a school token that also claims a gemeente', { role: 'school', brin: '16SW', gemeente: 'GM0363' }, (j: SignJWT) => j.setSubject('x')],
  ])('a token with %s', async (_what, claims, edit) => {
    const error = await service.verifyToken(await forge(claims, edit)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenClaimsError);
    expect((error as TokenClaimsError).toProblem().status).toBe(401);
  });

  it.each([
    ['issued 24 h in the future', (now: number) => ({ iat: now + 86_400, exp: now + 2 * 86_400 })],
    ['issued just beyond the clock tolerance', (now: number) => ({ iat: now + 6, exp: now + 3600 })],
    ['that lives 100 years', (now: number) => ({ iat: now, exp: now + 100 * 365 * 86_400 })],
    ['that lives one second over the issuing cap', (now: number) => ({ iat: now - 10, exp: now - 10 + 366 * 86_400 + 1 })],
  ])('a token %s', async (_what, times) => {
    const { iat, exp } = times(Math.floor(start.getTime() / 1000));
    const error = await service.verifyToken(await forge({ role: 'admin' }, (j) => j.setSubject('admin').setIssuedAt(iat).setExpirationTime(exp))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenInvalidError);
    expect((error as TokenInvalidError).toProblem().status).toBe(401);
  });

  it.each([
    ['issued within the clock tolerance ahead', (now: number) => ({ iat: now + 5, exp: now + 3600 })],
    ['that lives exactly the issuing cap', (now: number) => ({ iat: now - 10, exp: now - 10 + 366 * 86_400 })],
  ])('but accepts a token %s', async (_what, times) => {
    const { iat, exp } = times(Math.floor(start.getTime() / 1000));
    const jwt = await forge({ role: 'admin' }, (j) => j.setSubject('admin').setIssuedAt(iat).setExpirationTime(exp));
    expect(await service.verifyToken(jwt)).toEqual({ role: 'admin', sub: 'admin' });
  });

  it('a token without an expiry', async () => {
    const jwt = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer('npo-platform')
      .setAudience('npo-platform')
      .setSubject('admin')
      .setIssuedAt(Math.floor(start.getTime() / 1000))
      .sign(keys.privateKey);
    await expect(service.verifyToken(jwt)).rejects.toBeInstanceOf(TokenClaimsError);
  });
});

describe('TokenService.issueToken refuses requests that would not verify', () => {
  it.each([
    [{ role: 'school' }],
    [{ role: 'school', brin: 'SW16' }],
    [{ role: 'gemeente' }],
    [{ role: 'gemeente', gemeente: 'Amsterdam' }],
    [{ role: 'researcher' }],
    [{ role: 'researcher', sub: ' padded ' }],
    [{ role: 'ocw', brin: '16SW' }],
    [{ role: 'admin', gemeente: 'GM0363' }],
    [{ role: 'root' }],
  ])('%j', async (request) => {
    await expect(service.issueToken(request as never)).rejects.toBeInstanceOf(InvalidTokenRequestError);
  });

  it('a verify-only service cannot issue', async () => {
    const verifyOnly = new TokenService({ publicKey: keys.publicKey }, at(start));
    await expect(verifyOnly.issueToken({ role: 'admin' })).rejects.toBeInstanceOf(InvalidTokenRequestError);
    expect(await verifyOnly.verifyToken(await service.issueToken({ role: 'admin' }))).toEqual({ role: 'admin', sub: 'admin' });
  });
});

describe('parseLifetime', () => {
  it.each([
    [90, 90],
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43200],
    ['7d', 604800],
  ] as const)('%j is %d seconds', (input, seconds) => {
    expect(parseLifetime(input)).toBe(seconds);
  });

  it.each([0, -5, 1.5, '', '12', '12x', 'h', '400d', 366 * 86400 + 1])('rejects %j', (input) => {
    expect(() => parseLifetime(input)).toThrow(InvalidTokenRequestError);
  });
});
