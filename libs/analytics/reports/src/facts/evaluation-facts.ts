import type { DuckDBConnection } from '@duckdb/node-api';
import { columnsOf, inSnapshot, ints, NUMBERED_SCHOOLS, positionIn, strings } from './columns.js';
import type { EvaluationFacts } from './school-facts.js';

const IMPLEMENTED = ['yes', 'partly', 'no'] as const;

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The latest evaluation per school and intervention (over all years), as of the date, by code and brin. */
export async function loadEvaluations(conn: DuckDBConnection, asOf: string): Promise<EvaluationFacts[]> {
  return inSnapshot(conn, () => readEvaluations(conn, asOf));
}

async function readEvaluations(conn: DuckDBConnection, asOf: string): Promise<EvaluationFacts[]> {
  const params = { asOf };
  const brins = strings((await columnsOf(conn, `WITH ${NUMBERED_SCHOOLS} SELECT brin FROM s ORDER BY school`, params))['brin']);
  const codes = strings((await columnsOf(conn, 'SELECT DISTINCT code FROM evaluation ORDER BY code'))['code']);
  const years = strings((await columnsOf(conn, 'SELECT DISTINCT school_year FROM evaluation ORDER BY school_year'))['school_year']);
  if (codes.length === 0) return [];
  const rows = await columnsOf(
    conn,
    `WITH ${NUMBERED_SCHOOLS}
     SELECT s.school, ${positionIn(codes, 'e.code')} AS code, ${positionIn(years, 'e.school_year')} AS year,
            ${positionIn(IMPLEMENTED, 'e.implemented_as_planned')} AS implemented, e.experienced_effect::DOUBLE AS experienced,
            e.effect_size::DOUBLE AS effect_size, e.effect_pupils::DOUBLE AS pupils
     FROM evaluation_at((SELECT cutoff FROM c)) e JOIN s ON s.brin = e.brin
     QUALIFY row_number() OVER (PARTITION BY e.brin, e.code ORDER BY e.valid_from DESC, e.global_position DESC) = 1
     ORDER BY e.code, e.brin`,
    params,
  );
  const [school, code, year, implemented] = [ints(rows['school']), ints(rows['code']), ints(rows['year']), ints(rows['implemented'])];
  const [experienced, effectSize, pupils] = [rows['experienced'] ?? [], rows['effect_size'] ?? [], rows['pupils'] ?? []];
  return school.map((s, i) => ({
    brin: brins[s] ?? '',
    code: codes[code[i] ?? 0] ?? '',
    schoolYear: years[year[i] ?? 0] ?? '',
    implementedAsPlanned: IMPLEMENTED[implemented[i] ?? 0] ?? 'no',
    experiencedEffect: Number(experienced[i]),
    effectSize: nullableNumber(effectSize[i]),
    pupils: nullableNumber(pupils[i]),
  }));
}
