import type { Sector } from '@npo/contracts';

export const simScales = ['demo', 'national', 'stress'] as const;
export type SimScale = (typeof simScales)[number];

// The uptake calibration and the implementation figures are per sector group (po, vo, (v)so).
export { sectorGroupOf, type SectorGroup } from '@npo/domain';

export interface Gemeente {
  /** CBS code, `GM` + 4 digits. */
  readonly code: string;
  readonly name: string;
  /** True for the handful of real gemeenten (code and name as CBS has them); the rest is synthetic. */
  readonly real: boolean;
  /** Latent urbanity: raises the achterstandsscore of its schools. */
  readonly urban: number;
}

/** Gemeenten that merge on `date` into a new gemeente; schools move to the new code that day. */
export interface Merger {
  readonly date: string;
  readonly from: readonly string[];
  readonly into: Gemeente;
}

export interface School {
  readonly brin: string;
  readonly name: string;
  readonly sector: Sector;
  /** Gemeente at registration (1 October 2020). */
  readonly gemeente: string;
  /** Pupils on 1 October 2020. */
  readonly pupils: number;
  /** CBS achterstandsscore at two decimals (0 for sbo and (v)so, which are funded on CUMI pupils). */
  readonly achterstandsscore: number;
  readonly voYears12Pupils?: number;
  readonly vboYears34Pupils?: number;
  readonly cumiPupils?: number;
  /** Latent need, standard normal: drives achterstand and the severity of scan findings. */
  readonly need: number;
}

export interface World {
  readonly scale: SimScale;
  readonly seed: number;
  /** Gemeenten as of 1 January 2021, followed by those formed by mergers. */
  readonly gemeenten: readonly Gemeente[];
  readonly mergers: readonly Merger[];
  readonly schools: readonly School[];
}
