import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DomainRuleViolation, domainRuleIds, isDomainRuleViolation } from './rules.js';

describe('rule catalogue', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const specs = readdirSync(here)
    .filter((f) => f.endsWith('-decider.spec.ts'))
    .map((f) => readFileSync(`${here}/${f}`, 'utf8'))
    .join('\n');

  it.each(domainRuleIds)('rule %s has a given/when/thenThrows spec', (rule) => {
    expect(specs).toContain(`thenThrows('${rule}')`);
  });

  it('ids are kebab-case and stable strings', () => {
    for (const id of domainRuleIds) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('the violation carries code, rule and a default message', () => {
    const err: unknown = new DomainRuleViolation('mr-needs-scan');
    expect(isDomainRuleViolation(err)).toBe(true);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'domain-rule-violation', rule: 'mr-needs-scan', name: 'DomainRuleViolation' });
    expect((err as Error).message).toMatch(/scan/);
  });
});
