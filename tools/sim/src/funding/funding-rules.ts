import type { Sector } from '@npo/contracts';

/*
 * The NPO funding rules as NPO-FACTS.md records them ("Funding of schools", "Gemeenten"). Pure and
 * exact: every amount is integer euro-cents.
 *
 * How the facts are read, where they leave room:
 * - 2021-2022 per pupil: bo and vo years 1-2 EUR 701.16; sbo, pro and vbo years 3-4 EUR 1,051.74;
 *   (v)so EUR 1,402.31. Other vo pupils (havo/vwo from year 3, mavo 3-4) get no per-pupil amount.
 * - 2021-2022 extra: bo EUR 251.16 and vo/pro EUR 1,038.16 per unit of CBS achterstandsscore;
 *   sbo, so and vso EUR 548.56 per CUMI pupil above 4 (instead of the achterstandsscore).
 * - 2022-2023: EUR 500 per pupil plus EUR 463.78 per achterstandsscore unit, the same for every
 *   sector (the facts give no sector split).
 * - 2023-2024 and 2024-2025: no new allocation; schools spend what is left.
 * - Gemeenten: EUR 118.11 per po/vo pupil (all sectors) plus EUR 22.64 per GOAB achterstandsscore
 *   unit, once for the whole programme.
 * Scores are taken at two decimals; each component is rounded to whole cents, half up.
 */

export const fundingRates = {
  '2021-2022': {
    perPupilBoCents: 70_116,
    perPupilVoYears12Cents: 70_116,
    perPupilSboCents: 105_174,
    perPupilProCents: 105_174,
    perPupilVboYears34Cents: 105_174,
    perPupilSoVsoCents: 140_231,
    perAchterstandUnitPoCents: 25_116,
    perAchterstandUnitVoCents: 103_816,
    perCumiPupilAbove4Cents: 54_856,
    cumiThreshold: 4,
  },
  '2022-2023': {
    perPupilCents: 50_000,
    perAchterstandUnitCents: 46_378,
  },
  gemeente: {
    perPupilCents: 11_811,
    perGoabUnitCents: 2_264,
  },
} as const;

/** The school years with a school allocation rule, in order. */
export const fundedSchoolYears = ['2021-2022', '2022-2023'] as const;
export type FundedSchoolYear = (typeof fundedSchoolYears)[number];

export interface SchoolFundingInput {
  readonly sector: Sector;
  /** All pupils on the count date (1 October before the school year). */
  readonly pupils: number;
  readonly achterstandsscore: number;
  /** vo: pupils in years 1 and 2. */
  readonly voYears12Pupils?: number;
  /** vo: vbo (vmbo basis/kader) pupils in years 3 and 4. */
  readonly vboYears34Pupils?: number;
  /** sbo, so, vso: CUMI pupils. */
  readonly cumiPupils?: number;
}

export interface FundingComponent {
  /** Dutch label as it appears in the allocation's basis text. */
  readonly label: string;
  /** Count of pupils or units (units at two decimals). */
  readonly quantity: number;
  readonly rateCents: number;
  readonly cents: number;
}

export interface Allocation {
  readonly amountCents: number;
  readonly components: readonly FundingComponent[];
  /** Human-readable basis for the FundsAllocated event (Dutch, at most 500 characters). */
  readonly basis: string;
}

/** A funding input the rules cannot apply to (negative counts, parts larger than the whole). */
export class FundingInputError extends Error {
  readonly code = 'funding-input-invalid' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FundingInputError';
  }
}

const requireCount = (n: number | undefined, what: string): number => {
  const value = n ?? 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new FundingInputError(`${what} must be a whole number >= 0, got ${String(n)}`);
  return value;
};

const requireScore = (score: number, what: string): number => {
  if (!Number.isFinite(score) || score < 0) throw new FundingInputError(`${what} must be a number >= 0, got ${String(score)}`);
  return score;
};

/** Cents for `units` (at two decimals) times a rate, rounded half up, in exact integer arithmetic. */
export function unitCents(rateCents: number, units: number): number {
  const hundredths = Math.round(units * 100);
  return Math.floor((rateCents * hundredths + 50) / 100);
}

const euro = (cents: number): string => {
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `EUR ${whole},${String(cents % 100).padStart(2, '0')}`;
};

const quantityText = (q: number): string => (Number.isInteger(q) ? String(q) : q.toFixed(2).replace('.', ','));

function allocation(schoolYear: string, who: string, components: FundingComponent[]): Allocation {
  const parts = components.filter((c) => c.cents > 0);
  const amountCents = parts.reduce((sum, c) => sum + c.cents, 0);
  const basis = `NPO ${schoolYear} ${who}: ${parts.map((c) => `${quantityText(c.quantity)} ${c.label} x ${euro(c.rateCents)}`).join(' + ')}`;
  return { amountCents, components: parts, basis };
}

const perPupil = (label: string, pupils: number, rateCents: number): FundingComponent => ({
  label,
  quantity: pupils,
  rateCents,
  cents: pupils * rateCents,
});

const perUnit = (label: string, units: number, rateCents: number): FundingComponent => ({
  label,
  quantity: Math.round(units * 100) / 100,
  rateCents,
  cents: unitCents(rateCents, units),
});

function rules2021(input: SchoolFundingInput): FundingComponent[] {
  const r = fundingRates['2021-2022'];
  const pupils = requireCount(input.pupils, 'pupils');
  const score = requireScore(input.achterstandsscore, 'achterstandsscore');
  const cumiExtra = (): FundingComponent => {
    const cumi = requireCount(input.cumiPupils, 'cumiPupils');
    return perPupil('CUMI-lln boven 4', Math.max(0, cumi - r.cumiThreshold), r.perCumiPupilAbove4Cents);
  };
  switch (input.sector) {
    case 'bo':
      return [perPupil('lln', pupils, r.perPupilBoCents), perUnit('achterstandsscore', score, r.perAchterstandUnitPoCents)];
    case 'sbo':
      return [perPupil('lln', pupils, r.perPupilSboCents), cumiExtra()];
    case 'so':
    case 'vso':
      return [perPupil('lln', pupils, r.perPupilSoVsoCents), cumiExtra()];
    case 'pro':
      return [perPupil('lln', pupils, r.perPupilProCents), perUnit('achterstandsscore', score, r.perAchterstandUnitVoCents)];
    case 'vo': {
      const years12 = requireCount(input.voYears12Pupils, 'voYears12Pupils');
      const vbo34 = requireCount(input.vboYears34Pupils, 'vboYears34Pupils');
      if (years12 + vbo34 > pupils) {
        throw new FundingInputError(`years 1-2 (${years12}) and vbo 3-4 (${vbo34}) pupils exceed the school's ${pupils}`);
      }
      return [
        perPupil('lln leerjaar 1-2', years12, r.perPupilVoYears12Cents),
        perPupil('vbo-lln leerjaar 3-4', vbo34, r.perPupilVboYears34Cents),
        perUnit('achterstandsscore', score, r.perAchterstandUnitVoCents),
      ];
    }
    default: {
      const unreachable: never = input.sector;
      throw new FundingInputError(`unknown sector ${String(unreachable)}`);
    }
  }
}

function rules2022(input: SchoolFundingInput): FundingComponent[] {
  const r = fundingRates['2022-2023'];
  return [
    perPupil('lln', requireCount(input.pupils, 'pupils'), r.perPupilCents),
    perUnit('achterstandsscore', requireScore(input.achterstandsscore, 'achterstandsscore'), r.perAchterstandUnitCents),
  ];
}

/**
 * A school's NPO allocation for a school year, or undefined for a year without new money (and for
 * years outside the programme).
 */
export function schoolAllocation(schoolYear: string, input: SchoolFundingInput): Allocation | undefined {
  switch (schoolYear) {
    case '2021-2022':
      return allocation(schoolYear, input.sector, rules2021(input));
    case '2022-2023':
      return allocation(schoolYear, input.sector, rules2022(input));
    default:
      return undefined;
  }
}

export interface GemeenteFundingInput {
  /** po and vo pupils enrolled in the gemeente's schools on 1 October 2020. */
  readonly pupils: number;
  /** The gemeente's GOAB achterstandsscore. */
  readonly goabScore: number;
}

/** The gemeente's specific allocation (specifieke uitkering NPO) for the whole programme. */
export function gemeenteAllocation(input: GemeenteFundingInput): Allocation {
  const r = fundingRates.gemeente;
  return allocation('2021-2025', 'gemeente', [
    perPupil('po/vo-lln', requireCount(input.pupils, 'pupils'), r.perPupilCents),
    perUnit('GOAB-achterstandsscore', requireScore(input.goabScore, 'goabScore'), r.perGoabUnitCents),
  ]);
}
