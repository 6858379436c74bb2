import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiBodySchemas } from './api-bodies.js';
import { apiResponseSchemas } from './api-responses.js';

const good: Record<keyof typeof apiBodySchemas, Record<string, unknown>> = {
  RegisterSchoolBody: { name: 'OBS De Linde', sector: 'bo', gemeente: 'GM0363', pupils: 310, achterstandsscore: 12.5 },
  ScanBody: {
    schoolYear: '2021-2022',
    completedOn: '2021-04-20',
    findings: {
      rekenen: 'severe',
      taal: 'mild',
      lezen: 'mild',
      executieveFuncties: 'considerable',
      sociaalEmotioneel: 'none',
      welbevinden: 'mild',
    },
  },
  InterventionBody: {
    schoolYear: '2021-2022',
    code: 'B3',
    plannedBudgetCents: 2_000_000,
    pupilsReached: 50,
    targetDomains: ['rekenen'],
  },
  WithdrawalBody: { schoolYear: '2021-2022', reason: 'Te weinig personeel' },
  MrDecisionBody: { schoolYear: '2021-2022', decision: 'approved', decidedOn: '2021-07-05' },
  EvaluationBody: { schoolYear: '2021-2022', code: 'B3', implementedAsPlanned: 'yes', experiencedEffect: 5 },
  AllocationBody: { schoolYear: '2021-2022', amountCents: 18_000_000, basis: 'NPO per leerling' },
};

// Text that looks empty or carries bytes no person typed: zero-width and format characters only,
// control characters (NUL, ESC, NEL), and UTF-16 halves without their partner. A name is one line too.
const unreadable = ['\u200B', ' \u200B\u00A0\u2060\uFEFF ', '\u3000', 'De\u0000Linde', 'De\u001BLinde', 'De\u0085Linde', 'De \uD800Linde', 'Linde\uDC00'];
const unreadableName = [...unreadable, 'De\nLinde', 'De\tLinde'];

const bad: Record<keyof typeof apiBodySchemas, Record<string, unknown[]>> = {
  RegisterSchoolBody: { name: ['', ...unreadableName], sector: ['hbo'], gemeente: ['363'], pupils: [-3], achterstandsscore: [-1] },
  ScanBody: { schoolYear: ['2021/2022'], completedOn: ['yesterday'], findings: [{}] },
  InterventionBody: {
    schoolYear: ['2022-2024'],
    code: ['X1'],
    plannedBudgetCents: [0, 99.5],
    pupilsReached: [0],
    targetDomains: [[]],
  },
  WithdrawalBody: { schoolYear: [''], reason: ['', ...unreadable] },
  MrDecisionBody: { decision: ['instemming'], decidedOn: ['2021-7-5'] },
  EvaluationBody: {
    code: ['B'],
    implementedAsPlanned: ['Yes'],
    experiencedEffect: [0, 6, 2.5],
    measuredEffect: [{ effectSize: 0.3 }, ...unreadable.map((instrument) => ({ effectSize: 0.3, pupils: 20, instrument }))],
  },
  AllocationBody: { amountCents: [0, -100, 1.25], basis: ['', ...unreadable] },
};

describe.each(Object.keys(apiBodySchemas) as (keyof typeof apiBodySchemas)[])('%s', (name) => {
  const schema = apiBodySchemas[name];
  it('accepts a good body', () => expect(schema.safeParse(good[name]).error).toBeUndefined());
  it('refuses unknown fields (typos must not pass silently)', () => {
    expect(schema.safeParse({ ...good[name], brin: '16SW' }).success).toBe(false);
  });
  const cases = Object.entries(bad[name]).flatMap(([f, vs]) => vs.map((v) => [f, v] as const));
  it.each(cases)('refuses %s = %j', (field, value) => {
    const result = schema.safeParse({ ...good[name], [field]: value });
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });
  it('produces a JSON Schema for OpenAPI', () => {
    const json = z.toJSONSchema(schema) as { type?: string; properties?: Record<string, unknown> };
    expect(json.type).toBe('object');
    expect(Object.keys(json.properties ?? {})).toEqual(Object.keys(good[name]).concat(name === 'EvaluationBody' ? ['measuredEffect'] : []));
  });
});

describe('free text', () => {
  it('takes a reason or basis over several lines (pasted from a letter), not a name', () => {
    const text = 'Besloten in de MR-vergadering:\r\n\tzie verslag van 12 mei.\nGeen bezwaar.';
    expect(apiBodySchemas.WithdrawalBody.safeParse({ ...good.WithdrawalBody, reason: text }).error).toBeUndefined();
    expect(apiBodySchemas.AllocationBody.safeParse({ ...good.AllocationBody, basis: text }).error).toBeUndefined();
    expect(apiBodySchemas.RegisterSchoolBody.safeParse({ ...good.RegisterSchoolBody, name: text }).error?.issues[0]?.path[0]).toBe('name');
  });

  it.each(['Basisschool \u00C9\u00E9n \u2013 \uD83C\uDF08 Regenboog', "'t Kofschip", 'École\u00A0Internationale'])('accepts %j (accents, emoji pairs, nbsp inside)', (name) => {
    expect(apiBodySchemas.RegisterSchoolBody.safeParse({ ...good.RegisterSchoolBody, name }).error).toBeUndefined();
  });
  it('names the field of nested text', () => {
    const result = apiBodySchemas.EvaluationBody.safeParse({ ...good.EvaluationBody, measuredEffect: { effectSize: 0.3, pupils: 20, instrument: '\u200B' } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['measuredEffect', 'instrument']]);
  });
});

describe('unknown keys inside nested objects', () => {
  const nested = [
    ['ScanBody', 'findings', { ...(good.ScanBody['findings'] as object), sport: 'mild' }, 'sport'],
    ['EvaluationBody', 'measuredEffect', { effectSize: 0.2, pupils: 30, instrument: 'Cito LVS', sd: 1.1 }, 'sd'],
  ] as const;
  it.each(nested)('%s refuses an unknown key in %s, naming it', (name, field, value, key) => {
    const result = apiBodySchemas[name].safeParse({ ...good[name], [field]: value });
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path: [field], keys: [key] })]);
  });
  it.each(nested)('%s documents %s with additionalProperties: false', (name, field) => {
    // As the OpenAPI document renders request bodies: their input side.
    const json = z.toJSONSchema(apiBodySchemas[name], { io: 'input' }) as { properties: Record<string, { additionalProperties?: unknown }> };
    expect(json.properties[field]?.additionalProperties).toBe(false);
  });
});

describe('response schemas', () => {
  it.each(Object.entries(apiResponseSchemas))('%s converts to JSON Schema', (_name, schema) => {
    expect(() => z.toJSONSchema(schema)).not.toThrow();
  });
});
