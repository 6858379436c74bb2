import { type DisclosureParameters } from './parameters.js';

/**
 * Whether a statistic over a group (a mean, a pooled effect) may not be published now because an earlier
 * release published it over a group that differs by 1 to minFrequency-1 members. The two figures together
 * give away what those members contribute: a mean of 5 schools and then of 6 makes the sixth school's
 * value 6·m₂ − 5·m₁, whatever the rounding hides of each. The cell audit cannot see this (a statistic is not
 * a sum of cells), so it is the threshold rule applied to the difference of the groups.
 *
 * `count` is the group size now; `publishedWith` the group sizes of the earlier releases that published it.
 */
export function differsBySmallGroup(count: number, publishedWith: readonly number[], params: Pick<DisclosureParameters, 'minFrequency'>): boolean {
  return publishedWith.some((earlier) => {
    const difference = Math.abs(count - earlier);
    return difference > 0 && difference < params.minFrequency;
  });
}
