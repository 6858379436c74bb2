import { authOf, methodOf, pathOf, type RequestAuth } from '../commands/api-request.js';
import type { SimStep } from '../pipeline/simulation.js';

/** Supplies the bearer token for a request (cached by the caller as it sees fit). */
export type TokenProvider = (auth: RequestAuth) => Promise<string>;

export interface HttpTargetOptions {
  /** Base URL of the school API, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  /** Requests in flight at once (different streams only: a stream's requests go one after another). Default 8. */
  readonly concurrency?: number;
  /** Attempts after the first for a retryable failure (network error, timeout, 408/409/425/429/5xx). Default 5. */
  readonly retries?: number;
  /** First backoff delay; doubles per attempt, capped at 5 s. Default 100 ms. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
  /** Check that the API's streamVersion is the one the simulator expects (true when the store started empty). */
  readonly expectVersions?: boolean;
  readonly onProgress?: (stepsDone: number) => void;
  /** Stop scheduling after this many permanent failures. Default 100. */
  readonly maxFailures?: number;
}

export interface HttpFailure {
  readonly step: number;
  readonly method: string;
  readonly path: string;
  readonly status: number | 'network';
  /** The problem document (RFC 9457) or the error message. */
  readonly detail: unknown;
}

export interface HttpRunResult {
  readonly sent: number;
  readonly accepted: number;
  /** Attempts beyond the first, over all requests. */
  readonly retries: number;
  /** Steps not sent because an earlier step of their stream failed for good. */
  readonly skipped: number;
  readonly failures: readonly HttpFailure[];
  readonly versionMismatches: number;
  /** True when the run stopped early on too many failures. */
  readonly aborted: boolean;
}

/** 409 is a version conflict (another writer got in between): deciding again on fresh state may succeed. */
const retryableStatus = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A counting semaphore: at most `limit` holders. */
class Limiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await task();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 30_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), 30_000);
}

type Outcome =
  | { readonly ok: true; readonly streamVersion: number | undefined; readonly retries: number }
  | { readonly ok: false; readonly failure: Omit<HttpFailure, 'step'>; readonly retries: number };

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Sends one step, retrying what may succeed on a second try. Every attempt carries the step's
 * Idempotency-Key, so an attempt that reached the API but whose answer was lost is not recorded twice.
 */
async function sendStep(step: SimStep, options: HttpTargetOptions): Promise<Outcome> {
  const method = methodOf(step.request);
  const path = pathOf(step.request);
  const url = new URL(path, options.baseUrl).toString();
  const body = JSON.stringify(step.request.body);
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 100;
  // A token that cannot be made is a configuration error, not something a retry fixes: it throws.
  const token = await options.tokens(authOf(step.request));
  let lastFailure: Omit<HttpFailure, 'step'> = { method, path, status: 'network', detail: 'not sent' };
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(5_000, backoff * 2 ** (attempt - 1)));
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': step.idempotencyKey },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      lastFailure = { method, path, status: 'network', detail: (error as Error).message };
      continue;
    }
    if (response.status === 200 || response.status === 201) {
      const parsed = (await readBody(response)) as { streamVersion?: unknown };
      return { ok: true, streamVersion: typeof parsed?.streamVersion === 'number' ? parsed.streamVersion : undefined, retries: attempt };
    }
    const detail = await readBody(response);
    lastFailure = { method, path, status: response.status, detail };
    if (!retryableStatus.has(response.status)) return { ok: false, failure: lastFailure, retries: attempt };
    const wait = retryAfterMs(response.headers.get('retry-after'));
    if (wait !== undefined && attempt < retries) await sleep(wait);
  }
  return { ok: false, failure: lastFailure, retries };
}

/**
 * Replays the run through the school API. A stream's requests go strictly one after another (each
 * depends on the state the previous one left); different streams go in parallel up to `concurrency`.
 * Scheduling is bounded, so a national run does not queue millions of promises. A stream whose
 * request fails for good (a 4xx, or retries exhausted) has its remaining steps skipped.
 */
export async function sendOverHttp(steps: Iterable<SimStep>, options: HttpTargetOptions): Promise<HttpRunResult> {
  const concurrency = options.concurrency ?? 8;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1, got ${String(concurrency)}`);
  const maxFailures = options.maxFailures ?? 100;
  const limiter = new Limiter(concurrency);
  const tails = new Map<string, Promise<void>>();
  const broken = new Set<string>();
  const failures: HttpFailure[] = [];
  let sent = 0;
  let accepted = 0;
  let retries = 0;
  let skipped = 0;
  let done = 0;
  let versionMismatches = 0;
  let aborted = false;
  let scheduled = 0;
  const maxScheduled = concurrency * 64;
  let wake: (() => void) | undefined;

  const finish = () => {
    scheduled--;
    done++;
    options.onProgress?.(done);
    wake?.();
  };

  const run = async (step: SimStep) => {
    if (broken.has(step.streamId) || aborted) {
      skipped++;
      return;
    }
    sent++;
    let outcome: Outcome;
    try {
      outcome = await limiter.run(() => sendStep(step, options));
    } catch (error) {
      outcome = { ok: false, failure: { method: methodOf(step.request), path: pathOf(step.request), status: 'network', detail: (error as Error).message }, retries: 0 };
    }
    retries += outcome.retries;
    if (outcome.ok) {
      accepted++;
      const expected = step.versionBefore + step.events.length;
      if ((options.expectVersions ?? true) && outcome.streamVersion !== undefined && outcome.streamVersion !== expected) versionMismatches++;
      return;
    }
    broken.add(step.streamId);
    failures.push({ step: step.index, ...outcome.failure });
    if (failures.length >= maxFailures) aborted = true;
  };

  for (const step of steps) {
    if (aborted) break;
    while (scheduled >= maxScheduled) await new Promise<void>((resolve) => (wake = resolve));
    scheduled++;
    const previous = tails.get(step.streamId) ?? Promise.resolve();
    const next = previous.then(() => run(step)).finally(finish);
    tails.set(step.streamId, next);
    // Forget a stream's tail once nothing follows it, so the map does not hold every stream ever seen.
    void next.then(() => {
      if (tails.get(step.streamId) === next) tails.delete(step.streamId);
    });
  }
  await Promise.all([...tails.values()]);
  return { sent, accepted, retries, skipped, failures, versionMismatches, aborted };
}
