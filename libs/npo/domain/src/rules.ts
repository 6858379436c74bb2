/**
 * Stable ids of the rules the deciders enforce. The API puts the id in its 422 problem body
 * (`school-not-registered` maps to 404); clients and tests match on the id, never on the message.
 */
export const domainRules = {
  'school-not-registered': 'The school must be registered before anything else is recorded for it.',
  'stream-mismatch': 'The command names a different school or gemeente than the stream it is decided on.',
  'school-year-outside-programme': 'The school year must be one of the NPO programme years 2021-2022 .. 2024-2025.',
  'menukaart-code-unknown': "The code must exist in the menukaart edition of that school year.",
  'category-f-needs-a-to-e': 'Category F may only be chosen while an A-E intervention is active in that year.',
  'withdraw-leaves-f-alone': 'The last active A-E intervention cannot be withdrawn while an F intervention stands.',
  'duplicate-active-choice': 'The intervention is already an active choice for that year.',
  'choice-not-active': 'Only an active choice can be withdrawn.',
  'mr-needs-scan': 'The MR can only decide on a plan for a year in which the scan is completed.',
  'mr-needs-active-choice': 'The MR can only decide on a plan with at least one active intervention.',
  'amount-not-positive-cents': 'Amounts are positive whole euro-cents within the safe integer range.',
  'total-beyond-exact-cents':
    "A school year's planned budget and its allocations must each add up to at most 2^53 - 1 cents, the largest total a report can state exactly.",
  'allocation-requires-ocw': 'Only the funder (role ocw) allocates NPO funds.',
  'evaluation-needs-chosen-intervention': 'Only an intervention chosen in that year (active or withdrawn since) can be evaluated.',
  'scan-after-school-year': 'A scan for a school year must be completed before that school year ends (31 July).',
  'scan-before-window':
    'A scan for a school year cannot be completed before 1 August of the calendar year before that school year starts.',
  'mr-decision-before-scan': "An MR decision cannot be dated before the year's first scan was completed: the plan it decides on rests on the scan.",
  'pupils-exceed-school':
    'pupilsReached and measuredEffect.pupils cannot exceed the largest pupil count registered for the school.',
  'date-in-future': 'A date of something that happened cannot lie after today.',
  'invalid-command': 'The command does not produce an event that satisfies the wire contract.',
} as const;

export type DomainRule = keyof typeof domainRules;
export const domainRuleIds = Object.keys(domainRules) as DomainRule[];

/** A command broke a domain rule. `code` is the error kind, `rule` says which rule. */
export class DomainRuleViolation extends Error {
  readonly code = 'domain-rule-violation' as const;
  constructor(
    readonly rule: DomainRule,
    message: string = domainRules[rule],
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}

export const isDomainRuleViolation = (err: unknown): err is DomainRuleViolation => err instanceof DomainRuleViolation;
