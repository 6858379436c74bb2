import { describe, expect, it } from 'vitest';
import {
  brinSchema,
  gemeenteCodeSchema,
  isoDateSchema,
  menukaartCodeSchema,
  positiveCentsSchema,
  schoolYearSchema,
  targetDomainsSchema,
} from './primitives.js';

const accepts = (s: { safeParse(v: unknown): { success: boolean } }, v: unknown) => s.safeParse(v).success;

describe('identifiers', () => {
  it.each(['16SW', '00AA', '16SW03'])('accepts BRIN %s', (v) => expect(accepts(brinSchema, v)).toBe(true));
  it.each(['16sw', '16SW3', '1SW0', 'SW16', '16SW033', '', ' 16SW'])('rejects BRIN %j', (v) =>
    expect(accepts(brinSchema, v)).toBe(false),
  );
  it.each(['GM0363', 'GM0001'])('accepts gemeente %s', (v) => expect(accepts(gemeenteCodeSchema, v)).toBe(true));
  it.each(['0363', 'gm0363', 'GM363', 'GM03630'])('rejects gemeente %j', (v) =>
    expect(accepts(gemeenteCodeSchema, v)).toBe(false),
  );
  it.each(['A1', 'B12', 'F2'])('accepts menukaart code %s', (v) => expect(accepts(menukaartCodeSchema, v)).toBe(true));
  it.each(['G1', 'a1', 'B0', 'B123', 'B'])('rejects menukaart code %j', (v) =>
    expect(accepts(menukaartCodeSchema, v)).toBe(false),
  );
});

describe('schoolYear', () => {
  it.each(['2021-2022', '2024-2025'])('accepts %s', (v) => expect(accepts(schoolYearSchema, v)).toBe(true));
  it.each(['2021-2023', '2022-2021', '2021/2022', "2021/'22", '2021-22', '2021-2021'])('rejects %j', (v) =>
    expect(accepts(schoolYearSchema, v)).toBe(false),
  );
});

describe('dates and money', () => {
  it('accepts a real calendar date and rejects impossible or timestamped ones', () => {
    expect(accepts(isoDateSchema, '2024-02-29')).toBe(true);
    expect(accepts(isoDateSchema, '2023-02-29')).toBe(false);
    expect(accepts(isoDateSchema, '2021-13-01')).toBe(false);
    expect(accepts(isoDateSchema, '2021-04-20T10:00:00Z')).toBe(false);
  });
  it.each([1, 250_000_00, Number.MAX_SAFE_INTEGER])('accepts %d cents', (v) =>
    expect(accepts(positiveCentsSchema, v)).toBe(true),
  );
  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '100'])('rejects %j cents', (v) =>
    expect(accepts(positiveCentsSchema, v)).toBe(false),
  );
});

describe('targetDomains', () => {
  it('needs at least one known domain and no repeats', () => {
    expect(accepts(targetDomainsSchema, ['rekenen', 'welbevinden'])).toBe(true);
    expect(accepts(targetDomainsSchema, [])).toBe(false);
    expect(accepts(targetDomainsSchema, ['rekenen', 'rekenen'])).toBe(false);
    expect(accepts(targetDomainsSchema, ['sport'])).toBe(false);
  });
});
