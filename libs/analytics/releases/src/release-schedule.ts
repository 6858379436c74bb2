import type { ReleaseService } from './release-service.js';
import { dutchDate } from './release-service.js';
import type { ReleaseStore, StoredRelease } from './release-store.js';

export const releaseCadences = ['monthly'] as const;
export type ReleaseCadence = (typeof releaseCadences)[number];

/**
 * The as-of date a schedule owes at `now`: for `monthly`, the last day of the previous month in the
 * Netherlands. Dates the public can predict are the point: two releases of arbitrary days could be
 * chosen to straddle one school's decision.
 */
export function dueAsOf(cadence: ReleaseCadence, now: Date): string {
  switch (cadence) {
    case 'monthly': {
      const [year, month] = dutchDate(now).split('-').map(Number) as [number, number];
      // Day 0 of this month is the last day of the previous one.
      return new Date(Date.UTC(year, month - 1, 0)).toISOString().slice(0, 10);
    }
    default: {
      const unknown: never = cadence;
      throw new Error(`unknown release cadence ${String(unknown)}`);
    }
  }
}

export interface ReleaseScheduleOptions {
  readonly cadence: ReleaseCadence;
  readonly service: ReleaseService;
  readonly store: ReleaseStore;
  readonly clock?: () => Date;
  /** Awaited before a release is made: the projection must hold everything up to its as-of date. */
  readonly ready?: () => Promise<void>;
  readonly onRelease?: (release: StoredRelease) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Makes the release a cadence owes, once: as of the last day of each month, on the first check after
 * that day has ended. A release of that as-of date or a later one, made by anyone (ocw, the demo), counts:
 * releases do not go back in time, and the later one already holds the month's figures.
 */
export class ReleaseSchedule {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  static readonly CHECK_EVERY_MS = 60 * 60 * 1000;

  constructor(private readonly options: ReleaseScheduleOptions) {}

  /** Makes the owed release if there is none yet; resolves with it, or null when nothing was owed. */
  async tick(): Promise<StoredRelease | null> {
    const asOf = dueAsOf(this.options.cadence, (this.options.clock ?? (() => new Date()))());
    // Checked here to skip waiting for the projector, and again in the service's queue, where no other
    // release of the date can be made in between.
    if ((await this.options.store.list()).some((r) => r.asOf >= asOf)) return null;
    await this.options.ready?.();
    const release = await this.options.service.createUnlessReleased({ asOf, createdBy: `schedule:${this.options.cadence}` });
    if (release !== null) this.options.onRelease?.(release);
    return release;
  }

  /** Checks now and then every `intervalMs`; a check waits for the one before it. */
  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    const check = (): void => {
      this.#running = this.#running.then(() => this.tick()).catch((error: unknown) => this.options.onError?.(error));
    };
    check();
    this.#timer = setInterval(check, intervalMs);
    this.#timer.unref();
  }

  /** No further checks. A release being made is not waited for: at national scale that takes minutes. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
