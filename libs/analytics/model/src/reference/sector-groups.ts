import { type SectorGroup } from '@npo/domain';

export { sectorGroupOf, sectorGroups, type SectorGroup } from '@npo/domain';

/** The groups' names as the Dutch reports print them. */
export const sectorGroupLabels: Readonly<Record<SectorGroup, string>> = {
  po: 'Primair onderwijs (bo, sbo)',
  vo: 'Voortgezet onderwijs (vo, pro)',
  vso: '(Voortgezet) speciaal onderwijs',
};
