import type { ColumnUnit, ReportDocument, ReportValue } from '../views/report-document.js';

/*
 * CSV for spreadsheets with a Dutch locale: semicolon-separated, decimal comma, UTF-8 with a BOM (so
 * Excel reads the ë in Loopbaanoriëntatie right). Long format — one line per published number — so
 * every table of a report fits one file and a suppressed number is marked next to it.
 */
const header = ['rapport', 'schooljaar', 'peildatum', 'release', 'tabel', 'tabel_titel', 'rij', 'rij_omschrijving', 'kolom', 'kolom_omschrijving', 'eenheid', 'waarde', 'status'];

// One label for every withheld number: naming the rule that withheld it would narrow the value.
const SUPPRESSED_LABEL = 'geheim';

/*
 * The values a spreadsheet reader sees are Dutch, like the labels and the header; the JSON keeps its
 * identifiers (`report`, `unit`), which clients match on. Typed by the JSON values, so a new unit or
 * report cannot reach the CSV untranslated.
 */
const reportNames: Readonly<Record<ReportDocument['report'], string>> = { national: 'landelijk', gemeente: 'gemeente', evidence: 'evidentie' };
const unitNames: Readonly<Record<ColumnUnit, string>> = {
  count: 'aantal',
  share: 'fractie',
  cents: 'eurocent',
  'effect-size': 'effectgrootte',
  months: 'maanden',
  score: 'score',
  text: 'tekst',
};

function field(value: string): string {
  return /[;"\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
}

function valueAndStatus(value: ReportValue | string | null | undefined): [string, string] {
  if (value === null || value === undefined) return ['', ''];
  if (typeof value === 'string') return [value, ''];
  if (value.value !== null) return [formatNumber(value.value), ''];
  return ['', value.suppressed ? SUPPRESSED_LABEL : ''];
}

export function reportToCsv(doc: ReportDocument): string {
  const lines = [header.join(';')];
  const release = doc.release === null ? 'ad hoc' : String(doc.release.number ?? doc.release.id);
  for (const table of doc.tables) {
    for (const row of table.rows) {
      for (const column of table.columns) {
        const [value, status] = valueAndStatus(row.values[column.id]);
        lines.push(
          [reportNames[doc.report], doc.schoolYear ?? '', doc.asOf, release, table.id, table.title, row.key, row.label, column.id, column.label, unitNames[column.unit], value, status]
            .map(field)
            .join(';'),
        );
      }
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
