import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOf, ints, positionIn } from './columns.js';

describe('positionIn on a real DuckDB', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => instance.closeSync());

  it('gives 0-based positions, and fails the query on a value outside the list instead of counting it as the first', async () => {
    const conn = await instance.connect();
    try {
      const known = await columnsOf(conn, `SELECT ${positionIn(['none', 'mild', 'severe'], 'x')} AS p FROM (VALUES ('severe'), ('none'), ('mild')) t(x)`);
      expect(ints(known['p'])).toEqual([2, 0, 1]);
      await expect(columnsOf(conn, `SELECT ${positionIn(['none', 'mild'], 'x')} AS p FROM (VALUES ('mild'), ('extreme')) t(x)`)).rejects.toThrow(/unexpected value extreme in x/);
      await expect(columnsOf(conn, `SELECT ${positionIn(['none'], 'x')} AS p FROM (VALUES (NULL::VARCHAR)) t(x)`)).rejects.toThrow(/unexpected value NULL in x/);
    } finally {
      conn.closeSync();
    }
  });
});
