import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_BODY_LIMIT_BYTES, TokenService } from '@npo/platform';
import { freePort, repoRoot, spawnNode, waitUntilAnswering } from './processes.js';

/** The built API; BENCH_SCHOOL_API_MAIN points at another build (e.g. an older commit's, for before/after numbers). */
export const builtSchoolApi = process.env['BENCH_SCHOOL_API_MAIN'] ?? join(repoRoot, 'apps/school-api/dist/main.js');
export const builtPeerServer = join(repoRoot, 'tools/bench/dist/benchmarks/school-api-http/peer-server.js');

/** A server under load: where to send the commands, for which schools, with which bearer tokens. */
export interface HttpTarget {
  readonly url: string;
  readonly schools: readonly string[];
  readonly tokens: { readonly ocw: string; readonly school: ReadonlyMap<string, string> };
  /** Commands stored whose Idempotency-Key starts with `<runId>-`; call after `stop`. */
  stored(runId: string): number;
  stop(): Promise<void>;
}

/** 10AA, 10AB, ...: valid BRINs (two digits, two letters). */
export const brinNo = (i: number): string =>
  `${10 + Math.floor(i / 676)}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}${String.fromCharCode(65 + (i % 26))}`;

const withoutNpoVariables = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));

/** Events in the store with an Idempotency-Key of this run, counted in SQL (the store file, read-only). */
function countStored(dbPath: string, sql: string, runId: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get(`${runId}-%`) as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * The built API (`node apps/school-api/dist/main.js`) on a fresh data dir: SQLite store with
 * synchronous=FULL, its own signing key; request logs off (warn) because the benchmark measures the
 * command path, not log shipping. Every school of the load is registered first (untimed), with real
 * tokens signed by the key the API created.
 */
export async function startSchoolApiTarget(dataDir: string, schoolCount: number): Promise<HttpTarget> {
  if (!existsSync(builtSchoolApi)) throw new Error(`${builtSchoolApi} is missing: build it first (npx nx run @npo/school-api:build)`);
  const port = await freePort();
  const server = spawnNode([builtSchoolApi], {
    ...withoutNpoVariables(),
    NPO_DATA_DIR: dataDir,
    NPO_API_PORT: String(port),
    NPO_HOST: '127.0.0.1',
    NPO_LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/health/live`, server);
  try {
    const schools = Array.from({ length: schoolCount }, (_, i) => brinNo(i));
    const issuer = await TokenService.fromDataDir(dataDir);
    const school = new Map<string, string>();
    for (const brin of schools) school.set(brin, await issuer.issueToken({ role: 'school', brin }, { expiresIn: '2h' }));
    const ocw = await issuer.issueToken({ role: 'ocw' }, { expiresIn: '2h' });
    const register = async (brin: string): Promise<void> => {
      const response = await fetch(`${url}/v1/schools/${brin}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ocw}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `School ${brin}`, sector: 'bo', gemeente: 'GM0363', pupils: 300, achterstandsscore: 20 }),
      });
      if (response.status !== 201) throw new Error(`registering ${brin}: ${response.status} ${await response.text()}`);
    };
    for (let i = 0; i < schools.length; i += 50) await Promise.all(schools.slice(i, i + 50).map(register));
    return {
      url,
      schools,
      tokens: { ocw, school },
      stored: (runId) =>
        countStored(join(dataDir, 'events.sqlite'), `SELECT count(*) AS n FROM events WHERE json_extract(metadata, '$.idempotencyKey') LIKE ?`, runId),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The peer (peer-server.ts, built) in its own process on a fresh file. */
export async function startPeerTarget(dataDir: string, schoolCount: number): Promise<HttpTarget> {
  if (!existsSync(builtPeerServer)) throw new Error(`${builtPeerServer} is missing: build it first (npx nx run @npo/bench:build)`);
  const port = await freePort();
  const dbPath = join(dataDir, 'peer.sqlite');
  const server = spawnNode([builtPeerServer], { ...process.env, PORT: String(port), DB_PATH: dbPath, BODY_LIMIT: String(DEFAULT_BODY_LIMIT_BYTES) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/health/live`, server);
  return peerTarget(url, dbPath, schoolCount, () => server.stop());
}

/** A peer server answering at `url` and storing into `dbPath`; tokens are sent but not checked. */
export function peerTarget(url: string, dbPath: string, schoolCount: number, stop: () => Promise<void>): HttpTarget {
  const schools = Array.from({ length: schoolCount }, (_, i) => brinNo(i));
  const token = 'not-checked';
  return {
    url,
    schools,
    tokens: { ocw: token, school: new Map(schools.map((b) => [b, token])) },
    stored: (runId) => countStored(dbPath, 'SELECT count(*) AS n FROM commands WHERE idempotency_key LIKE ?', runId),
    stop,
  };
}
