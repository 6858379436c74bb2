import type { Sector } from '@npo/contracts';
import type { Rng } from '../random/prng.js';

/*
 * Synthetic Dutch-sounding names. User-facing labels, so Dutch; none is meant to be a real school.
 */

const placeHeads = ['Ber', 'Stre', 'Aal', 'Hol', 'Win', 'Ros', 'Val', 'Dor', 'Mid', 'Lin', 'Hee', 'Wou', 'Zel', 'Ter', 'Ans', 'Bra', 'Gel', 'Oos', 'Kor', 'Lut', 'Mar', 'Nij', 'Rij', 'Sle', 'Uit', 'Vre', 'Wes', 'Ek', 'Har', 'Bun'];
const placeTails = ['wolde', 'veen', 'dam', 'dijk', 'broek', 'horst', 'hoven', 'berg', 'kerk', 'wijk', 'loo', 'stein', 'mond', 'meer', 'land', 'sum', 'rode', 'lo', 'haar', 'zijl', 'burg', 'dorp', 'hout', 'beek'];
const placePrefixes = ['', '', '', '', 'Noord-', 'Zuid-', 'Oost-', 'West-', 'Nieuw-', 'Oud-', 'Groot-'];

/** A new place name not in `taken` (which it is added to). */
export function gemeenteName(rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const name = `${rng.pick(placePrefixes)}${rng.pick(placeHeads)}${rng.pick(placeTails)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  // The space holds thousands of names; running out means a caller asked for far too many.
  throw new Error('gemeente name space exhausted');
}

const schoolWords = [
  'De Regenboog', 'Het Kompas', 'De Wilgen', 'De Klimop', 'De Vlinder', 'Het Baken', 'De Springplank', 'De Horizon',
  'Het Palet', 'De Fontein', 'De Zonnewijzer', 'De Sterrenkijker', 'Het Anker', 'De Wegwijzer', 'De Boomgaard',
  'De Toermalijn', 'Het Mozaïek', 'De Schakel', 'De Bron', 'De Linde', 'Het Octaaf', 'De Meander', 'De Vuurtoren',
  'De Zeggewijzer', 'Het Talent', 'De Eendracht', 'De Notenkraker', 'De Windroos', 'Het Startpunt', 'De Kameleon',
];
const voWords = ['College', 'Lyceum', 'Scholengemeenschap', 'Campus', 'Gymnasium'];
const voNames = ['Stedelijk', 'Christelijk', 'Regionaal', 'Vrije', 'Montessori', 'Katholiek', 'Openbaar', 'Het'];

export function schoolName(rng: Rng, sector: Sector, place: string): string {
  switch (sector) {
    case 'bo':
      return `${rng.pick(['Basisschool', 'OBS', 'CBS', 'RKBS', 'IKC', 'Daltonschool', 'Montessorischool'])} ${rng.pick(schoolWords)}`;
    case 'sbo':
      return `SBO ${rng.pick(schoolWords)}`;
    case 'vo':
      return `${rng.pick(voNames)} ${rng.pick(voWords)} ${place}`;
    case 'pro':
      return `Praktijkschool ${place}`;
    case 'so':
      return `SO ${rng.pick(schoolWords)}`;
    case 'vso':
      return `VSO ${rng.pick(schoolWords)}`;
    default: {
      const unreachable: never = sector;
      throw new Error(`unknown sector ${String(unreachable)}`);
    }
  }
}
