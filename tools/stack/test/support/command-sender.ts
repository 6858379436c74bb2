import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AllocationBody, RegisterSchoolBody, ScanBody, SeverityLevel } from '@npo/contracts';
import type { TokenService } from '@npo/platform';

export const GEMEENTE = 'GM0363';
export const SCHOOL_YEAR = '2023-2024';

interface Command {
  readonly kind: 'register' | 'scan' | 'allocate';
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly body: RegisterSchoolBody | ScanBody | AllocationBody;
  readonly as: { readonly role: 'ocw' } | { readonly role: 'school'; readonly brin: string };
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The i-th BRIN of the run: 2 digits and 2 capitals, unique for i < 60 840. */
export const brinOf = (i: number): string => `${10 + Math.floor(i / 676)}${letters[Math.floor(i / 26) % 26]}${letters[i % 26]}`;
const levels: readonly SeverityLevel[] = ['none', 'mild', 'considerable', 'severe'];

/**
 * Sends a fixed cycle of commands to the school API, one at a time: register a school in one gemeente,
 * record its scan, and every third school an allocation to the gemeente. Every command carries an
 * Idempotency-Key and is retried with it until the API answers 201, so a command lost to a restart is
 * recorded exactly once. Counts what was accepted, which is what the reports must show in the end.
 */
export class CommandSender {
  readonly eventIds = new Set<string>();
  maxGlobalPosition = -1;
  schools = 0;
  scans = 0;
  fundsCents = 0;
  /** Attempts that failed (connection refused, 5xx) and were retried with the same key. */
  retries = 0;
  #next = 0;
  #queue: Command[] = [];
  #stopping = false;
  #loop: Promise<void> | undefined;
  readonly #tokens = new Map<string, string>();

  constructor(
    private readonly api: string,
    private readonly tokens: TokenService,
    private readonly options: { readonly retryForMs: number } = { retryForMs: 90_000 },
  ) {}

  #command(): Command {
    if (this.#queue.length === 0) {
      const i = this.#next++;
      const brin = brinOf(i);
      const pick = (k: number): SeverityLevel => levels[(i + k) % levels.length]!;
      this.#queue.push(
        {
          kind: 'register',
          method: 'PUT',
          path: `/v1/schools/${brin}`,
          body: { name: `Stackschool ${brin}`, sector: i % 5 === 0 ? 'vo' : 'bo', gemeente: GEMEENTE, pupils: 150 + (i % 7) * 40, achterstandsscore: 500 + (i % 11) * 10 },
          as: { role: 'ocw' },
        },
        {
          kind: 'scan',
          method: 'POST',
          path: `/v1/schools/${brin}/scans`,
          body: {
            schoolYear: SCHOOL_YEAR,
            completedOn: '2023-10-02',
            findings: { rekenen: pick(0), taal: pick(1), lezen: pick(2), executieveFuncties: pick(3), sociaalEmotioneel: pick(1), welbevinden: pick(2) },
          },
          as: { role: 'school', brin },
        },
      );
      if (i % 3 === 2) {
        this.#queue.push({ kind: 'allocate', method: 'POST', path: `/v1/gemeenten/${GEMEENTE}/allocations`, body: { schoolYear: SCHOOL_YEAR, amountCents: 100_000 + i * 1_000, basis: `tranche ${i}` }, as: { role: 'ocw' } });
      }
    }
    return this.#queue.shift()!;
  }

  async #token(as: Command['as']): Promise<string> {
    const key = as.role === 'school' ? `school:${as.brin}` : 'ocw';
    let token = this.#tokens.get(key);
    if (token === undefined) {
      token = await this.tokens.issueToken(as.role === 'school' ? { role: 'school', brin: as.brin, sub: as.brin } : { role: 'ocw', sub: 'stack-e2e' }, { expiresIn: '1h' });
      this.#tokens.set(key, token);
    }
    return token;
  }

  /** Sends one command, retrying until it is accepted; a 4xx other than 429 fails the run. */
  async sendOne(): Promise<void> {
    const command = this.#command();
    const key = randomUUID();
    const token = await this.#token(command.as);
    const until = Date.now() + this.options.retryForMs;
    for (;;) {
      let failure: string;
      try {
        const response = await fetch(`${this.api}${command.path}`, {
          method: command.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(command.body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status === 201) {
          const reply = JSON.parse(text) as { eventIds: string[]; globalPosition: number };
          if (reply.eventIds.length !== 1) throw new Error(`${command.kind} recorded ${reply.eventIds.length} events, expected 1: ${text}`);
          const fresh = !this.eventIds.has(reply.eventIds[0]!);
          this.eventIds.add(reply.eventIds[0]!);
          this.maxGlobalPosition = Math.max(this.maxGlobalPosition, reply.globalPosition);
          if (fresh) this.#count(command);
          return;
        }
        if (response.status < 500 && response.status !== 429) throw new Error(`${command.method} ${command.path} answered ${response.status}: ${text}`);
        failure = `${response.status}`;
      } catch (error) {
        if (error instanceof Error && / answered | recorded /.test(error.message)) throw error;
        failure = error instanceof Error ? error.message : String(error);
      }
      this.retries++;
      if (Date.now() > until) throw new Error(`${command.method} ${command.path} not accepted within ${this.options.retryForMs} ms (last: ${failure})`);
      await sleep(200);
    }
  }

  #count(command: Command): void {
    switch (command.kind) {
      case 'register':
        this.schools++;
        return;
      case 'scan':
        this.scans++;
        return;
      case 'allocate':
        this.fundsCents += (command.body as AllocationBody).amountCents;
        return;
      default: {
        const unknown: never = command.kind;
        throw new Error(`unknown command ${String(unknown)}`);
      }
    }
  }

  async send(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.sendOne();
  }

  /** Keeps sending (a pause between commands) until `stop()`; errors surface from `stop()`. */
  start(pauseMs: number): void {
    this.#stopping = false;
    this.#loop = (async () => {
      while (!this.#stopping) {
        await this.sendOne();
        await sleep(pauseMs);
      }
    })();
    // Surfaced by stop(); without this an early failure would be an unhandled rejection.
    this.#loop.catch(() => undefined);
  }

  /** Finishes the command in flight (it is accepted before this resolves). */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }
}
