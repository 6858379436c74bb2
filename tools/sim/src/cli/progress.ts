import { SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number): void;
  setTotal(total: number): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

const compact = (n: number): string => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(Math.round(n)));

/**
 * A progress bar on stderr with the rate and an ETA, or nothing at all when stderr is not a terminal
 * (CI logs, pipes) or the caller asked for quiet.
 */
export function createProgress(options: { readonly total: number; readonly unit: string; readonly enabled: boolean }): Progress {
  if (!options.enabled) return silent;
  const started = performance.now();
  const bar = new SingleBar({
    stream: process.stderr,
    format: `sim [{bar}] {percentage}% | {value}/{total} ${options.unit} | {rate}/s | ETA {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 5,
  });
  bar.start(Math.max(1, options.total), 0, { rate: '0' });
  return {
    update(value: number) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(value, { rate: compact(seconds > 0 ? value / seconds : 0) });
    },
    setTotal(total: number) {
      bar.setTotal(Math.max(1, total));
    },
    stop() {
      bar.stop();
    },
  };
}
