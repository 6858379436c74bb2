import { type DisclosureParameters } from './parameters.js';

/**
 * Whether a statistic over a group (a mean, a pooled effect) may not be published now because an earlier
 * release published it over a group that differs by 1 to minFrequency-1 members. The two figures together
 * give away what those members contribute: a mean of 5 schools and then of 6 makes the sixth school's
 * value 6·m₂ − 5·m₁; one school leaving and another joining makes 5·(m₂ − m₁) the difference of their two
 * values. The cell audit cannot see this (a statistic is not a sum of cells), so it is the threshold rule
 * applied to the members in one group and not the other.
 *
 * `group` holds the members now. `publishedWith` holds, per earlier release that published the statistic,
 * its members, or only their number when that is all that was kept (then only a change in size shows).
 * A member whose own value changed between releases is not seen: that isolates a change, not a value.
 */
export function differsBySmallGroup(group: readonly string[], publishedWith: readonly (readonly string[] | number)[], params: Pick<DisclosureParameters, 'minFrequency'>): boolean {
  const now = new Set(group);
  return publishedWith.some((earlier) => {
    let difference: number;
    if (typeof earlier === 'number') difference = Math.abs(now.size - earlier);
    else {
      const before = new Set(earlier);
      difference = [...now].filter((m) => !before.has(m)).length + [...before].filter((m) => !now.has(m)).length;
    }
    return difference > 0 && difference < params.minFrequency;
  });
}
