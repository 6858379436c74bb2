import { it } from 'vitest';
import { protectRelease } from '../src/index.js';
import { buildRelease, lcg, makeSchools } from './support/npo-release.js';
const codes = ['A1','A2','A3','B1','B2','B3','B4','B5','B6','B7','B8','B9','C1','C2','C3','D1','D2','E1','E2','F1','F2'];
it('scale', async () => {
  const G = Number(process.env['G'] ?? 340);
  const random = lcg(5);
  const uptake = Object.fromEntries(codes.map((c, i) => [c, 0.05 + (i % 7) * 0.12]));
  const schools = Array.from({ length: G }, (_, g) => makeSchools(`GM${String(g).padStart(4, '0')}`, Math.floor(3 + 45 * random() ** 2), codes, random, { uptake, sectors: ['po','po','po','vo','so'] })).flat();
  const input = buildRelease(schools, { releaseId: 's', interventions: codes, amounts: process.env['AMOUNTS'] === '1', categories: true, bySector: true });
  const cells = input.tables.reduce((a, t) => a + t.cells.length, 0);
  const t0 = performance.now();
  const r = await protectRelease(input);
  const ms = performance.now() - t0;
  const byReason: Record<string, number> = {};
  for (const p of r.pattern) byReason[p.reason] = (byReason[p.reason] ?? 0) + 1;
  console.log(JSON.stringify({ G, schools: schools.length, cells, ms: Math.round(ms), suppressed: r.pattern.length, byReason, auditSolves: r.audit.lpSolves, total: r.audit.totalLpSolves, runMs: Math.round((globalThis as any).runMs), postMs: Math.round((globalThis as any).postMs), rss: Math.round(process.memoryUsage().rss / 1e6) }));
}, 1_200_000);
