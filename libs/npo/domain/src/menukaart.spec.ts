import { describe, expect, it } from 'vitest';
import {
  categoryOf,
  codesInEdition,
  isCodeInEdition,
  menukaart,
  menukaartCategories,
  menukaartEditionFor,
  menukaartEntry,
  programmeSchoolYears,
  type MenukaartEdition,
} from './menukaart.js';

// The table as it stands in NPO-FACTS.md (pasted, not derived from the code), parsed below.
const factsTable = `
| A1 | Voor- en vroegschoolse interventies | +5 / 4 / 5 | (not in v2) |
| A2 | Uitbreiding onderwijs(tijd) | +2 / 3 / 3 | +3 / 2 / 3 |
| A3 | Zomer- of lentescholen | +2 / 4 / 3 | +3 / 2 / 3 |
| B1 | Een-op-een-begeleiding | +5 / 4 / 4 | +5 / 3 / 3 |
| B2 | Individuele instructie | +3 / 3 / - | +4 / 2 / - |
| B3 | Instructie in kleine groepen | +4 / 2 / 3 | +4 / 3 / 2 |
| B4 | Directe instructie | - | - |
| B5 | Leren van en met medeleerlingen | +5 / 4 / - | +5 / 4 / - |
| B6 | Feedback | +8 / 3 / - | +6 / 4 / - |
| B7 | Beheersingsgericht leren | +5 / 3 / - | +5 / 2 / - |
| B8 | Technieken voor begrijpend lezen | +6 / 4 / - | +6 / 4 / - |
| B9 | Gesprokentaalinterventies | +5 / 4 / - | +6 / 4 / - |
| B10 | Fonemisch bewustzijn | (not in v1) | +5 / 5 / - |
| B11 | Schrijfonderwijs | (not in v1) | - |
| B12 | Loopbaanorientatie | (not in v1) | - |
| C1 | Welbevinden (interventions from NCJ, Trimbos, Pharos, NIP, NJi) | - | - |
| C2 | Sportieve activiteiten | +2 / 2 / 3 | +1 / 3 / 3 |
| C3 | Cultuureducatie | +2 / 3 / 2 | +3 / 3 / - |
| D1 | Metacognitie en zelfregulerend leren | +7 / 4 / - | +7 / 4 / - |
| D2 | Samenwerkend leren | +5 / 4 / - | +5 / 3 / - |
| E1 | Klassenverkleining | +3 / 3 / 4 | +2 / - / 5 |
| E2 | Onderwijsassistenten / instructeurs | +1 / 2 / 4 | not read |
| F1 | Ouderbetrokkenheid | +3 / 3 / 3 | not read |
| F2 | Digitale technologie | +4 / 4 / 3 | not read |
`;

const figure = (s: string | undefined) => (s === undefined || s.trim() === '-' ? null : Number(s.replace('+', '')));
type Expected = { months: number | null; evidence: number | null; cost: number | null; figuresRead: boolean } | 'absent';
const parseCell = (cell: string): Expected => {
  if (cell.startsWith('(not in')) return 'absent';
  if (cell === 'not read') return { months: null, evidence: null, cost: null, figuresRead: false };
  const [m, e, c] = cell.split('/');
  return { months: figure(m), evidence: figure(e), cost: figure(c), figuresRead: true };
};
const rows = factsTable
  .trim()
  .split('\n')
  .map((line) => line.split('|').map((c) => c.trim()).filter((c) => c !== ''))
  .map(([code, name, v1, v2]) => ({ code: code ?? '', name: name ?? '', v1: parseCell(v1 ?? ''), v2: parseCell(v2 ?? '') }));

describe('menukaart reference data', () => {
  it('has exactly the codes of NPO-FACTS.md, in its order', () => {
    expect(menukaart.map((e) => e.code)).toEqual(rows.map((r) => r.code));
  });

  it.each(rows)('$code matches the facts table for both editions', (row) => {
    const entry = menukaartEntry(row.code);
    expect(entry).toBeDefined();
    for (const edition of ['v1', 'v2'] as MenukaartEdition[]) {
      const expected = row[edition];
      if (expected === 'absent') expect(entry?.editions[edition]).toBeUndefined();
      else expect(entry?.editions[edition]).toEqual(expected);
    }
  });

  it.each(rows)('$code has the Dutch name of the facts table', (row) => {
    const entry = menukaartEntry(row.code);
    const base = row.name.replace(/ \(interventions from .*\)$/, '');
    // The only deliberate difference: the diaeresis the facts file lost in transcription.
    expect(entry?.name.normalize('NFD').replace(/\p{M}/gu, '')).toBe(base);
  });

  it('derives each category from the code letter and names all six doelgebieden', () => {
    expect(categoryOf('B10')).toBe('B');
    expect(categoryOf('F2')).toBe('F');
    expect(categoryOf('Z1')).toBeUndefined();
    expect(menukaartCategories.F.name).toBe('Faciliteiten en randvoorwaarden');
    expect(menukaartCategories.E.name).toBe('(Extra) inzet personeel en ondersteuning');
    expect(new Set(menukaart.map((e) => e.category))).toEqual(new Set(['A', 'B', 'C', 'D', 'E', 'F']));
  });

  it('lists which codes exist per edition', () => {
    expect(codesInEdition('v1')).toHaveLength(21);
    expect(codesInEdition('v2')).toHaveLength(23);
    expect(codesInEdition('v1')).not.toContain('B10');
    expect(codesInEdition('v2')).not.toContain('A1');
    expect(isCodeInEdition('A1', 'v1')).toBe(true);
    expect(isCodeInEdition('nope', 'v1')).toBe(false);
  });
});

describe('menukaartEditionFor', () => {
  it.each([
    ['2021-2022', 'v1'],
    ['2022-2023', 'v1'],
    ['2023-2024', 'v2'],
    ['2024-2025', 'v2'],
    ['2020-2021', undefined],
    ['2025-2026', undefined],
    ['garbage', undefined],
  ])('%s -> %s', (year, edition) => {
    expect(menukaartEditionFor(year)).toBe(edition);
  });
  it('gives every programme year an edition', () => {
    for (const y of programmeSchoolYears) expect(menukaartEditionFor(y)).toBeDefined();
  });
});
