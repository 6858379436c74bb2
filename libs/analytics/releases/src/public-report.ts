import type { PublishedReport } from '@npo/analytics-reports';
import { PUBLIC_SUPPRESSION, type PublicDisclosure } from '@npo/privacy';

interface MakersDisclosure {
  readonly parameters: PublicDisclosure['parameters'];
  readonly pattern: readonly { readonly cellId: string }[];
  readonly audit: { readonly ok: boolean };
}

const isMakersDisclosure = (d: PublicDisclosure | MakersDisclosure): d is MakersDisclosure => 'pattern' in d;

/**
 * A stored release as the public may see it. Releases are immutable and their files hashed, so one written
 * before the public view existed (it held each cell's reason and the audit's intervals) is not rewritten
 * but served through this: the one public reason, the suppressed ids, the audit's verdict.
 */
export function publicReportOf(stored: unknown): PublishedReport {
  const report = stored as Omit<PublishedReport, 'disclosure'> & { disclosure: PublicDisclosure | MakersDisclosure };
  const cells: PublishedReport['cells'] = Object.fromEntries(
    Object.entries(report.cells).map(([id, v]) => [id, v.value === null ? { value: null, reason: PUBLIC_SUPPRESSION } : { value: v.value }]),
  );
  const d = report.disclosure;
  const disclosure: PublicDisclosure = isMakersDisclosure(d)
    ? { parameters: d.parameters, suppressed: d.pattern.map((p) => p.cellId), audit: { ok: d.audit.ok } }
    : { parameters: d.parameters, suppressed: d.suppressed, audit: { ok: d.audit.ok } };
  return { ...report, cells, disclosure };
}
