import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './stack-error.js';

/** One GET: true on 2xx. Never throws. */
export async function probe(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface WaitReadyOptions {
  readonly timeoutMs: number;
  /** Checked between probes: a process that died will never become ready. */
  readonly alive: () => boolean;
  /** Appended to the error message (e.g. the tail of the service's log). */
  readonly diagnostics?: () => string;
}

/** Polls `url` until it answers 2xx; throws EXITED or NOT_READY with the diagnostics. */
export async function waitReady(name: string, url: string, options: WaitReadyOptions): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe(url)) return Date.now() - started;
    if (!options.alive()) throw new StackError('EXITED', `${name} exited before it was ready${suffix(options)}`);
    if (Date.now() - started > options.timeoutMs) throw new StackError('NOT_READY', `${name} was not ready at ${url} within ${options.timeoutMs} ms${suffix(options)}`);
    await sleep(200);
  }
}

const suffix = (options: WaitReadyOptions): string => {
  const text = options.diagnostics?.().trim();
  return text ? `\n${text}` : '';
};
