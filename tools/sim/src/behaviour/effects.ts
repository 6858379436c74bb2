import type { ImplementedAsPlanned, MeasuredEffect, ScanDomain, Sector } from '@npo/contracts';
import { effectSizeBandForMonths, menukaartEntry, type MenukaartEdition } from '@npo/domain';
import { clamp } from '../random/distributions.js';
import type { Rng } from '../random/prng.js';
import { effectHeterogeneity, implementationFactor, unratedEffect } from './calibration.js';

/**
 * The menukaart's months of progress for a code, from the edition that applies, else the other
 * edition (E2, F1, F2 have no v2 figures read), else null (not rated).
 */
export function monthsFor(code: string, edition: MenukaartEdition): number | null {
  const entry = menukaartEntry(code);
  if (entry === undefined) return null;
  const own = entry.editions[edition]?.months;
  if (own !== null && own !== undefined) return own;
  const other = entry.editions[edition === 'v1' ? 'v2' : 'v1']?.months;
  return other ?? null;
}

/**
 * The effect size (Hedges g) the international evidence leads one to expect: the middle of the EEF
 * band for the menukaart's months of progress, or a small effect for an unrated intervention.
 */
export function expectedEffect(code: string, edition: MenukaartEdition): number {
  const months = monthsFor(code, edition);
  const band = months === null ? undefined : effectSizeBandForMonths(months);
  return band === undefined ? unratedEffect : (band.min + band.max) / 2;
}

/** A school's true effect: the expected effect, damped by how far it was implemented, plus school-to-school spread. */
export function trueEffect(rng: Rng, code: string, edition: MenukaartEdition, implemented: ImplementedAsPlanned): number {
  return expectedEffect(code, edition) * implementationFactor[implemented] + effectHeterogeneity * rng.normal();
}

const instruments: Readonly<Record<ScanDomain, { readonly po: string; readonly vo: string }>> = {
  rekenen: { po: 'LVS rekenen-wiskunde', vo: 'Diagnostische toets rekenen' },
  taal: { po: 'LVS taalverzorging', vo: 'Diagnostische toets Nederlands' },
  lezen: { po: 'LVS begrijpend lezen', vo: 'Toets leesvaardigheid' },
  executieveFuncties: { po: 'BRIEF-vragenlijst', vo: 'BRIEF-vragenlijst' },
  sociaalEmotioneel: { po: 'SDQ-vragenlijst', vo: 'SDQ-vragenlijst' },
  welbevinden: { po: 'Vragenlijst welbevinden', vo: 'Vragenlijst welbevinden' },
};

/**
 * A school's own measurement: the true effect plus sampling error. The standard error of a
 * standardised mean difference over n pupils in a pre/post comparison is roughly 2/sqrt(n).
 */
export function measuredEffect(rng: Rng, effect: number, pupilsReached: number, domain: ScanDomain, sector: Sector): MeasuredEffect {
  const pupils = Math.max(5, Math.round(pupilsReached * rng.uniform(0.5, 1)));
  const observed = effect + (2 / Math.sqrt(pupils)) * rng.normal();
  const level = sector === 'vo' || sector === 'pro' || sector === 'vso' ? 'vo' : 'po';
  return { effectSize: Math.round(clamp(observed, -3, 3) * 1000) / 1000, pupils, instrument: instruments[domain][level] };
}

/** The school's own judgement (1 none .. 5 large): follows the true effect, with a generous optimism and noise. */
export const experiencedEffect = (rng: Rng, effect: number): number => clamp(Math.round(2.6 + 3 * effect + 0.6 * rng.normal()), 1, 5);
