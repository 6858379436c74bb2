import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Events published over the last `windowMs`, for a throughput figure that needs no Prometheus query. */
class RateWindow {
  readonly #slots: { at: number; events: number }[] = [];
  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  add(events: number): void {
    this.#slots.push({ at: this.now(), events });
    this.#trim();
  }

  perSecond(): number {
    this.#trim();
    const events = this.#slots.reduce((n, s) => n + s.events, 0);
    return (events * 1000) / this.windowMs;
  }

  #trim(): void {
    const from = this.now() - this.windowMs;
    while (this.#slots.length > 0 && this.#slots[0]!.at < from) this.#slots.shift();
  }
}

export interface RelayMetricsOptions {
  /** Read on every scrape: the newest globalPosition in the store (-1 when empty). */
  readonly storeHead: () => Promise<number>;
  readonly now?: () => number;
}

/**
 * What `/metrics` shows about the relay. Lag is the store head minus the checkpoint, in positions of
 * the global log (events for the SQLite store; KurrentDB's commit positions have gaps, so there it
 * is only zero or not).
 */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly #published: Counter;
  readonly #batches: Counter;
  readonly #failures: Counter<'stage'>;
  readonly #checkpoint: Gauge;
  readonly #publishSeconds: Histogram;
  readonly #window: RateWindow;
  #position = -1;

  constructor(options: RelayMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'npo_relay_' });
    this.#window = new RateWindow(10_000, options.now ?? (() => performance.now()));
    this.#published = new Counter({ name: 'npo_relay_published_events_total', help: 'Events acknowledged by Kafka (a re-publish after a crash counts again)', registers });
    this.#batches = new Counter({ name: 'npo_relay_published_batches_total', help: 'Batches acknowledged by Kafka and checkpointed', registers });
    this.#failures = new Counter({ name: 'npo_relay_failures_total', help: 'Failed attempts, by stage (connect, publish, read)', labelNames: ['stage'], registers });
    this.#checkpoint = new Gauge({ name: 'npo_relay_checkpoint_position', help: 'globalPosition of the last event Kafka acknowledged (-1: none yet)', registers });
    this.#publishSeconds = new Histogram({
      name: 'npo_relay_publish_duration_seconds',
      help: 'From handing a batch to the producer until Kafka acknowledged it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const window = this.#window;
    new Gauge({
      name: 'npo_relay_events_per_second',
      help: 'Events acknowledged per second, averaged over the last 10 s',
      registers,
      collect() {
        this.set(window.perSecond());
      },
    });
    new Gauge({
      name: 'npo_relay_store_head_position',
      help: 'Newest globalPosition in the event store (-1: empty)',
      registers,
      async collect() {
        this.set(await options.storeHead());
      },
    });
    const checkpoint = (): number => this.#position;
    new Gauge({
      name: 'npo_relay_lag_positions',
      help: 'Store head minus checkpoint: global-log positions not yet acknowledged by Kafka',
      registers,
      async collect() {
        this.set(Math.max(0, (await options.storeHead()) - checkpoint()));
      },
    });
    this.#checkpoint.set(-1);
  }

  checkpointed(position: number): void {
    this.#position = position;
    this.#checkpoint.set(position);
  }

  published(events: number, seconds: number): void {
    this.#published.inc(events);
    this.#batches.inc();
    this.#window.add(events);
    this.#publishSeconds.observe(seconds);
  }

  failed(stage: 'connect' | 'publish' | 'read'): void {
    this.#failures.inc({ stage });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
