import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PriorRelease, ReleaseInput, Table } from '@npo/privacy';
import { afterAll, describe, expect, it } from 'vitest';
import { partRequestOf, sharePayload, TABLES_PER_PIECE } from './part-request.js';

const table = (i: number): Table => ({
  id: `2022-2023|GM${String(i).padStart(4, '0')}`,
  title: `table ${i}`,
  cells: [{ id: `2022-2023|GM${i}|plan`, kind: 'count', value: i % 7, population: 9, dims: { unit: `GM${i}` } }],
  relations: [],
});

// Only its identity matters here: the worker passes priors on unread.
const prior = (id: string): PriorRelease => ({ input: { releaseId: id, tables: [] }, pattern: [] }) as unknown as PriorRelease;

describe('a shared part request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npo-part-request-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('arrives whole: every table in order across the pieces, the relations and the options', async () => {
    const input: ReleaseInput = {
      releaseId: 'R000007',
      tables: Array.from({ length: 2 * TABLES_PER_PIECE + 3 }, (_, i) => table(i)),
      relations: [{ kind: 'sum', total: 'a', parts: ['b', 'c'] }],
    };
    const shared = await sharePayload({ input, options: { parameters: { minFrequency: 7 } }, priorFiles: [] });
    expect(shared.pieces).toHaveLength(1 + 3);
    expect(await partRequestOf({ ...shared, part: { index: 1, count: 2 } })).toEqual({ input, options: { parameters: { minFrequency: 7 } }, part: { index: 1, count: 2 } });
  });

  it('reads the prior files and takes them after the priors it was given, oldest first', async () => {
    const files = ['000001', '000002'].map((n) => {
      const file = join(dir, `${n}.json`);
      writeFileSync(file, JSON.stringify(prior(`R${n}`)));
      return file;
    });
    const input: ReleaseInput = { releaseId: 'R000003', tables: [table(1)] };
    const shared = await sharePayload({ input, options: { priorReleases: [prior('given')] }, priorFiles: files });
    const request = await partRequestOf({ ...shared, part: { index: 0, count: 1 } });
    expect(request.options.priorReleases?.map((p) => p.input.releaseId)).toEqual(['given', 'R000001', 'R000002']);
  });

  it('fails when a prior file cannot be read: a release is never protected without what came before', async () => {
    const shared = await sharePayload({ input: { releaseId: 'R000004', tables: [table(1)] }, options: {}, priorFiles: [join(dir, 'missing-prior.json')] });
    await expect(partRequestOf({ ...shared, part: { index: 0, count: 1 } })).rejects.toThrow(/ENOENT/);
  });

  it('passes a plain request (an ad-hoc view) through as it is', async () => {
    const plain = { input: { releaseId: 'adhoc', tables: [table(2)] }, options: {}, part: { index: 0, count: 1 } };
    expect(await partRequestOf(plain)).toBe(plain);
  });
});
