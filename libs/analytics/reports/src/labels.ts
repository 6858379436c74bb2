import { achterstandBands, provinces, sectorGroupLabels, type SectorGroup } from '@npo/analytics-model';
import type { ScanDomain, SeverityLevel } from '@npo/contracts';

/* Dutch labels for everything a published report shows. Menukaart names come from @npo/domain. */

export const scanDomainLabels: Readonly<Record<ScanDomain, string>> = {
  rekenen: 'Rekenen',
  taal: 'Taal',
  lezen: 'Lezen',
  executieveFuncties: 'Executieve functies',
  sociaalEmotioneel: 'Sociaal-emotionele ontwikkeling',
  welbevinden: 'Welbevinden',
};

export const severityLabels: Readonly<Record<SeverityLevel, string>> = {
  none: 'Geen achterstand',
  mild: 'Lichte achterstand',
  considerable: 'Aanzienlijke achterstand',
  severe: 'Ernstige achterstand',
};

export const implementedLabels = { yes: 'Uitgevoerd zoals gepland', partly: 'Deels uitgevoerd', no: 'Niet uitgevoerd' } as const;

export const measureLabels = {
  schools: 'Aantal scholen',
  submitted: 'Scholen die gegevens hebben ingediend',
  plan: 'Scholen met een schoolprogramma (minstens één interventie)',
  approved: 'Scholen met instemming MR voor het huidige programma',
  approvedInTime: 'Scholen met instemming MR uiterlijk op de deadline',
  scanned: 'Scholen met een afgeronde schoolscan',
  budget: 'Gepland budget interventies',
  funds: 'Toegekende middelen aan scholen',
  gemeenteFunds: 'Toegekende middelen aan de gemeente',
} as const;

export const columnLabels = {
  value: 'Aantal',
  share: 'Aandeel',
  amount: 'Bedrag (eurocent)',
  gemeente: 'Gemeente',
  national: 'Nederland',
} as const;

export const sectorLabel = (group: string): string => sectorGroupLabels[group as SectorGroup] ?? group;
export const bandLabel = (code: string): string => achterstandBands.find((b) => b.code === code)?.label ?? code;
export const provinceLabel = (code: string): string => provinces.find((p) => p.code === code)?.name ?? code;
