import { describe, expect, it } from 'vitest';
import { FundingInputError, gemeenteAllocation, schoolAllocation, unitCents } from './funding-rules.js';

// Every expected amount below was worked out by hand from the rates in NPO-FACTS.md; the arithmetic is
// in the comment next to it.
describe('school allocation 2021-2022', () => {
  it('bo: per pupil plus po achterstandsscore', () => {
    // 200 x 701.16 = 140,232.00; 50 x 251.16 = 12,558.00; total 152,790.00
    expect(schoolAllocation('2021-2022', { sector: 'bo', pupils: 200, achterstandsscore: 50 })?.amountCents).toBe(15_279_000);
  });

  it('bo: a fractional score is rounded to the cent', () => {
    // 237 x 701.16 = 166,174.92; 91.37 x 251.16 = 22,948.4892 -> 22,948.49; total 189,123.41
    const a = schoolAllocation('2021-2022', { sector: 'bo', pupils: 237, achterstandsscore: 91.37 });
    expect(a?.amountCents).toBe(18_912_341);
    expect(a?.components.map((c) => c.cents)).toEqual([16_617_492, 2_294_849]);
  });

  it('sbo: higher per-pupil rate plus CUMI pupils above 4', () => {
    // 120 x 1,051.74 = 126,208.80; (10 - 4) x 548.56 = 3,291.36; total 129,500.16
    expect(schoolAllocation('2021-2022', { sector: 'sbo', pupils: 120, achterstandsscore: 0, cumiPupils: 10 })?.amountCents).toBe(12_950_016);
  });

  it('sbo: 4 or fewer CUMI pupils add nothing, and the achterstandsscore is not used', () => {
    // 80 x 1,051.74 = 84,139.20
    expect(schoolAllocation('2021-2022', { sector: 'sbo', pupils: 80, achterstandsscore: 30, cumiPupils: 3 })?.amountCents).toBe(8_413_920);
  });

  it('so: (v)so rate, exactly 4 CUMI pupils add nothing', () => {
    // 150 x 1,402.31 = 210,346.50
    expect(schoolAllocation('2021-2022', { sector: 'so', pupils: 150, achterstandsscore: 0, cumiPupils: 4 })?.amountCents).toBe(21_034_650);
  });

  it('vso: (v)so rate plus CUMI extra', () => {
    // 90 x 1,402.31 = 126,207.90; 8 x 548.56 = 4,388.48; total 130,596.38
    expect(schoolAllocation('2021-2022', { sector: 'vso', pupils: 90, achterstandsscore: 0, cumiPupils: 12 })?.amountCents).toBe(13_059_638);
  });

  it('vo: years 1-2 and vbo 3-4 pupils at their rates, the rest of the school at none, plus vo achterstandsscore', () => {
    // 600 x 701.16 = 420,696.00; 150 x 1,051.74 = 157,761.00; 700 x 1,038.16 = 726,712.00; total 1,305,169.00
    const a = schoolAllocation('2021-2022', { sector: 'vo', pupils: 1600, achterstandsscore: 700, voYears12Pupils: 600, vboYears34Pupils: 150 });
    expect(a?.amountCents).toBe(130_516_900);
    expect(a?.basis).toBe(
      'NPO 2021-2022 vo: 600 lln leerjaar 1-2 x EUR 701,16 + 150 vbo-lln leerjaar 3-4 x EUR 1.051,74 + 700 achterstandsscore x EUR 1.038,16',
    );
  });

  it('pro: sbo/pro rate plus vo achterstandsscore', () => {
    // 300 x 1,051.74 = 315,522.00; 120.5 x 1,038.16 = 125,098.28; total 440,620.28
    expect(schoolAllocation('2021-2022', { sector: 'pro', pupils: 300, achterstandsscore: 120.5 })?.amountCents).toBe(44_062_028);
  });

  it('refuses a vo breakdown larger than the school', () => {
    expect(() => schoolAllocation('2021-2022', { sector: 'vo', pupils: 100, achterstandsscore: 0, voYears12Pupils: 80, vboYears34Pupils: 30 })).toThrow(
      FundingInputError,
    );
  });

  it('refuses negative or fractional pupil counts', () => {
    expect(() => schoolAllocation('2021-2022', { sector: 'bo', pupils: -1, achterstandsscore: 0 })).toThrow(FundingInputError);
    expect(() => schoolAllocation('2022-2023', { sector: 'bo', pupils: 10.5, achterstandsscore: 0 })).toThrow(FundingInputError);
  });
});

describe('school allocation 2022-2023 and later', () => {
  it('one rate for every sector', () => {
    // 237 x 500 = 118,500.00; 91.37 x 463.78 = 42,375.5786 -> 42,375.58; total 160,875.58
    expect(schoolAllocation('2022-2023', { sector: 'bo', pupils: 237, achterstandsscore: 91.37 })?.amountCents).toBe(16_087_558);
    // 1600 x 500 = 800,000.00; 700 x 463.78 = 324,646.00; total 1,124,646.00 (no vo breakdown this year)
    expect(
      schoolAllocation('2022-2023', { sector: 'vo', pupils: 1600, achterstandsscore: 700, voYears12Pupils: 600, vboYears34Pupils: 150 })?.amountCents,
    ).toBe(112_464_600);
  });

  it('a half cent rounds up', () => {
    // 1 x 500 = 500.00; 0.25 x 463.78 = 115.945 -> 115.95; total 615.95
    expect(schoolAllocation('2022-2023', { sector: 'bo', pupils: 1, achterstandsscore: 0.25 })?.amountCents).toBe(61_595);
    expect(unitCents(46_378, 0.25)).toBe(11_595);
  });

  it('no new money in 2023-2024 and 2024-2025, nor outside the programme', () => {
    for (const year of ['2023-2024', '2024-2025', '2020-2021']) {
      expect(schoolAllocation(year, { sector: 'bo', pupils: 200, achterstandsscore: 50 })).toBeUndefined();
    }
  });
});

describe('gemeente allocation', () => {
  it('per po/vo pupil plus per GOAB unit', () => {
    // 10,000 x 118.11 = 1,181,100.00; 1,500 x 22.64 = 33,960.00; total 1,215,060.00
    expect(gemeenteAllocation({ pupils: 10_000, goabScore: 1_500 }).amountCents).toBe(121_506_000);
  });

  it('a large gemeente with a fractional GOAB score', () => {
    // 120,000 x 118.11 = 14,173,200.00; 25,000.55 x 22.64 = 566,012.452 -> 566,012.45; total 14,739,212.45
    const a = gemeenteAllocation({ pupils: 120_000, goabScore: 25_000.55 });
    expect(a.amountCents).toBe(1_473_921_245);
    expect(a.basis).toBe('NPO 2021-2025 gemeente: 120000 po/vo-lln x EUR 118,11 + 25000,55 GOAB-achterstandsscore x EUR 22,64');
  });
});
