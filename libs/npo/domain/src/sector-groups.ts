import type { Sector } from '@npo/contracts';

/**
 * The three groups NPO reports and calibrates by: po (bo, sbo), vo (vo, pro: praktijkonderwijs is a vo
 * school type) and (v)so (so, vso: speciaal onderwijs, primary and secondary, reported together as NPO does).
 */
export const sectorGroups = ['po', 'vo', 'vso'] as const;
export type SectorGroup = (typeof sectorGroups)[number];

export const sectorGroupOf = (sector: Sector): SectorGroup => {
  switch (sector) {
    case 'bo':
    case 'sbo':
      return 'po';
    case 'vo':
    case 'pro':
      return 'vo';
    case 'so':
    case 'vso':
      return 'vso';
    default: {
      const unreachable: never = sector;
      throw new Error(`unknown sector ${String(unreachable)}`);
    }
  }
};
