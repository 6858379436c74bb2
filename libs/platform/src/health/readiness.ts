/** A readiness probe: resolve (or return true) when ready; throw, reject or return false when not. */
export type ReadinessCheck = () => boolean | void | Promise<boolean | void>;

export type CheckStatus = 'up' | 'down';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckStatus>>;
}

export interface CheckFailure {
  readonly check: string;
  readonly error: unknown;
}

/** A check that does not answer within this time counts as down, so `/health/ready` never hangs. */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

/** Apps register their checks (event store open, projector caught up, ...) at start-up. */
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): this {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    this.checks.set(name, check);
    return this;
  }

  /** After this, the app reports not ready so a load balancer drains it before it stops. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async run(onFailure: (failure: CheckFailure) => void = () => undefined, timeoutMs = READINESS_CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckStatus]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          });
          const result = await Promise.race([Promise.resolve().then(check), timeout]);
          if (result === false) {
            onFailure({ check: name, error: new Error('reported not ready') });
            return [name, 'down'];
          }
          return [name, 'up'];
        } catch (error) {
          onFailure({ check: name, error });
          return [name, 'down'];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    if (this.shuttingDown) checks['shutdown'] = 'down';
    return { ready: entries.every(([, status]) => status === 'up') && !this.shuttingDown, checks };
  }
}
