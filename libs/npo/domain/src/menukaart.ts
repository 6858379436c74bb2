/*
 * The NPO menukaart as reference data, transcribed from the project's NPO-FACTS.md (EEF Teaching and
 * Learning Toolkit figures in the Dutch NRO edition). The codes A1..F2 are this project's stable ids,
 * not official NPO numbering.
 */

export const menukaartEditions = ['v1', 'v2'] as const;
export type MenukaartEdition = (typeof menukaartEditions)[number];

export const menukaartCategoryCodes = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type MenukaartCategoryCode = (typeof menukaartCategoryCodes)[number];

/** Doelgebieden, spelled as NPO does (user-facing Dutch labels). */
export const menukaartCategories: Readonly<Record<MenukaartCategoryCode, { readonly name: string }>> = {
  A: { name: 'Meer onderwijs' },
  B: { name: 'Effectievere inzet van onderwijs' },
  C: { name: 'Sociaal-emotionele en fysieke ontwikkeling' },
  D: { name: 'Executieve functies' },
  E: { name: '(Extra) inzet personeel en ondersteuning' },
  F: { name: 'Faciliteiten en randvoorwaarden' },
};

/**
 * Months of extra progress (+n), strength of evidence (1-5) and cost (1-5). A null figure means the
 * menukaart shows "-" (not rated). `figuresRead: false` means the intervention is in the edition but
 * its figures were not read from the source yet, so all three are null for that reason instead.
 */
export interface ImpactFigures {
  readonly months: number | null;
  readonly evidence: number | null;
  readonly cost: number | null;
  readonly figuresRead: boolean;
}

export interface MenukaartEntry {
  readonly code: string;
  readonly category: MenukaartCategoryCode;
  readonly name: string;
  /** Extra explanation of what the entry covers (not part of the NPO name). */
  readonly note?: string;
  /** Figures per edition; an absent key means the entry is not in that edition. */
  readonly editions: Readonly<Partial<Record<MenukaartEdition, ImpactFigures>>>;
}

const rated = (months: number | null, evidence: number | null, cost: number | null): ImpactFigures => ({
  months,
  evidence,
  cost,
  figuresRead: true,
});
const notRated = rated(null, null, null);
const notRead: ImpactFigures = { months: null, evidence: null, cost: null, figuresRead: false };

const entry = (
  code: string,
  name: string,
  editions: MenukaartEntry['editions'],
  note?: string,
): MenukaartEntry => ({
  code,
  category: code.charAt(0) as MenukaartCategoryCode,
  name,
  editions,
  ...(note === undefined ? {} : { note }),
});

/** In menukaart order; the same order is used when a plan lists its choices. */
export const menukaart: readonly MenukaartEntry[] = [
  entry('A1', 'Voor- en vroegschoolse interventies', { v1: rated(5, 4, 5) }),
  entry('A2', 'Uitbreiding onderwijs(tijd)', { v1: rated(2, 3, 3), v2: rated(3, 2, 3) }),
  entry('A3', 'Zomer- of lentescholen', { v1: rated(2, 4, 3), v2: rated(3, 2, 3) }),
  entry('B1', 'Een-op-een-begeleiding', { v1: rated(5, 4, 4), v2: rated(5, 3, 3) }),
  entry('B2', 'Individuele instructie', { v1: rated(3, 3, null), v2: rated(4, 2, null) }),
  entry('B3', 'Instructie in kleine groepen', { v1: rated(4, 2, 3), v2: rated(4, 3, 2) }),
  entry('B4', 'Directe instructie', { v1: notRated, v2: notRated }),
  entry('B5', 'Leren van en met medeleerlingen', { v1: rated(5, 4, null), v2: rated(5, 4, null) }),
  entry('B6', 'Feedback', { v1: rated(8, 3, null), v2: rated(6, 4, null) }),
  entry('B7', 'Beheersingsgericht leren', { v1: rated(5, 3, null), v2: rated(5, 2, null) }),
  entry('B8', 'Technieken voor begrijpend lezen', { v1: rated(6, 4, null), v2: rated(6, 4, null) }),
  entry('B9', 'Gesprokentaalinterventies', { v1: rated(5, 4, null), v2: rated(6, 4, null) }),
  entry('B10', 'Fonemisch bewustzijn', { v2: rated(5, 5, null) }),
  entry('B11', 'Schrijfonderwijs', { v2: notRated }),
  // NPO-FACTS.md writes "Loopbaanorientatie" (no diaeresis, lost in transcription); Dutch spells it with ë.
  entry('B12', 'Loopbaanoriëntatie', { v2: notRated }),
  entry('C1', 'Welbevinden', { v1: notRated, v2: notRated }, 'Interventies van NCJ, Trimbos, Pharos, NIP en NJi'),
  entry('C2', 'Sportieve activiteiten', { v1: rated(2, 2, 3), v2: rated(1, 3, 3) }),
  entry('C3', 'Cultuureducatie', { v1: rated(2, 3, 2), v2: rated(3, 3, null) }),
  entry('D1', 'Metacognitie en zelfregulerend leren', { v1: rated(7, 4, null), v2: rated(7, 4, null) }),
  entry('D2', 'Samenwerkend leren', { v1: rated(5, 4, null), v2: rated(5, 3, null) }),
  entry('E1', 'Klassenverkleining', { v1: rated(3, 3, 4), v2: rated(2, null, 5) }),
  // E2, F1, F2: present in v2 (the later edition kept them) but their v2 figures were not read.
  entry('E2', 'Onderwijsassistenten / instructeurs', { v1: rated(1, 2, 4), v2: notRead }),
  entry('F1', 'Ouderbetrokkenheid', { v1: rated(3, 3, 3), v2: notRead }),
  entry('F2', 'Digitale technologie', { v1: rated(4, 4, 3), v2: notRead }),
];

const byCode = new Map(menukaart.map((e, index) => [e.code, { entry: e, index }]));

export const menukaartEntry = (code: string): MenukaartEntry | undefined => byCode.get(code)?.entry;

/** Sort key: position in the menukaart (so B10 follows B9); unknown codes last. */
export const menukaartOrder = (code: string): number => byCode.get(code)?.index ?? Number.MAX_SAFE_INTEGER;

export const codesInEdition = (edition: MenukaartEdition): readonly string[] =>
  menukaart.filter((e) => e.editions[edition] !== undefined).map((e) => e.code);

export const isCodeInEdition = (code: string, edition: MenukaartEdition): boolean =>
  menukaartEntry(code)?.editions[edition] !== undefined;

export const categoryOf = (code: string): MenukaartCategoryCode | undefined => menukaartEntry(code)?.category;

/**
 * The school years the programme covers: schools could spend NPO money through 2024/25, gemeenten
 * from 1 Aug 2021 to 31 Jul 2025.
 */
export const programmeSchoolYears = ['2021-2022', '2022-2023', '2023-2024', '2024-2025'] as const;
export type ProgrammeSchoolYear = (typeof programmeSchoolYears)[number];

export const isProgrammeSchoolYear = (schoolYear: string): schoolYear is ProgrammeSchoolYear =>
  (programmeSchoolYears as readonly string[]).includes(schoolYear);

/**
 * Which menukaart edition governs choices for a school year. The 2021 menukaart (v1) was written for
 * the schoolprogramma covering 2021/22 and 2022/23, so both years use v1; the later edition (v2)
 * applies from 2023/24, the first year a school had to revisit its plan after that two-year programme.
 * Outside the programme years there is no edition (undefined), and no choice can be made.
 */
export function menukaartEditionFor(schoolYear: string): MenukaartEdition | undefined {
  switch (schoolYear) {
    case '2021-2022':
    case '2022-2023':
      return 'v1';
    case '2023-2024':
    case '2024-2025':
      return 'v2';
    default:
      return undefined;
  }
}
