/*
 * Gemeente -> province reference for the gemeenten the demo data and tests use: real CBS codes and
 * names (CBS "Gebieden in Nederland"), each with its province. It is deliberately small: a school in a
 * gemeente missing here still counts everywhere, under province PV99 "Onbekend" and with its code as
 * name. Extend the list (or load the full CBS table) before publishing a province breakdown for real.
 *
 * `validTo`/`mergedInto` record a herindeling: Weesp joined Amsterdam on 24 March 2022 (the reason
 * the gemeente count went from 345 to 344). A school moves gemeente through a SchoolDetailsChanged
 * event; this table only keeps the name and province of the old code resolvable for earlier dates.
 */
export interface GemeenteReference {
  readonly code: string;
  readonly name: string;
  readonly province: string;
  /** First day the gemeente no longer exists (exclusive end), if it was merged. */
  readonly validTo?: string;
  readonly mergedInto?: string;
}

const g = (code: string, name: string, province: string, merged?: { validTo: string; mergedInto: string }): GemeenteReference => ({
  code,
  name,
  province,
  ...(merged ?? {}),
});

export const gemeenten: readonly GemeenteReference[] = [
  // Groningen
  g('GM0014', 'Groningen', 'PV20'),
  // Fryslân (the Wadden islands are the smallest units: two to four schools each)
  g('GM0080', 'Leeuwarden', 'PV21'),
  g('GM0072', 'Harlingen', 'PV21'),
  g('GM0074', 'Heerenveen', 'PV21'),
  g('GM0060', 'Ameland', 'PV21'),
  g('GM0088', 'Schiermonnikoog', 'PV21'),
  g('GM0093', 'Terschelling', 'PV21'),
  g('GM0096', 'Vlieland', 'PV21'),
  // Drenthe
  g('GM0106', 'Assen', 'PV22'),
  g('GM0114', 'Emmen', 'PV22'),
  // Overijssel
  g('GM0153', 'Enschede', 'PV23'),
  g('GM0193', 'Zwolle', 'PV23'),
  // Flevoland
  g('GM0034', 'Almere', 'PV24'),
  g('GM0995', 'Lelystad', 'PV24'),
  // Gelderland
  g('GM0200', 'Apeldoorn', 'PV25'),
  g('GM0202', 'Arnhem', 'PV25'),
  g('GM0268', 'Nijmegen', 'PV25'),
  // Utrecht
  g('GM0307', 'Amersfoort', 'PV26'),
  g('GM0344', 'Utrecht', 'PV26'),
  // Noord-Holland
  g('GM0363', 'Amsterdam', 'PV27'),
  g('GM0392', 'Haarlem', 'PV27'),
  g('GM0448', 'Texel', 'PV27'),
  g('GM0457', 'Weesp', 'PV27', { validTo: '2022-03-24', mergedInto: 'GM0363' }),
  g('GM0479', 'Zaanstad', 'PV27'),
  // Zuid-Holland
  g('GM0503', 'Delft', 'PV28'),
  g('GM0505', 'Dordrecht', 'PV28'),
  g('GM0518', "'s-Gravenhage", 'PV28'),
  g('GM0546', 'Leiden', 'PV28'),
  g('GM0599', 'Rotterdam', 'PV28'),
  g('GM0637', 'Zoetermeer', 'PV28'),
  // Zeeland
  g('GM0687', 'Middelburg', 'PV29'),
  g('GM0718', 'Vlissingen', 'PV29'),
  // Noord-Brabant
  g('GM0758', 'Breda', 'PV30'),
  g('GM0772', 'Eindhoven', 'PV30'),
  g('GM0796', "'s-Hertogenbosch", 'PV30'),
  g('GM0855', 'Tilburg', 'PV30'),
  // Limburg
  g('GM0917', 'Heerlen', 'PV31'),
  g('GM0935', 'Maastricht', 'PV31'),
  g('GM0983', 'Venlo', 'PV31'),
];

const byCode = new Map(gemeenten.map((x) => [x.code, x]));
export const gemeenteReference = (code: string): GemeenteReference | undefined => byCode.get(code);
