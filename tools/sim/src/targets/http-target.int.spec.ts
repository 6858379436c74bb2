import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation, type SimStep } from '../pipeline/simulation.js';
import { sendOverHttp } from './http-target.js';
import { tokenProviderFromDataDir } from './tokens.js';

// Loaded the way the simulator loads it (lazily), so the store and NDJSON paths never pay for it.
const { TokenService } = await import('@npo/platform');
type TokenService = InstanceType<typeof TokenService>;

/*
 * The client against a real HTTP server on a loopback port that plays the API's part of the contract
 * (DESIGN.md "School API"): bearer tokens checked with the platform's real verifier, role and BRIN
 * scoping, 201 with the stream version, Idempotency-Key replay, 428 for an allocation without a key.
 * It misbehaves on purpose: some first attempts get a 503, some answers are lost after the request was
 * recorded, one stream gets a 422. The e2e run against the real API is added with the API itself.
 */

interface Behaviour {
  /** First attempts of these request numbers (1-based, per server) get 503. */
  readonly unavailable: (n: number) => boolean;
  /** Record the request, then drop the connection without answering. */
  readonly loseAnswer: (n: number) => boolean;
  /** Answer 422 to this path. */
  readonly rejectPath?: string;
}

interface FakeApi {
  readonly url: string;
  readonly seen: Map<string, string[]>;
  readonly keysPerAttempt: string[];
  maxInFlight: number;
  denied: number;
  close(): Promise<void>;
}

const streamOf = (path: string): string => {
  const g = /^\/v1\/gemeenten\/([^/]+)/.exec(path);
  if (g) return `gemeente-${g[1]}`;
  return `school-${/^\/v1\/schools\/([^/]+)/.exec(path)?.[1] ?? '?'}`;
};

async function startFakeApi(verifier: TokenService, behaviour: Behaviour): Promise<FakeApi> {
  const accepted = new Map<string, { streamVersion: number }>();
  const versions = new Map<string, number>();
  const state: FakeApi = { url: '', seen: new Map(), keysPerAttempt: [], maxInFlight: 0, denied: 0, close: async () => undefined };
  let inFlight = 0;
  let counter = 0;
  const answer = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const path = req.url ?? '';
    const key = String(req.headers['idempotency-key'] ?? '');
    state.keysPerAttempt.push(key);
    const n = ++counter;
    await new Promise((r) => setTimeout(r, 2));
    let principal;
    try {
      principal = await verifier.verifyToken(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
    } catch {
      return answer(res, 401, { type: 'token', title: 'Unauthorized', status: 401 }, 'application/problem+json');
    }
    const funderRoute = req.method === 'PUT' || path.endsWith('/allocations');
    const ok = funderRoute ? principal.role === 'ocw' : principal.role === 'school' && streamOf(path) === `school-${principal.brin}`;
    if (!ok) {
      state.denied++;
      return answer(res, 403, { type: 'forbidden', title: 'Forbidden', status: 403 }, 'application/problem+json');
    }
    // As the API does: an allocation without a key is refused before anything is recorded.
    if (path.endsWith('/allocations') && key === '') {
      return answer(res, 428, { type: 'urn:npo:problem:precondition-required', title: 'Precondition required', status: 428, code: 'IDEMPOTENCY_KEY_REQUIRED' }, 'application/problem+json');
    }
    const replay = accepted.get(key);
    if (replay) return answer(res, 201, { eventId: key, streamVersion: replay.streamVersion, globalPosition: 0 });
    if (behaviour.unavailable(n) && !state.keysPerAttempt.slice(0, -1).includes(key)) return answer(res, 503, { type: 'unavailable', title: 'Unavailable', status: 503 });
    if (path === behaviour.rejectPath) return answer(res, 422, { type: 'domain-rule', title: 'Rule broken', status: 422, rule: 'mr-needs-scan' }, 'application/problem+json');
    const stream = streamOf(path);
    const list = state.seen.get(stream) ?? [];
    list.push(key);
    state.seen.set(stream, list);
    const streamVersion = (versions.get(stream) ?? -1) + 1;
    versions.set(stream, streamVersion);
    accepted.set(key, { streamVersion });
    if (behaviour.loseAnswer(n)) {
      req.socket.destroy();
      return;
    }
    answer(res, 201, { eventId: key, streamVersion, globalPosition: n });
  };
  const server: Server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((error: unknown) => answer(res, 500, { title: String(error), status: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

describe('HTTP target', () => {
  let dataDir: string;
  let verifier: TokenService;
  let steps: SimStep[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'npo-sim-http-'));
    verifier = await TokenService.fromDataDir(dataDir);
    steps = [...createSimulation({ scale: 'demo', seed: 42, now: new Date('2026-01-01T00:00:00Z'), maxEvents: 600 }).steps()];
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('gets every step accepted through 503s and lost answers, in stream order, within the concurrency limit', async () => {
    const api = await startFakeApi(verifier, { unavailable: (n) => n % 7 === 0, loseAnswer: (n) => n % 53 === 0 });
    try {
      const tokens = await tokenProviderFromDataDir(dataDir);
      const result = await sendOverHttp(steps, { baseUrl: api.url, tokens, concurrency: 4, backoffMs: 5 });
      expect(result.failures).toEqual([]);
      expect(result.accepted).toBe(steps.length);
      expect(result.retries).toBeGreaterThan(0);
      // Lost answers were retried with the same key and answered from the API's record, not recorded twice.
      expect(result.versionMismatches).toBe(0);
      expect(api.denied).toBe(0);
      expect(api.maxInFlight).toBeGreaterThan(1);
      expect(api.maxInFlight).toBeLessThanOrEqual(4);
      // Each stream saw its requests exactly once each, in the simulator's order.
      const expected = new Map<string, string[]>();
      for (const s of steps) expected.set(s.streamId, [...(expected.get(s.streamId) ?? []), s.idempotencyKey]);
      expect(api.seen).toEqual(expected);
      // Every retry repeated a key that had been sent before.
      expect(new Set(api.keysPerAttempt).size).toBe(steps.length);
      expect(api.keysPerAttempt.length).toBeGreaterThan(steps.length);
    } finally {
      await api.close();
    }
  });

  it('sends allocations, where the API requires an Idempotency-Key, with their key', async () => {
    // The 600-event prefix above has none: allocations come later in the simulated years.
    const all = [...createSimulation({ scale: 'demo', seed: 42, now: new Date('2026-01-01T00:00:00Z') }).steps()];
    const toGemeenten = all.filter((s) => s.request.kind === 'gemeenteAllocation').slice(0, 4);
    const toSchools = all.filter((s) => s.request.kind === 'schoolAllocation').slice(0, 16);
    expect(toGemeenten.length).toBeGreaterThan(0);
    expect(toSchools.length).toBeGreaterThan(0);
    const allocations = [...toGemeenten, ...toSchools];
    const api = await startFakeApi(verifier, { unavailable: () => false, loseAnswer: () => false });
    try {
      const tokens = await tokenProviderFromDataDir(dataDir);
      // Out of their streams' context, so the fake's versions are not the simulator's.
      const result = await sendOverHttp(allocations, { baseUrl: api.url, tokens, concurrency: 4, backoffMs: 5, expectVersions: false });
      expect(result.failures).toEqual([]);
      expect(result.accepted).toBe(allocations.length);
      expect(api.keysPerAttempt.every((k) => k !== '')).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('stops a stream at a 4xx, reports it with the problem document, and carries on with the others', async () => {
    const target = steps.find((s) => s.request.kind === 'scan');
    if (target === undefined) throw new Error('the run has no scan');
    const path = `/v1/schools/${target.streamId.slice('school-'.length)}/scans`;
    const api = await startFakeApi(verifier, { unavailable: () => false, loseAnswer: () => false, rejectPath: path });
    try {
      const tokens = await tokenProviderFromDataDir(dataDir);
      const result = await sendOverHttp(steps, { baseUrl: api.url, tokens, concurrency: 3, backoffMs: 5 });
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({ status: 422, path, detail: { rule: 'mr-needs-scan' } });
      expect(result.failures[0]?.step).toBe(target.index);
      const streamSteps = steps.filter((s) => s.streamId === target.streamId);
      const failedAt = streamSteps.findIndex((s) => s.index === target.index);
      expect(streamSteps.length - failedAt - 1).toBeGreaterThan(0);
      expect(result.skipped).toBe(streamSteps.length - failedAt - 1);
      expect(result.accepted).toBe(steps.length - result.skipped - 1);
    } finally {
      await api.close();
    }
  });

  it('fails a request whose token the API does not accept, without retrying it', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'npo-sim-otherkey-'));
    const other = await TokenService.fromDataDir(otherDir);
    const api = await startFakeApi(other, { unavailable: () => false, loseAnswer: () => false });
    try {
      const tokens = await tokenProviderFromDataDir(dataDir);
      const result = await sendOverHttp(steps.slice(0, 20), { baseUrl: api.url, tokens, concurrency: 2, backoffMs: 5, maxFailures: 3 });
      expect(result.accepted).toBe(0);
      expect(result.failures.every((f) => f.status === 401)).toBe(true);
      expect(result.aborted).toBe(true);
      expect(result.retries).toBe(0);
    } finally {
      await api.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
