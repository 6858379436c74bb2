import autocannon from 'autocannon';
import type { LatencyPercentiles } from '../../harness/benchmark.js';
import type { HttpTarget } from './targets.js';

export const SCHOOLS_PER_CONNECTION = 20;
const YEAR = '2022-2023';

export interface LoadOptions {
  readonly connections: number;
  /** Requests to send; autocannon waits for every answer. */
  readonly amount: number;
  /** Prefix of every Idempotency-Key of this load (the store is counted by it afterwards). */
  readonly runId: string;
}

export interface LoadResult {
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly latencyMs: LatencyPercentiles;
  /** From the first request to the last answer: autocannon itself only stops at its next one-second tick. */
  readonly elapsedMs: number;
}

/**
 * Each connection owns its own schools and cycles through them; per school the commands run
 * choose B3 -> allocate funds -> withdraw B3 -> choose B3 ..., so every command is valid whatever the
 * other connections do. One connection has one request in flight (no pipelining), so a school's
 * commands stay in order. Every request carries a unique Idempotency-Key, as a real client would.
 */
/** Commands sent so far per connection slot, per target. */
const progress = new WeakMap<HttpTarget, number[]>();

function commandMix(target: HttpTarget, connections: number, runId: string, answered: () => void): (client: autocannon.Client) => void {
  // Where each connection's cycle stands carries over from one load to the next on the same target (a
  // warm-up, then the timed run), so no school gets a command its state refuses. autocannon builds one
  // request per request it sends and gives each connection a fixed share of `amount`.
  let sent = progress.get(target);
  if (sent === undefined) progress.set(target, (sent = []));
  const counters = sent;
  let clients = 0;
  return (client) => {
    const id = clients++ % connections;
    const owned = Array.from({ length: SCHOOLS_PER_CONNECTION }, (_, i) => target.schools[id + connections * i]!);
    client.on('response', answered);
    client.setRequests([
      {
        method: 'POST',
        setupRequest: (request) => {
          const k = counters[id] ?? 0;
          counters[id] = k + 1;
          const brin = owned[k % owned.length]!;
          const step = Math.floor(k / owned.length) % 3;
          const headers = { 'content-type': 'application/json', 'idempotency-key': `${runId}-${id}-${k}` };
          if (step === 1) {
            return {
              ...request,
              method: 'POST',
              path: `/v1/schools/${brin}/allocations`,
              headers: { ...headers, authorization: `Bearer ${target.tokens.ocw}` },
              body: JSON.stringify({ schoolYear: YEAR, amountCents: 1_000_00 + k, basis: 'NPO-bekostiging' }),
            };
          }
          const authorization = `Bearer ${target.tokens.school.get(brin)!}`;
          return step === 0
            ? {
                ...request,
                method: 'POST',
                path: `/v1/schools/${brin}/interventions`,
                headers: { ...headers, authorization },
                body: JSON.stringify({ schoolYear: YEAR, code: 'B3', plannedBudgetCents: 25_000_00, pupilsReached: 40, targetDomains: ['rekenen', 'lezen'] }),
              }
            : {
                ...request,
                method: 'POST',
                path: `/v1/schools/${brin}/interventions/B3/withdrawals`,
                headers: { ...headers, authorization },
                body: JSON.stringify({ schoolYear: YEAR, reason: 'Andere aanpak gekozen' }),
              };
        },
      },
    ]);
  };
}

/** Sends `amount` commands of the mix over `connections` keep-alive connections and summarises what autocannon saw. */
export async function loadCommandMix(target: HttpTarget, { connections, amount, runId }: LoadOptions): Promise<LoadResult> {
  if (target.schools.length < connections * SCHOOLS_PER_CONNECTION) throw new Error(`the mix needs ${connections * SCHOOLS_PER_CONNECTION} schools, the target has ${target.schools.length}`);
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    url: target.url,
    connections,
    pipelining: 1,
    timeout: 10,
    amount,
    setupClient: commandMix(target, connections, runId, () => {
      lastAnswer = performance.now();
    }),
  });
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    elapsedMs: lastAnswer - started,
  };
}
