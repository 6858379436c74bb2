import { describe, expect, it } from 'vitest';
import type { NpoEventData } from '@npo/contracts';
import { BRIN, cmd, details, ev, findings, given, ocwActor, schoolActor } from './decider.test-support.js';
import { decideSchool } from './school-decider.js';
import { consentStatusOf, foldSchool, yearOf } from './school-state.js';

const Y1 = '2021-2022'; // menukaart v1
const Y3 = '2023-2024'; // menukaart v2

describe('registration (PUT /v1/schools/{brin})', () => {
  it('registers an unknown school', () => {
    given().when(cmd.register()).then([{ type: 'npo.SchoolRegistered', data: details }]);
  });
  it('is idempotent: the same reference data again yields no event', () => {
    given(ev.registered()).when(cmd.register()).thenNothing();
  });
  it('treats surrounding whitespace in the name as the same data', () => {
    given(ev.registered()).when(cmd.register({ name: `  ${details.name} ` })).thenNothing();
  });
  it('records changed reference data (a gemeente merger) as SchoolDetailsChanged with the full new data', () => {
    given(ev.registered())
      .when(cmd.register({ gemeente: 'GM1963' }))
      .then([{ type: 'npo.SchoolDetailsChanged', data: { ...details, gemeente: 'GM1963' } }]);
  });
  it('ChangeSchoolDetails changes a registered school', () => {
    given(ev.registered())
      .when(cmd.changeDetails({ pupils: 190 }))
      .then([{ type: 'npo.SchoolDetailsChanged', data: { ...details, pupils: 190 } }]);
  });
  it('ChangeSchoolDetails refuses an unknown school [school-not-registered]', () => {
    given().when(cmd.changeDetails({ pupils: 190 })).thenThrows('school-not-registered');
  });
  it('refuses data for another BRIN on this stream [stream-mismatch]', () => {
    given(ev.registered()).when(cmd.register({ brin: '17AB' })).thenThrows('stream-mismatch');
  });
  it('refuses reference data the wire contract would refuse [invalid-command]', () => {
    given().when(cmd.register({ brin: '16sw' })).thenThrows('invalid-command');
    given().when(cmd.register({ gemeente: '0363' })).thenThrows('invalid-command');
  });
});

describe('every school command needs a registered school [school-not-registered]', () => {
  it.each([
    ['CompleteScan', cmd.scan(Y1)],
    ['ChooseIntervention', cmd.choose(Y1, 'B3')],
    ['WithdrawIntervention', cmd.withdraw(Y1, 'B3')],
    ['DecideMr', cmd.mr(Y1, 'approved')],
    ['AllocateFunds', cmd.allocate(Y1, 100)],
    ['EvaluateIntervention', cmd.evaluate(Y1, 'B3')],
  ])('%s', (_name, command) => {
    given().when(command).thenThrows('school-not-registered');
  });
  it('even when other events exist for the stream id', () => {
    // A stream holding only a scan is corrupt, but the rule still holds: no details, no commands.
    given(ev.scanned(Y1)).when(cmd.choose(Y1, 'B3')).thenThrows('school-not-registered');
  });
});

describe('school years [school-year-outside-programme]', () => {
  it.each([
    cmd.scan('2020-2021'),
    cmd.choose('2025-2026', 'B3'),
    cmd.withdraw('2019-2020', 'B3'),
    cmd.mr('2025-2026', 'approved'),
    cmd.allocate('2020-2021', 100),
    cmd.evaluate('2030-2031', 'B3'),
  ])('refuses $type outside 2021-2022..2024-2025', (command) => {
    given(ev.registered()).when(command).thenThrows('school-year-outside-programme');
  });
});

describe('scans', () => {
  it('records a scan done in the spring before the school year', () => {
    given(ev.registered())
      .when(cmd.scan(Y1, '2021-04-20'))
      .then([{ type: 'npo.ScanCompleted', data: { brin: BRIN, schoolYear: Y1, completedOn: '2021-04-20', findings } }]);
  });
  it('accepts a scan on the last day of the school year', () => {
    given(ev.registered()).when(cmd.scan(Y1, '2022-07-31')).then([ev.scanned(Y1, '2022-07-31')]);
  });
  it('refuses a scan completed after the school year ended [scan-after-school-year]', () => {
    given(ev.registered()).when(cmd.scan(Y1, '2022-08-01')).thenThrows('scan-after-school-year');
  });
  it('accepts a scan from 1 August of the calendar year before the school year starts (spring scans for next year)', () => {
    given(ev.registered()).when(cmd.scan('2022-2023', '2021-08-01')).then([ev.scanned('2022-2023', '2021-08-01')]);
  });
  it.each(['2021-07-31', '2000-02-29', '0000-01-01'])('refuses a scan for 2022-2023 completed on %s [scan-before-window]', (completedOn) => {
    given(ev.registered()).when(cmd.scan('2022-2023', completedOn)).thenThrows('scan-before-window');
  });
  it('refuses a scan dated after today [date-in-future]', () => {
    given(ev.registered()).when(cmd.scan(Y1, '2021-04-22'), { now: '2021-04-20T10:00:00Z' }).thenThrows('date-in-future');
  });
  it("accepts the UTC date of now plus one day (a Dutch school's today just after midnight)", () => {
    given(ev.registered()).when(cmd.scan(Y1, '2021-04-21'), { now: '2021-04-20T22:30:00Z' }).then([ev.scanned(Y1, '2021-04-21')]);
  });
  it('accepts a second scan in the same year: it replaces the findings and leaves the plan version alone', () => {
    const history = [ev.registered(), ev.scanned(Y1, '2021-04-20'), ev.chosen(Y1, 'B3'), ev.approved(Y1, 1)];
    const second = { ...findings, rekenen: 'mild' as const };
    const rescan = cmd.scan(Y1, '2021-10-01');
    const events = decideSchool({ ...rescan, data: { ...rescan.data, findings: second } }, foldSchool(history), {
      now: '2022-01-01T00:00:00Z',
    });
    const year = yearOf(foldSchool([...history, ...events]), Y1);
    expect(year.scan).toEqual({ completedOn: '2021-10-01', findings: second });
    expect(year.planVersion).toBe(1);
    expect(consentStatusOf(year)).toBe('approved');
  });
});

describe('choosing interventions', () => {
  it('records a choice from the edition of that year', () => {
    given(ev.registered()).when(cmd.choose(Y1, 'B3')).then([ev.chosen(Y1, 'B3')]);
  });
  it.each([
    [Y1, 'B10', 'only in v2'],
    [Y1, 'B12', 'only in v2'],
    ['2022-2023', 'B11', 'only in v2'],
    [Y3, 'A1', 'only in v1'],
    [Y1, 'G1', 'no such category'],
    [Y1, 'B13', 'no such code'],
  ])('refuses %s %s (%s) [menukaart-code-unknown]', (year, code) => {
    given(ev.registered()).when(cmd.choose(year, code)).thenThrows('menukaart-code-unknown');
  });
  it.each([
    [Y3, 'B10'],
    ['2022-2023', 'A1'],
    ['2024-2025', 'B12'],
  ])('accepts %s %s from its edition', (year, code) => {
    given(ev.registered()).when(cmd.choose(year, code)).then([ev.chosen(year, code)]);
  });
  it('refuses the same code twice while active [duplicate-active-choice]', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.choose(Y1, 'B3')).thenThrows('duplicate-active-choice');
  });
  it('allows choosing a code again after it was withdrawn', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.withdrawn(Y1, 'B3')).when(cmd.choose(Y1, 'B3')).then([ev.chosen(Y1, 'B3')]);
  });
  it('allows the same code in another school year', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.choose('2022-2023', 'B3')).then([ev.chosen('2022-2023', 'B3')]);
  });
  it('refuses a zero budget [amount-not-positive-cents]', () => {
    given(ev.registered()).when(cmd.choose(Y1, 'B3', 0)).thenThrows('amount-not-positive-cents');
  });
  it('refuses a fractional budget [amount-not-positive-cents]', () => {
    given(ev.registered()).when(cmd.choose(Y1, 'B3', 100.5)).thenThrows('amount-not-positive-cents');
  });
  describe('pupilsReached is at most the registered pupil count [pupils-exceed-school]', () => {
    const reaching = (pupilsReached: number) => {
      const command = cmd.choose(Y1, 'B3');
      return { ...command, data: { ...command.data, pupilsReached } };
    };
    it('refuses 999999 pupils at a school of 167', () => {
      given(ev.registered({ pupils: 167 })).when(reaching(999_999)).thenThrows('pupils-exceed-school');
    });
    it('accepts every pupil of the school', () => {
      given(ev.registered({ pupils: 167 })).when(reaching(167)).then([{ type: 'npo.InterventionChosen', data: reaching(167).data }]);
    });
    it('counts against the largest count registered: a grown school may reach its new count', () => {
      const grown = { type: 'npo.SchoolDetailsChanged', data: { ...details, pupils: 200 } } as const;
      given(ev.registered({ pupils: 167 }), grown).when(reaching(200)).then([{ type: 'npo.InterventionChosen', data: reaching(200).data }]);
      given(ev.registered({ pupils: 167 }), grown).when(reaching(201)).thenThrows('pupils-exceed-school');
    });
    it('and a shrunk school its earlier count (a spring plan made on last year\'s count), but no more', () => {
      const shrunk = { type: 'npo.SchoolDetailsChanged', data: { ...details, pupils: 100 } } as const;
      given(ev.registered({ pupils: 167 }), shrunk).when(reaching(150)).then([{ type: 'npo.InterventionChosen', data: reaching(150).data }]);
      given(ev.registered({ pupils: 167 }), shrunk).when(reaching(168)).thenThrows('pupils-exceed-school');
    });
  });
  it('refuses an empty targetDomains list [invalid-command]', () => {
    const command = cmd.choose(Y1, 'B3');
    given(ev.registered())
      .when({ ...command, data: { ...command.data, targetDomains: [] } })
      .thenThrows('invalid-command');
  });
});

describe('category F only alongside A-E [category-f-needs-a-to-e]', () => {
  it('refuses F as the first choice', () => {
    given(ev.registered()).when(cmd.choose(Y1, 'F1')).thenThrows('category-f-needs-a-to-e');
  });
  it('refuses F next to another F only', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.chosen(Y1, 'F2'), ev.withdrawn(Y1, 'B3'))
      .when(cmd.choose(Y1, 'F1'))
      .thenThrows('category-f-needs-a-to-e');
  });
  it('refuses F when the A-E choice is in another school year', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.choose('2022-2023', 'F1')).thenThrows('category-f-needs-a-to-e');
  });
  it('refuses F when the only A-E choice was withdrawn', () => {
    given(ev.registered(), ev.chosen(Y1, 'C2'), ev.withdrawn(Y1, 'C2')).when(cmd.choose(Y1, 'F1')).thenThrows('category-f-needs-a-to-e');
  });
  it('accepts F next to an active A-E choice', () => {
    given(ev.registered(), ev.chosen(Y1, 'E2')).when(cmd.choose(Y1, 'F1')).then([ev.chosen(Y1, 'F1')]);
  });
});

describe('withdrawing', () => {
  it('records the withdrawal of an active choice', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.withdraw(Y1, 'B3')).then([ev.withdrawn(Y1, 'B3')]);
  });
  it('refuses a code never chosen [choice-not-active]', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.withdraw(Y1, 'B5')).thenThrows('choice-not-active');
  });
  it('refuses a second withdrawal [choice-not-active]', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.withdrawn(Y1, 'B3')).when(cmd.withdraw(Y1, 'B3')).thenThrows('choice-not-active');
  });
  it('refuses a code chosen in another year [choice-not-active]', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.withdraw('2022-2023', 'B3')).thenThrows('choice-not-active');
  });
  it('refuses withdrawing the last A-E choice while an F choice stands [withdraw-leaves-f-alone]', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.chosen(Y1, 'F1')).when(cmd.withdraw(Y1, 'B3')).thenThrows('withdraw-leaves-f-alone');
  });
  it('allows withdrawing an A-E choice when another A-E choice remains beside F', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.chosen(Y1, 'C2'), ev.chosen(Y1, 'F1'))
      .when(cmd.withdraw(Y1, 'B3'))
      .then([ev.withdrawn(Y1, 'B3')]);
  });
  it('allows withdrawing F first and then the last A-E choice', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.chosen(Y1, 'F1'), ev.withdrawn(Y1, 'F1'))
      .when(cmd.withdraw(Y1, 'B3'))
      .then([ev.withdrawn(Y1, 'B3')]);
  });
});

describe('MR decisions', () => {
  const planned = [ev.registered(), ev.scanned(Y1), ev.chosen(Y1, 'B3'), ev.chosen(Y1, 'C2')];

  it('records approval of the current plan version', () => {
    given(...planned).when(cmd.mr(Y1, 'approved', '2021-07-01')).then([ev.approved(Y1, 2, '2021-07-01')]);
  });
  it('records rejection of the current plan version', () => {
    given(...planned).when(cmd.mr(Y1, 'rejected', '2021-07-01')).then([ev.rejected(Y1, 2, '2021-07-01')]);
  });
  it('needs a completed scan for that year [mr-needs-scan]', () => {
    given(ev.registered(), ev.scanned('2022-2023'), ev.chosen(Y1, 'B3')).when(cmd.mr(Y1, 'approved')).thenThrows('mr-needs-scan');
  });
  it('needs an active choice for that year [mr-needs-active-choice]', () => {
    given(ev.registered(), ev.scanned(Y1)).when(cmd.mr(Y1, 'approved')).thenThrows('mr-needs-active-choice');
  });
  it('does not count a withdrawn choice [mr-needs-active-choice]', () => {
    given(ev.registered(), ev.scanned(Y1), ev.chosen(Y1, 'B3'), ev.withdrawn(Y1, 'B3'))
      .when(cmd.mr(Y1, 'approved'))
      .thenThrows('mr-needs-active-choice');
  });
  it('refuses a decision dated before the scan of that year was completed [mr-decision-before-scan]', () => {
    const scannedLate = [ev.registered(), ev.scanned('2023-2024', '2023-09-01'), ev.chosen('2023-2024', 'B3')];
    given(...scannedLate).when(cmd.mr('2023-2024', 'approved', '1900-01-01')).thenThrows('mr-decision-before-scan');
    given(...scannedLate).when(cmd.mr('2023-2024', 'approved', '2023-08-31')).thenThrows('mr-decision-before-scan');
  });
  it('accepts a decision on the day the scan was completed', () => {
    given(ev.registered(), ev.scanned('2023-2024', '2023-09-01'), ev.chosen('2023-2024', 'B3'))
      .when(cmd.mr('2023-2024', 'approved', '2023-09-01'))
      .then([ev.approved('2023-2024', 1, '2023-09-01')]);
  });
  it('measures from the first scan of the year: a rescan does not invalidate a decision dated between the two', () => {
    given(...planned, ev.scanned(Y1, '2021-10-01'))
      .when(cmd.mr(Y1, 'approved', '2021-07-01'))
      .then([ev.approved(Y1, 2, '2021-07-01')]);
  });
  it('refuses a decision dated after today [date-in-future]', () => {
    given(...planned).when(cmd.mr(Y1, 'approved', '2021-07-10'), { now: '2021-07-01T09:00:00Z' }).thenThrows('date-in-future');
  });
  it('treats a repeated identical decision on the same plan version as a no-op', () => {
    given(...planned, ev.approved(Y1, 2)).when(cmd.mr(Y1, 'approved')).thenNothing();
  });
  it('records a reversal on the same plan version', () => {
    given(...planned, ev.approved(Y1, 2)).when(cmd.mr(Y1, 'rejected', '2021-07-02')).then([ev.rejected(Y1, 2, '2021-07-02')]);
  });

  describe('a change after consent makes the plan need consent again', () => {
    it.each([
      ['a new choice', ev.chosen(Y1, 'B5')],
      ['a withdrawal', ev.withdrawn(Y1, 'C2')],
    ])('%s', (_label, change) => {
      const approvedState = foldSchool([...planned, ev.approved(Y1, 2)]);
      expect(consentStatusOf(yearOf(approvedState, Y1))).toBe('approved');
      const changed = foldSchool([...planned, ev.approved(Y1, 2), change]);
      expect(consentStatusOf(yearOf(changed, Y1))).toBe('needs-consent');
      // New consent names the new version, so the approval of version 2 cannot be mistaken for it.
      given(...planned, ev.approved(Y1, 2), change).when(cmd.mr(Y1, 'approved', '2021-09-01')).then([ev.approved(Y1, 3, '2021-09-01')]);
    });
    it('and a rejected plan that changes needs a new decision too', () => {
      const changed = foldSchool([...planned, ev.rejected(Y1, 2), ev.chosen(Y1, 'B5')]);
      expect(consentStatusOf(yearOf(changed, Y1))).toBe('needs-consent');
    });
    it('a change in another year leaves consent alone', () => {
      const state = foldSchool([...planned, ev.approved(Y1, 2), ev.chosen('2022-2023', 'B3')]);
      expect(consentStatusOf(yearOf(state, Y1))).toBe('approved');
    });
  });
});

describe('allocations', () => {
  it('records an allocation by ocw', () => {
    given(ev.registered())
      .when(cmd.allocate(Y1, 18_000_000))
      .then([{ type: 'npo.FundsAllocated', data: { brin: BRIN, schoolYear: Y1, amountCents: 18_000_000, basis: 'NPO per leerling' } }]);
  });
  it.each([schoolActor, { role: 'admin', id: 'root' } as const, { role: 'gemeente', id: 'GM0363' } as const])(
    'refuses role $role [allocation-requires-ocw]',
    (actor) => {
      given(ev.registered()).when(cmd.allocate(Y1, 100, actor)).thenThrows('allocation-requires-ocw');
    },
  );
  it.each([0, -100, 12.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN])('refuses %d cents [amount-not-positive-cents]', (amount) => {
    given(ev.registered()).when(cmd.allocate(Y1, amount, ocwActor)).thenThrows('amount-not-positive-cents');
  });
  describe('[total-beyond-exact-cents]', () => {
    const allocated = (schoolYear: string, amountCents: number): NpoEventData => ({
      type: 'npo.FundsAllocated',
      data: { brin: BRIN, schoolYear, amountCents, basis: 'NPO per leerling' },
    });
    const nearlyAll = Number.MAX_SAFE_INTEGER - 100;
    it("refuses an allocation that takes the year's total past 2^53 - 1 cents, and takes one that reaches it", () => {
      given(ev.registered(), allocated(Y1, nearlyAll)).when(cmd.allocate(Y1, 101)).thenThrows('total-beyond-exact-cents');
      given(ev.registered(), allocated(Y1, nearlyAll)).when(cmd.allocate(Y1, 100)).then([{ type: 'npo.FundsAllocated', data: { brin: BRIN, schoolYear: Y1, amountCents: 100, basis: 'NPO per leerling' } }]);
    });
    it('counts each year on its own', () => {
      given(ev.registered(), allocated('2022-2023', nearlyAll)).when(cmd.allocate(Y1, 1_000)).then([{ type: 'npo.FundsAllocated', data: { brin: BRIN, schoolYear: Y1, amountCents: 1_000, basis: 'NPO per leerling' } }]);
    });
    it("refuses a choice that takes the year's planned budget past it; a withdrawn choice no longer counts", () => {
      given(ev.registered(), ev.chosen(Y1, 'B3', nearlyAll)).when(cmd.choose(Y1, 'B4', 101)).thenThrows('total-beyond-exact-cents');
      given(ev.registered(), ev.chosen(Y1, 'B3', nearlyAll), ev.withdrawn(Y1, 'B3')).when(cmd.choose(Y1, 'B4', nearlyAll)).then([ev.chosen(Y1, 'B4', nearlyAll)]);
    });
  });
});

describe('evaluations [evaluation-needs-chosen-intervention]', () => {
  const evaluated = {
    type: 'npo.InterventionEvaluated',
    data: { brin: BRIN, schoolYear: Y1, code: 'B3', implementedAsPlanned: 'partly', experiencedEffect: 4 },
  } as const;
  it('accepts an evaluation of an active choice', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3')).when(cmd.evaluate(Y1, 'B3')).then([evaluated]);
  });
  it('accepts an evaluation of a choice withdrawn after being chosen', () => {
    given(ev.registered(), ev.chosen(Y1, 'B3'), ev.withdrawn(Y1, 'B3')).when(cmd.evaluate(Y1, 'B3')).then([evaluated]);
  });
  it('refuses a code never chosen', () => {
    given(ev.registered(), ev.chosen(Y1, 'B5')).when(cmd.evaluate(Y1, 'B3')).thenThrows('evaluation-needs-chosen-intervention');
  });
  it('refuses a code chosen only in another year', () => {
    given(ev.registered(), ev.chosen('2022-2023', 'B3')).when(cmd.evaluate(Y1, 'B3')).thenThrows('evaluation-needs-chosen-intervention');
  });
  describe('measuredEffect.pupils is at most the registered pupil count [pupils-exceed-school]', () => {
    const measuring = (pupils: number) => {
      const command = cmd.evaluate(Y1, 'B3');
      return { ...command, data: { ...command.data, measuredEffect: { effectSize: 0.2, pupils, instrument: 'Cito LVS' } } };
    };
    it('refuses 1000000 pupils measured at a school of 0', () => {
      given(ev.registered({ pupils: 0 }), ev.chosen(Y1, 'B3')).when(measuring(1_000_000)).thenThrows('pupils-exceed-school');
    });
    it('refuses more pupils than the school has', () => {
      given(ev.registered({ pupils: 167 }), ev.chosen(Y1, 'B3')).when(measuring(168)).thenThrows('pupils-exceed-school');
    });
    it('accepts a measurement over every pupil of the school', () => {
      given(ev.registered({ pupils: 167 }), ev.chosen(Y1, 'B3'))
        .when(measuring(167))
        .then([{ type: 'npo.InterventionEvaluated', data: measuring(167).data }]);
    });
  });
  it('keeps the latest evaluation per code', () => {
    const later = { ...evaluated, data: { ...evaluated.data, implementedAsPlanned: 'yes' as const, experiencedEffect: 5 } };
    const state = foldSchool([ev.registered(), ev.chosen(Y1, 'B3'), evaluated, later]);
    expect(yearOf(state, Y1).evaluations.get('B3')).toMatchObject({ implementedAsPlanned: 'yes', experiencedEffect: 5 });
  });
});
