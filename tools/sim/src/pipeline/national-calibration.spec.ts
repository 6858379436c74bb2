import type { EvaluationBody, InterventionBody, ScanBody } from '@npo/contracts';
import { monthsForEffectSize, type ProgrammeSchoolYear } from '@npo/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeBehaviour, mrOutcomes, participation } from '../behaviour/calibration.js';
import { expectedEffect } from '../behaviour/effects.js';
import { sectorGroupOf, type SectorGroup } from '../world/world-types.js';
import { createSimulation } from './simulation.js';

/*
 * One national run (seed 2021), read as the published monitors would read it. Tolerances are four
 * binomial standard errors of the share: a correct model fails such a check about once in 16,000 runs,
 * a model off by a few points fails it every time.
 */

interface Tally {
  readonly group: Map<string, SectorGroup>;
  readonly chosen2021: Map<string, Set<string>>;
  readonly rejected2021: Set<string>;
  readonly approvedLate2021: Set<string>;
  readonly approved2021: Set<string>;
  readonly scanned: Map<string, Set<string>>;
  readonly measured: Map<string, number[]>;
  schoolCents: number;
  gemeenteCents: number;
  events: number;
}

const fourSigma = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

describe('national run', () => {
  const t: Tally = {
    group: new Map(),
    chosen2021: new Map(),
    rejected2021: new Set(),
    approvedLate2021: new Set(),
    approved2021: new Set(),
    scanned: new Map(),
    measured: new Map(),
    schoolCents: 0,
    gemeenteCents: 0,
    events: 0,
  };
  let schoolsIn: (g: SectorGroup) => string[];

  beforeAll(() => {
    const sim = createSimulation({ scale: 'national', seed: 2021, now: new Date('2026-01-01T00:00:00Z') });
    for (const s of sim.world.schools) t.group.set(s.brin, sectorGroupOf(s.sector));
    schoolsIn = (g) => [...t.group].filter(([, group]) => group === g).map(([brin]) => brin);
    for (const step of sim.steps()) {
      t.events += step.events.length;
      const r = step.request;
      switch (r.kind) {
        case 'chooseIntervention': {
          const body: InterventionBody = r.body;
          if (body.schoolYear === '2021-2022') {
            const set = t.chosen2021.get(r.brin) ?? new Set<string>();
            set.add(body.code);
            t.chosen2021.set(r.brin, set);
          }
          break;
        }
        case 'mrDecision':
          if (r.body.schoolYear !== '2021-2022') break;
          if (r.body.decision === 'rejected') t.rejected2021.add(r.brin);
          else if (!t.approved2021.has(r.brin)) {
            t.approved2021.add(r.brin);
            if (r.body.decidedOn > '2021-07-10') t.approvedLate2021.add(r.brin);
          }
          break;
        case 'scan': {
          const body: ScanBody = r.body;
          const set = t.scanned.get(body.schoolYear) ?? new Set<string>();
          set.add(r.brin);
          t.scanned.set(body.schoolYear, set);
          break;
        }
        case 'evaluation': {
          const body: EvaluationBody = r.body;
          if (body.schoolYear === '2021-2022' && body.implementedAsPlanned === 'yes' && body.measuredEffect !== undefined) {
            const list = t.measured.get(body.code) ?? [];
            list.push(body.measuredEffect.effectSize);
            t.measured.set(body.code, list);
          }
          break;
        }
        case 'schoolAllocation':
          t.schoolCents += r.body.amountCents;
          break;
        case 'gemeenteAllocation':
          t.gemeenteCents += r.body.amountCents;
          break;
        default:
          break;
      }
    }
  }, 240_000);

  // NPO-FACTS.md, first implementatiemonitor (Nov 2021): po kleine groepen 86%, onderwijsassistenten 74%,
  // welbevinden 72%; vo welbevinden 92%, kleine groepen 85%, sport 80%.
  const published: readonly [SectorGroup, string, number][] = [
    ['po', 'B3', 0.86],
    ['po', 'E2', 0.74],
    ['po', 'C1', 0.72],
    ['vo', 'C1', 0.92],
    ['vo', 'B3', 0.85],
    ['vo', 'C2', 0.8],
  ];

  it.each(published)('reproduces the published uptake (2021-22): %s %s %d', (group, code, p) => {
    const schools = schoolsIn(group);
    const share = schools.filter((b) => t.chosen2021.get(b)?.has(code)).length / schools.length;
    expect(Math.abs(share - p), `${code} ${group}: ${share.toFixed(4)} vs ${p}`).toBeLessThan(fourSigma(p, schools.length));
  });

  it('keeps the other interventions below the published top choices', () => {
    for (const group of ['po', 'vo'] as const) {
      const schools = schoolsIn(group);
      const published = Object.entries(codeBehaviour).filter(([, b]) => b.published?.includes(group));
      const lowestPublished = Math.min(...published.map(([, b]) => b.share[group]));
      for (const [code, b] of Object.entries(codeBehaviour)) {
        if (b.published?.includes(group)) continue;
        const share = schools.filter((brin) => t.chosen2021.get(brin)?.has(code)).length / schools.length;
        expect(share, `${group} ${code}`).toBeLessThan(lowestPublished);
      }
    }
  });

  it('chooses F only in plans that have A-E', () => {
    for (const codes of t.chosen2021.values()) {
      if ([...codes].some((c) => c.startsWith('F'))) expect([...codes].some((c) => !c.startsWith('F'))).toBe(true);
    }
    expect([...t.chosen2021.values()].filter((codes) => [...codes].some((c) => c.startsWith('F'))).length).toBeGreaterThan(1000);
  });

  it('has a realistic share of MR decisions late or rejected', () => {
    const n = t.group.size;
    const s = mrOutcomes['2021-2022'];
    const pRejected = s.rejectedThenApproved + s.rejectedOnly;
    expect(Math.abs(t.rejected2021.size / n - pRejected)).toBeLessThan(fourSigma(pRejected, n));
    // Late: the 'late' outcome, plus on-time outcomes of schools whose scan or choices were themselves late.
    const lateShare = t.approvedLate2021.size / n;
    expect(lateShare).toBeGreaterThan(s.late - fourSigma(s.late, n));
    expect(lateShare).toBeLessThan(0.3);
    const pNoConsent = s.none + s.rejectedOnly;
    expect(Math.abs((n - t.approved2021.size) / n - pNoConsent)).toBeLessThan(fourSigma(pNoConsent, n) + 0.01);
  });

  it('has fewer schools with a plan as the money runs out (SEO: money left in 2023/24 at po 65%, vo 87%, (v)so 71%)', () => {
    for (const group of ['po', 'vo', 'vso'] as const) {
      const schools = schoolsIn(group);
      for (const year of ['2021-2022', '2023-2024'] as ProgrammeSchoolYear[]) {
        const p = participation[year][group];
        const share = schools.filter((b) => t.scanned.get(year)?.has(b)).length / schools.length;
        if (p === 1) expect(share).toBe(1);
        else expect(Math.abs(share - p), `${group} ${year}`).toBeLessThan(fourSigma(p, schools.length));
      }
    }
  });

  it('scatters measured effects around the menukaart months converted to effect sizes', () => {
    const b3 = t.measured.get('B3') ?? [];
    expect(b3.length).toBeGreaterThan(500);
    let checked = 0;
    for (const [code, values] of t.measured) {
      if (values.length < 100) continue;
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
      expect(Math.abs(mean - expectedEffect(code, 'v1')), code).toBeLessThan((4 * sd) / Math.sqrt(values.length));
      expect(sd, code).toBeGreaterThan(0.1); // scattered, not copied
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    // Kleine groepen: +4 months in the 2021 menukaart, and the Dutch schools' mean lands in that band.
    const meanB3 = b3.reduce((s, x) => s + x, 0) / b3.length;
    expect(monthsForEffectSize(meanB3)).toBe(4);
  });

  it('allocates about what the programme paid: EUR 3.8bn to schools in 2021-23, about EUR 300m to gemeenten', () => {
    expect(t.schoolCents / 100).toBeGreaterThan(3.3e9);
    expect(t.schoolCents / 100).toBeLessThan(4.3e9);
    expect(t.gemeenteCents / 100).toBeGreaterThan(2.6e8);
    expect(t.gemeenteCents / 100).toBeLessThan(3.4e8);
  });
});
