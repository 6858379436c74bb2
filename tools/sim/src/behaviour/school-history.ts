import type { Findings, ImplementedAsPlanned, ScanDomain } from '@npo/contracts';
import { categoryOf, menukaartEditionFor, menukaartEntry, programmeSchoolYears, type ProgrammeSchoolYear } from '@npo/domain';
import type { ApiRequest } from '../commands/api-request.js';
import { schoolAllocation } from '../funding/funding-rules.js';
import { clamp } from '../random/distributions.js';
import { derive, type Rng } from '../random/prng.js';
import { sectorGroupOf, type Merger, type School, type SectorGroup } from '../world/world-types.js';
import {
  allRunning,
  codeBehaviour,
  evaluationShare,
  lateScanShare,
  measuredShare,
  mrDeadline,
  mrOutcomes,
  participation,
  problemKinds,
  reconsentShare,
} from './calibration.js';
import { chooseCodes, findingsFor, isAtoE, nextLatents, replacementCode, targetDomainsFor, type FindingLatents } from './choices.js';
import { experiencedEffect, measuredEffect, trueEffect } from './effects.js';
import { after, between, dateOf, DAY, dayStart, daysAfter, officeHours } from './sim-time.js';

/** A request at a simulated instant (epoch ms). */
export interface PlannedCommand {
  readonly t: number;
  readonly request: ApiRequest;
}

/** Reference data of a school at a moment; the funding inputs travel along. */
type Details = Pick<School, 'sector' | 'pupils' | 'achterstandsscore' | 'voYears12Pupils' | 'vboYears34Pupils' | 'cumiPupils' | 'gemeente'>;

const withdrawalReasons = [
  'Geen personeel beschikbaar',
  'Onvoldoende effect in de eerste periode',
  'Planning niet haalbaar naast het reguliere programma',
  'Middelen anders ingezet na evaluatie',
  'Externe aanbieder gestopt',
];
const mrAdjustmentReason = 'Plan aangepast na advies van de MR';

const round2 = (x: number): number => Math.round(x * 100) / 100;

function drift(rng: Rng, d: Details): Details {
  const factor = Math.exp(0.04 * rng.normal());
  const pupils = Math.max(1, Math.round(d.pupils * factor));
  const scale = pupils / d.pupils;
  const next: Details = {
    ...d,
    pupils,
    achterstandsscore: d.achterstandsscore === 0 ? 0 : round2(d.achterstandsscore * Math.exp(0.05 * rng.normal())),
    ...(d.voYears12Pupils === undefined ? {} : { voYears12Pupils: Math.min(pupils, Math.round(d.voYears12Pupils * scale)) }),
    ...(d.cumiPupils === undefined ? {} : { cumiPupils: Math.round(d.cumiPupils * scale) }),
  };
  if (next.vboYears34Pupils !== undefined) {
    (next as { vboYears34Pupils: number }).vboYears34Pupils = Math.min(pupils - (next.voYears12Pupils ?? 0), Math.round(next.vboYears34Pupils * scale));
  }
  // A PUT that changes nothing records nothing; a count update always changes the count.
  return next.pupils === d.pupils && next.achterstandsscore === d.achterstandsscore ? { ...next, pupils: d.pupils + 1 } : next;
}

export interface HistoryInput {
  readonly seed: number;
  readonly school: School;
  /** The merger each gemeente takes part in, by its code. */
  readonly mergers: ReadonlyMap<string, Merger>;
}

/**
 * Everything that happens on one school's stream over the programme, in time order: registration,
 * yearly count updates (and a gemeente change when its gemeente merges), allocations, and per
 * participating school year a scan, choices, the MR's decision, what did not run as planned, and
 * evaluations. Every draw comes from generators derived from (seed, BRIN, purpose), so a school's
 * history does not depend on any other school.
 */
export function planSchoolHistory({ seed, school, mergers }: HistoryInput): PlannedCommand[] {
  const out: PlannedCommand[] = [];
  const brin = school.brin;
  const group = sectorGroupOf(school.sector);
  const put = (t: number, d: Details, name = school.name) =>
    out.push({
      t,
      request: {
        kind: 'registerSchool',
        brin,
        body: { name, sector: d.sector, gemeente: d.gemeente, pupils: d.pupils, achterstandsscore: d.achterstandsscore },
      },
    });

  // Reference data: registration, count updates each autumn, and a merger if one comes.
  const dr = derive(seed, 'history', brin, 'details');
  const registration: Details = school;
  put(between(dr, '2021-02-01', '2021-03-12'), registration);
  const merger = mergers.get(school.gemeente);
  const changes: { t: number; apply: (d: Details) => Details }[] = [];
  for (const year of [2021, 2022, 2023]) {
    changes.push({ t: between(dr, `${year}-10-15`, `${year}-11-15`), apply: (d) => drift(dr, d) });
  }
  if (merger !== undefined) changes.push({ t: officeHours(dr, dayStart(merger.date)), apply: (d) => ({ ...d, gemeente: merger.into.code }) });
  changes.sort((a, b) => a.t - b.t);
  let current = registration;
  const snapshots: { t: number; details: Details }[] = [{ t: 0, details: registration }];
  for (const c of changes) {
    current = c.apply(current);
    snapshots.push({ t: c.t, details: current });
    put(c.t, current);
  }
  const detailsAt = (t: number): Details => {
    let d = registration;
    for (const s of snapshots) if (s.t <= t) d = s.details;
    return d;
  };

  // Allocations: 2021-22 on the 1 October 2020 count, 2022-23 on the 1 October 2021 count.
  const ar = derive(seed, 'history', brin, 'allocations');
  const allocated: Partial<Record<ProgrammeSchoolYear, number>> = {};
  for (const year of ['2021-2022', '2022-2023'] as const) {
    const y0 = Number(year.slice(0, 4));
    const t = between(ar, `${y0}-08-02`, `${y0}-08-20`);
    const basisDetails = year === '2021-2022' ? registration : detailsAt(dayStart('2021-12-31'));
    const allocation = schoolAllocation(year, basisDetails);
    if (allocation === undefined || allocation.amountCents <= 0) continue;
    allocated[year] = allocation.amountCents;
    out.push({ t, request: { kind: 'schoolAllocation', brin, body: { schoolYear: year, amountCents: allocation.amountCents, basis: allocation.basis } } });
  }

  // The school years.
  let latents: FindingLatents | undefined;
  let previous: ReadonlySet<string> | undefined;
  let participating = true;
  programmeSchoolYears.forEach((year, index) => {
    const yr = derive(seed, 'history', brin, 'year', year);
    latents = nextLatents(yr, latents);
    const share = participation[year][group];
    const before = index === 0 ? 1 : participation[programmeSchoolYears[index - 1] as ProgrammeSchoolYear][group];
    participating = participating && yr.chance(Math.min(1, share / before));
    if (!participating) return;
    const findings = findingsFor(school.need, latents, index);
    const plan = planYear({ rng: yr, year, index, school, group, findings, previous, allocated, detailsAt });
    previous = plan.chosen;
    out.push(...plan.commands);
  });

  // A stable sort keeps same-instant steps in the order they were planned.
  return out.sort((a, b) => a.t - b.t);
}

interface YearInput {
  readonly rng: Rng;
  readonly year: ProgrammeSchoolYear;
  readonly index: number;
  readonly school: School;
  readonly group: SectorGroup;
  readonly findings: Findings;
  readonly previous: ReadonlySet<string> | undefined;
  readonly allocated: Partial<Record<ProgrammeSchoolYear, number>>;
  readonly detailsAt: (t: number) => Details;
}

function yearBudgetCents(rng: Rng, index: number, year: ProgrammeSchoolYear, allocated: YearInput['allocated']): number {
  const total = (allocated['2021-2022'] ?? 0) + (allocated['2022-2023'] ?? 0);
  const own = allocated[year];
  const budget =
    own !== undefined ? own * rng.uniform(0.8, 1.05) : index === 2 ? total * rng.uniform(0.1, 0.35) : total * rng.uniform(0.05, 0.2);
  return Math.max(200_000, Math.round(budget));
}

function planYear(input: YearInput): { chosen: ReadonlySet<string>; commands: PlannedCommand[] } {
  const { rng, year, index, school, group, findings, allocated, detailsAt } = input;
  const brin = school.brin;
  const edition = menukaartEditionFor(year) ?? 'v1';
  const y0 = Number(year.slice(0, 4));
  const y1 = y0 + 1;
  const commands: PlannedCommand[] = [];
  let last = 0;
  const at = (candidate: number): number => {
    last = after(rng, last, candidate);
    return last;
  };

  // Scan: spring before the school year (April 2021 in the first year), a few in the autumn.
  const lateScan = rng.chance(lateScanShare);
  const scanT = at(
    lateScan
      ? between(rng, `${y0}-09-01`, `${y0}-11-30`)
      : index === 0
        ? between(rng, '2021-03-15', '2021-05-31')
        : between(rng, `${y0}-03-01`, `${y0}-06-15`),
  );
  commands.push({ t: scanT, request: { kind: 'scan', brin, body: { schoolYear: year, completedOn: dateOf(scanT), findings } } });

  // Choices, a few days to weeks after the scan.
  const codes = chooseCodes(rng, group, year, findings, input.previous);
  const pupils = detailsAt(scanT).pupils;
  const budget = yearBudgetCents(rng, index, year, allocated);
  const weights = codes.map((c) => (menukaartEntry(c)?.editions[edition]?.cost ?? 3) * rng.uniform(0.5, 1.5));
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const budgets = new Map<string, number>();
  const choose = (code: string, t: number, plannedBudgetCents: number) => {
    const reach = codeBehaviour[code]?.reach ?? [0.1, 0.5];
    const pupilsReached = clamp(Math.round(pupils * rng.uniform(reach[0], reach[1])), 1, Math.max(1, pupils));
    budgets.set(code, plannedBudgetCents);
    commands.push({
      t,
      request: {
        kind: 'chooseIntervention',
        brin,
        body: { schoolYear: year, code, plannedBudgetCents, pupilsReached, targetDomains: targetDomainsFor(code, findings) },
      },
    });
  };
  let choiceT = daysAfter(rng, scanT, 3, 30);
  codes.forEach((code, i) => {
    choiceT = at(i === 0 ? choiceT : daysAfter(rng, choiceT, 0, 2));
    choose(code, choiceT, Math.max(10_000, Math.round((budget * (weights[i] as number)) / weightSum / 100) * 100));
  });
  const active = new Set(codes);
  const chosen = new Set(codes);
  const withdrawn = new Set<string>();
  const withdraw = (code: string, t: number, reason: string) => {
    active.delete(code);
    withdrawn.add(code);
    commands.push({ t, request: { kind: 'withdrawIntervention', brin, code, body: { schoolYear: year, reason } } });
  };
  const decide = (decision: 'approved' | 'rejected', t: number) =>
    commands.push({ t, request: { kind: 'mrDecision', brin, body: { schoolYear: year, decision, decidedOn: dateOf(t) } } });

  // The MR: on time (before the deadline), late, rejected then consenting to a changed plan, or never.
  const deadline = dayStart(`${y0}-${String(mrDeadline.month).padStart(2, '0')}-${String(mrDeadline.day).padStart(2, '0')}`);
  const earliest = Math.floor(last / DAY) * DAY + DAY;
  const onTimeT = () => (earliest <= deadline ? officeHours(rng, earliest + rng.int(0, Math.round((deadline - earliest) / DAY)) * DAY) : daysAfter(rng, last, 1, 30));
  const shares = mrOutcomes[year];
  const outcome = rng.weighted(
    ['onTime', 'late', 'rejectedThenApproved', 'rejectedOnly', 'none'] as const,
    [shares.onTime, shares.late, shares.rejectedThenApproved, shares.rejectedOnly, shares.none],
  );
  let consent: 'approved' | 'rejected' | 'none' = 'none';
  switch (outcome) {
    case 'onTime':
      decide('approved', at(onTimeT()));
      consent = 'approved';
      break;
    case 'late':
      decide('approved', at(officeHours(rng, Math.max(earliest, deadline + rng.int(5, 160) * DAY))));
      consent = 'approved';
      break;
    case 'rejectedThenApproved': {
      decide('rejected', at(onTimeT()));
      consent = 'rejected';
      const replacement = replacementCode(rng, group, year, chosen);
      if (replacement === undefined) break;
      choose(replacement, at(daysAfter(rng, last, 7, 30)), budgets.get(codes[0] as string) ?? 10_000);
      active.add(replacement);
      chosen.add(replacement);
      // The replacement is A-E, so withdrawing another A-E never leaves an F choice alone.
      const dropped = rng.shuffled([...active].filter((c) => c !== replacement && isAtoE(c)))[0];
      if (dropped !== undefined) withdraw(dropped, at(daysAfter(rng, last, 0, 3)), mrAdjustmentReason);
      decide('approved', at(daysAfter(rng, last, 10, 40)));
      consent = 'approved';
      break;
    }
    case 'rejectedOnly':
      decide('rejected', at(onTimeT()));
      consent = 'rejected';
      break;
    case 'none':
      break;
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown MR outcome ${String(unreachable)}`);
    }
  }

  // What did not run as planned: withdrawn during the year, or run partly or not at all.
  const implemented = new Map<string, ImplementedAsPlanned>();
  if (!rng.chance(allRunning[year][group])) {
    const withdrawnBefore = withdrawn.size;
    const count = 1 + (rng.chance(0.4) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0);
    const windowEnd = dayStart(`${y1}-04-30`);
    for (const code of rng.shuffled([...active]).slice(0, count)) {
      const kind = rng.weighted(['withdrawn', 'partly', 'no'] as const, [problemKinds.withdrawn, problemKinds.partly, problemKinds.no]);
      if (kind !== 'withdrawn') {
        implemented.set(code, kind);
        continue;
      }
      const remaining = [...active].filter((c) => c !== code);
      const leavesFAlone = isAtoE(code) && !remaining.some(isAtoE) && remaining.some((c) => categoryOf(c) === 'F');
      const start = Math.max(dayStart(`${y0}-10-01`), Math.floor(last / DAY) * DAY + 7 * DAY);
      if (remaining.length === 0 || leavesFAlone || start > windowEnd) {
        implemented.set(code, 'partly');
        continue;
      }
      withdraw(code, at(officeHours(rng, start + rng.int(0, Math.round((windowEnd - start) / DAY)) * DAY)), rng.pick(withdrawalReasons));
    }
    // A withdrawal changes the plan, so consent is needed again; most MRs give it.
    if (withdrawn.size > withdrawnBefore && consent === 'approved' && rng.chance(reconsentShare)) decide('approved', at(daysAfter(rng, last, 14, 45)));
  }

  // Evaluations at the end of the school year.
  let evalT = Math.max(last, between(rng, `${y1}-06-01`, `${y1}-06-30`));
  for (const code of chosen) {
    const isWithdrawn = withdrawn.has(code);
    if (!rng.chance(isWithdrawn ? evaluationShare.withdrawn : evaluationShare.active)) continue;
    const how: ImplementedAsPlanned = isWithdrawn ? (rng.chance(0.6) ? 'no' : 'partly') : (implemented.get(code) ?? 'yes');
    const effect = trueEffect(rng, code, edition, how);
    const chosenBody = commands.find((c) => c.request.kind === 'chooseIntervention' && c.request.body.code === code)?.request;
    const reached = chosenBody?.kind === 'chooseIntervention' ? chosenBody.body.pupilsReached : 1;
    const domains: readonly ScanDomain[] = chosenBody?.kind === 'chooseIntervention' ? chosenBody.body.targetDomains : ['rekenen'];
    const firstDomain = domains[0] ?? 'rekenen';
    const cognitive = domains.some((d) => d === 'rekenen' || d === 'taal' || d === 'lezen');
    const measured = rng.chance(cognitive ? measuredShare.cognitive : measuredShare.other);
    evalT = at(daysAfter(rng, evalT, 0, 3));
    commands.push({
      t: evalT,
      request: {
        kind: 'evaluation',
        brin,
        body: {
          schoolYear: year,
          code,
          implementedAsPlanned: how,
          experiencedEffect: experiencedEffect(rng, effect),
          ...(measured ? { measuredEffect: measuredEffect(rng, effect, reached, firstDomain, school.sector) } : {}),
        },
      },
    });
  }
  return { chosen, commands };
}
