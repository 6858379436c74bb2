import { describe, expect, it } from 'vitest';
import { publicReportOf } from './public-report.js';

// The shape release.json had before the public view: each cell's reason and the maker's disclosure record.
const writtenBefore = {
  releaseId: 'R000001',
  asOf: '2022-07-31',
  basis: { asOf: '2022-07-31', schoolYears: ['2021-2022'] },
  cells: {
    'NL|int:B3:n': { value: 41 },
    'GM0001|int:A3:n': { value: null, reason: 'all-or-nothing' },
    'GM0001|int:B3:n': { value: null, reason: 'threshold' },
    'GM0002|int:B3:n': { value: null, reason: 'secondary' },
  },
  statistics: [],
  disclosure: {
    parameters: { minFrequency: 5 },
    pattern: [
      { cellId: 'GM0001|int:A3:n', reason: 'all-or-nothing' },
      { cellId: 'GM0001|int:B3:n', reason: 'threshold' },
      { cellId: 'GM0002|int:B3:n', reason: 'secondary', carriedOverFrom: 'R000000' },
    ],
    audit: {
      ok: true,
      lpSolves: 3,
      totalLpSolves: 9,
      explorationLps: 1,
      cells: [{ cellId: 'GM0001|int:A3:n', reason: 'all-or-nothing', lower: 0, upper: 3, exact: true, protectionRequired: { lower: 0, upper: 2, minWidth: 1 }, ok: true }],
    },
  },
};

describe('publicReportOf', () => {
  it('serves a release written before the public view with one reason, the withheld ids and the verdict only', () => {
    const report = publicReportOf(writtenBefore);
    expect(report.cells).toEqual({
      'NL|int:B3:n': { value: 41 },
      'GM0001|int:A3:n': { value: null, reason: 'suppressed' },
      'GM0001|int:B3:n': { value: null, reason: 'suppressed' },
      'GM0002|int:B3:n': { value: null, reason: 'suppressed' },
    });
    expect(report.disclosure).toEqual({ parameters: { minFrequency: 5 }, suppressed: ['GM0001|int:A3:n', 'GM0001|int:B3:n', 'GM0002|int:B3:n'], audit: { ok: true } });
    expect(JSON.stringify(report)).not.toMatch(/threshold|all-or-nothing|secondary|protectionRequired|carriedOverFrom|lpSolves/);
    expect(report.basis).toEqual(writtenBefore.basis);
  });

  it('passes a current release through unchanged', () => {
    const current = publicReportOf(writtenBefore);
    expect(publicReportOf(JSON.parse(JSON.stringify(current)))).toEqual(current);
  });
});
