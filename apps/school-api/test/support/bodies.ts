/*
 * Valid request bodies per route of DESIGN.md's School API. Specs spread and override them to make
 * the exact mistake they test.
 */

export const YEAR = '2022-2023';

export const registration = (overrides: Record<string, unknown> = {}) => ({
  name: 'OBS De Regenboog',
  sector: 'bo',
  gemeente: 'GM0363',
  pupils: 240,
  achterstandsscore: 31.5,
  ...overrides,
});

export const scanBody = (overrides: Record<string, unknown> = {}) => ({
  schoolYear: YEAR,
  completedOn: '2022-05-10',
  findings: { rekenen: 'severe', taal: 'mild', lezen: 'considerable', executieveFuncties: 'none', sociaalEmotioneel: 'mild', welbevinden: 'none' },
  ...overrides,
});

export const interventionBody = (code: string, overrides: Record<string, unknown> = {}) => ({
  schoolYear: YEAR,
  code,
  plannedBudgetCents: 12_500_00,
  pupilsReached: 45,
  targetDomains: ['rekenen', 'taal'],
  ...overrides,
});

export const withdrawalBody = (overrides: Record<string, unknown> = {}) => ({ schoolYear: YEAR, reason: 'Geen personeel gevonden', ...overrides });

export const mrDecisionBody = (decision: 'approved' | 'rejected' = 'approved', overrides: Record<string, unknown> = {}) => ({
  schoolYear: YEAR,
  decision,
  decidedOn: '2022-06-20',
  ...overrides,
});

export const evaluationBody = (code: string, overrides: Record<string, unknown> = {}) => ({
  schoolYear: YEAR,
  code,
  implementedAsPlanned: 'partly',
  experiencedEffect: 4,
  measuredEffect: { effectSize: 0.21, pupils: 38, instrument: 'Cito LVS rekenen' },
  ...overrides,
});

export const allocationBody = (amountCents = 250_000_00, overrides: Record<string, unknown> = {}) => ({
  schoolYear: YEAR,
  amountCents,
  basis: 'NPO-bekostiging per leerling',
  ...overrides,
});

/** Distinct valid BRINs: `10AA`, `10AB`, ... */
export const brinNo = (i: number): string =>
  `${10 + Math.floor(i / 676)}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}${String.fromCharCode(65 + (i % 26))}`;
