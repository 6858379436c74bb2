import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeEvent, schoolPlanViewSchema, type NpoEventData } from '@npo/contracts';
import { foldSchool, schoolPlanView } from '@npo/domain';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation, type SimStep } from '../src/pipeline/simulation.js';
import { sendOverHttp, type HttpRunResult } from '../src/targets/http-target.js';
import { tokenProviderFromDataDir } from '../src/targets/tokens.js';

/*
 * The demo world through the real school API: the built app (`node apps/school-api/dist/main.js`)
 * as a child process on a loopback port with its own data dir, real tokens from that dir's key, and
 * the simulator's HTTP client. Every request must be accepted (no 4xx), and the API's view of a
 * school must be the simulator's own.
 */

const apiMain = fileURLToPath(new URL('../../../apps/school-api/dist/main.js', import.meta.url));
const haveApi = existsSync(apiMain);
if (!haveApi) console.warn(`[sim e2e] skipping: ${apiMain} is missing (build @npo/school-api first; the e2e target does)`);

/** Binds a port the OS picks (NPO_API_PORT=0) and resolves with the URL the API prints once it listens. */
async function startApi(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [apiMain], {
    env: { ...process.env, NPO_DATA_DIR: dataDir, NPO_API_PORT: '0', NPO_HOST: '127.0.0.1', NPO_LOG_LEVEL: 'warn', NPO_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stdout += chunk.toString('utf8');
      // The whole line (main.ts prints the docs URL after it): a chunk may end inside the address.
      const listening = /school API listening on (http:\/\/\S+) \(docs/.exec(stdout);
      if (listening?.[1] !== undefined) resolve(listening[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the API exited (${String(code)}) before listening:\n${output}`)));
  });
  return { url, child };
}

describe.skipIf(!haveApi)('demo scale through the real school API', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'npo-sim-e2e-'));
  let api: { url: string; child: ChildProcess };
  let steps: SimStep[];
  let result: HttpRunResult;

  beforeAll(async () => {
    api = await startApi(dataDir);
    steps = [...createSimulation({ scale: 'demo', seed: 20210420, now: new Date() }).steps()];
    const tokens = await tokenProviderFromDataDir(dataDir);
    result = await sendOverHttp(steps, { baseUrl: api.url, tokens, concurrency: 8 });
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) {
      const exited = new Promise((resolve) => api.child.once('exit', resolve));
      api.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts every request: no 4xx, no retries needed, stream versions as the simulator decided them', () => {
    expect(result.failures.slice(0, 5)).toEqual([]);
    expect(result.accepted).toBe(steps.length);
    expect(result.skipped).toBe(0);
    expect(result.versionMismatches).toBe(0);
  });

  it('shows school 16SW exactly as the simulator folded it', async () => {
    const tokens = await tokenProviderFromDataDir(dataDir);
    const response = await fetch(`${api.url}/v1/schools/16SW`, { headers: { authorization: `Bearer ${await tokens({ role: 'school', brin: '16SW' })}` } });
    expect(response.status).toBe(200);
    const view = schoolPlanViewSchema.parse(await response.json());
    const events = steps.filter((s) => s.streamId === 'school-16SW').flatMap((s) => s.events.map((e) => ({ type: e.type, data: e.data }) as NpoEventData));
    expect(view).toEqual(schoolPlanView(foldSchool(events), { includeFindings: true }));
  });

  it('stored every event, each decodable, in the streams the simulator expected', async () => {
    const store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    try {
      const stored = await store.readAll();
      expect(stored.length).toBe(steps.reduce((n, s) => n + s.events.length, 0));
      expect(stored.every((e) => decodeEvent(e).ok)).toBe(true);
      expect(new Set(stored.map((e) => e.streamId))).toEqual(new Set(steps.map((s) => s.streamId)));
    } finally {
      await store.close();
    }
  });
});
