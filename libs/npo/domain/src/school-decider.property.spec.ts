import type { Actor, NpoEventData } from '@npo/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SchoolCommand } from './commands.js';
import { cmd, ocwActor, schoolActor } from './decider.test-support.js';
import { DomainRuleViolation, type DomainRule } from './rules.js';
import { decideSchool } from './school-decider.js';
import { consentStatusOf, evolveSchool, initialSchoolState, yearOf } from './school-state.js';

/*
 * A deliberately naive reference model of the school plan rules: sets of codes per year, the first
 * scan date and a consent flag that any change resets. It knows the editions only for the codes it uses, written
 * out by hand. The decider (plan versions, maps, menukaart lookups) must agree with it on every step.
 */
const years = ['2021-2022', '2023-2024'] as const;
type Year = (typeof years)[number];
const codes = ['A1', 'B10', 'B3', 'C2', 'F1', 'F2'] as const;
const offered: Record<Year, readonly string[]> = {
  '2021-2022': ['A1', 'B3', 'C2', 'F1', 'F2'],
  '2023-2024': ['B10', 'B3', 'C2', 'F1', 'F2'],
};
const isF = (c: string) => c.startsWith('F');

// Dates relative to the year's first calendar year: in the scan window, or a day before it opens.
const scanDays = ['04-20', '06-15', 'too-early'] as const;
const mrDays = ['05-01', '07-01'] as const;
const startOf = (y: Year) => Number(y.slice(0, 4));
const scanDate = (y: Year, day: (typeof scanDays)[number]) => (day === 'too-early' ? `${startOf(y) - 1}-07-31` : `${startOf(y)}-${day}`);
const mrDate = (y: Year, day: (typeof mrDays)[number]) => `${startOf(y)}-${day}`;

interface ModelYear {
  firstScan: string | null;
  active: Set<string>;
  ever: Set<string>;
  consent: 'needs-consent' | 'approved' | 'rejected';
  changes: number;
}
interface Model {
  registered: boolean;
  /** The largest count registered so far. */
  pupils: number;
  years: Record<Year, ModelYear>;
}
const newModel = (): Model => ({
  registered: false,
  pupils: 0,
  years: Object.fromEntries(
    years.map((y) => [y, { firstScan: null, active: new Set(), ever: new Set(), consent: 'needs-consent', changes: 0 }]),
  ) as unknown as Record<Year, ModelYear>,
});

type Op =
  | { kind: 'register'; pupils: number }
  | { kind: 'scan'; year: Year; day: (typeof scanDays)[number] }
  | { kind: 'choose'; year: Year; code: string; pupilsReached: number }
  | { kind: 'withdraw'; year: Year; code: string }
  | { kind: 'mr'; year: Year; decision: 'approved' | 'rejected'; day: (typeof mrDays)[number] }
  | { kind: 'allocate'; year: Year; amount: number; actor: Actor }
  | { kind: 'evaluate'; year: Year; code: string; measuredPupils: number | null };

/** Applies an op to the model: undefined if accepted (model mutated), else the rule it breaks. */
function modelStep(m: Model, op: Op): DomainRule | undefined {
  if (op.kind === 'register') {
    m.registered = true;
    m.pupils = Math.max(m.pupils, op.pupils);
    return undefined;
  }
  if (!m.registered) return 'school-not-registered';
  const y = m.years[op.year];
  switch (op.kind) {
    case 'scan': {
      const on = scanDate(op.year, op.day);
      if (on < `${startOf(op.year) - 1}-08-01`) return 'scan-before-window';
      if (y.firstScan === null || on < y.firstScan) y.firstScan = on;
      return undefined;
    }
    case 'choose':
      if (!offered[op.year].includes(op.code)) return 'menukaart-code-unknown';
      if (y.active.has(op.code)) return 'duplicate-active-choice';
      if (isF(op.code) && ![...y.active].some((c) => !isF(c))) return 'category-f-needs-a-to-e';
      if (op.pupilsReached > m.pupils) return 'pupils-exceed-school';
      y.active.add(op.code);
      y.ever.add(op.code);
      y.consent = 'needs-consent';
      y.changes++;
      return undefined;
    case 'withdraw': {
      if (!y.active.has(op.code)) return 'choice-not-active';
      const rest = [...y.active].filter((c) => c !== op.code);
      if (!isF(op.code) && rest.every(isF) && rest.length > 0) return 'withdraw-leaves-f-alone';
      y.active.delete(op.code);
      y.consent = 'needs-consent';
      y.changes++;
      return undefined;
    }
    case 'mr':
      if (y.firstScan === null) return 'mr-needs-scan';
      if (y.active.size === 0) return 'mr-needs-active-choice';
      if (mrDate(op.year, op.day) < y.firstScan) return 'mr-decision-before-scan';
      y.consent = op.decision;
      return undefined;
    case 'allocate':
      if (op.actor.role !== 'ocw') return 'allocation-requires-ocw';
      if (!(op.amount > 0 && Number.isInteger(op.amount))) return 'amount-not-positive-cents';
      return undefined;
    case 'evaluate':
      if (!y.ever.has(op.code)) return 'evaluation-needs-chosen-intervention';
      return op.measuredPupils !== null && op.measuredPupils > m.pupils ? 'pupils-exceed-school' : undefined;
  }
}

function toCommand(op: Op): SchoolCommand {
  switch (op.kind) {
    case 'register':
      return cmd.register({ pupils: op.pupils });
    case 'scan':
      return cmd.scan(op.year, scanDate(op.year, op.day));
    case 'choose': {
      const c = cmd.choose(op.year, op.code);
      return { ...c, data: { ...c.data, pupilsReached: op.pupilsReached } };
    }
    case 'withdraw':
      return cmd.withdraw(op.year, op.code);
    case 'mr':
      return cmd.mr(op.year, op.decision, mrDate(op.year, op.day));
    case 'allocate':
      return cmd.allocate(op.year, op.amount, op.actor);
    case 'evaluate': {
      const c = cmd.evaluate(op.year, op.code);
      if (op.measuredPupils === null) return c;
      return { ...c, data: { ...c.data, measuredEffect: { effectSize: 0.3, pupils: op.measuredPupils, instrument: 'Cito LVS' } } };
    }
  }
}

// Biased towards one year and the codes that interact (B3 with F1), so the rules meet often.
const year = fc.oneof({ weight: 4, arbitrary: fc.constant(years[0]) }, { weight: 1, arbitrary: fc.constant(years[1]) });
const code = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('B3', 'F1') },
  { weight: 2, arbitrary: fc.constantFrom(...codes) },
);
// Pupil counts around the school sizes the register op uses, so "at most the largest count" meets its edges.
const schoolPupils = fc.constantFrom(212, 30, 213);
const pupilsOf = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(25, 30, 31, 212) }, { weight: 1, arbitrary: fc.constantFrom(213, 999_999) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), pupils: schoolPupils }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scan' as const), year, day: fc.constantFrom(...scanDays) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('choose' as const), year, code, pupilsReached: pupilsOf }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), year, code }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('mr' as const),
      year,
      decision: fc.constantFrom('approved' as const, 'rejected' as const),
      day: fc.constantFrom(...mrDays),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      year,
      amount: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(2.5), fc.integer({ min: 1, max: 1e12 })),
      actor: fc.constantFrom(ocwActor, schoolActor),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('evaluate' as const), year, code, measuredPupils: fc.option(pupilsOf, { nil: null }) }),
  },
);

// Nine in ten sequences start registered so the plan rules get exercised; the rest test the guard.
const sequence = fc
  .tuple(fc.nat({ max: 9 }), fc.array(op, { maxLength: 40 }))
  .map(([dice, ops]) => (dice > 0 ? ([{ kind: 'register', pupils: 212 }, ...ops] as Op[]) : ops));

describe('school decider vs. reference model (property)', () => {
  it('agree on accept/reject, the rule broken, the active set, consent status and plan version', () => {
    const seen = new Set<DomainRule | 'accepted'>();
    fc.assert(
      fc.property(sequence, (ops) => {
        const model = newModel();
        let state = initialSchoolState();
        for (const o of ops) {
          const expectedRule = modelStep(model, o);
          let events: NpoEventData[] = [];
          let rule: DomainRule | undefined;
          try {
            events = decideSchool(toCommand(o), state, { now: '2025-06-01T00:00:00Z' });
          } catch (err) {
            if (!(err instanceof DomainRuleViolation)) throw err;
            rule = err.rule;
          }
          expect(rule, JSON.stringify(o)).toBe(expectedRule);
          seen.add(rule ?? 'accepted');
          state = events.reduce(evolveSchool, state);
          for (const y of years) {
            const actual = yearOf(state, y);
            const expected = model.years[y];
            expect(new Set(actual.activeChoices.keys())).toEqual(expected.active);
            expect(consentStatusOf(actual)).toBe(expected.consent);
            expect(actual.planVersion).toBe(expected.changes);
          }
          expect(state.details !== null).toBe(model.registered);
        }
      }),
      {
        numRuns: 300,
        // Always run one sequence that walks through every rule, whatever the random seed.
        examples: [
          [
            [
              { kind: 'scan', year: years[0], day: '04-20' },
              { kind: 'register', pupils: 212 },
              { kind: 'choose', year: years[0], code: 'B10', pupilsReached: 25 },
              { kind: 'choose', year: years[0], code: 'F1', pupilsReached: 25 },
              { kind: 'mr', year: years[0], decision: 'approved', day: '07-01' },
              { kind: 'choose', year: years[0], code: 'B3', pupilsReached: 25 },
              { kind: 'choose', year: years[0], code: 'B3', pupilsReached: 25 },
              { kind: 'mr', year: years[0], decision: 'approved', day: '07-01' },
              { kind: 'scan', year: years[0], day: '06-15' },
              { kind: 'mr', year: years[0], decision: 'approved', day: '07-01' },
              { kind: 'scan', year: years[0], day: 'too-early' },
              { kind: 'mr', year: years[0], decision: 'rejected', day: '05-01' },
              { kind: 'choose', year: years[0], code: 'F1', pupilsReached: 25 },
              { kind: 'withdraw', year: years[0], code: 'B3' },
              { kind: 'withdraw', year: years[0], code: 'C2' },
              { kind: 'evaluate', year: years[0], code: 'C2', measuredPupils: null },
              { kind: 'evaluate', year: years[0], code: 'F1', measuredPupils: null },
              { kind: 'choose', year: years[0], code: 'C2', pupilsReached: 213 },
              { kind: 'evaluate', year: years[0], code: 'B3', measuredPupils: 999_999 },
              { kind: 'register', pupils: 30 },
              { kind: 'evaluate', year: years[0], code: 'B3', measuredPupils: 30 },
              { kind: 'allocate', year: years[0], amount: 100, actor: schoolActor },
              { kind: 'allocate', year: years[0], amount: 0, actor: ocwActor },
              { kind: 'withdraw', year: years[0], code: 'F1' },
              { kind: 'withdraw', year: years[0], code: 'B3' },
              { kind: 'mr', year: years[0], decision: 'rejected', day: '07-01' },
            ],
          ],
        ],
      },
    );
    // The generator must actually reach every rule the model knows, or the agreement means little.
    expect([...seen].sort()).toEqual(
      [
        'accepted',
        'school-not-registered',
        'menukaart-code-unknown',
        'duplicate-active-choice',
        'category-f-needs-a-to-e',
        'choice-not-active',
        'withdraw-leaves-f-alone',
        'mr-needs-scan',
        'mr-needs-active-choice',
        'scan-before-window',
        'mr-decision-before-scan',
        'allocation-requires-ocw',
        'amount-not-positive-cents',
        'pupils-exceed-school',
        'evaluation-needs-chosen-intervention',
      ].sort(),
    );
  });
});
