import { join } from 'node:path';
import { openConfiguredEventStore, type EventStore } from '@npo/event-store';
import { createKafkaMessaging, type Messaging } from '@npo/messaging';
import { existsSync } from 'node:fs';
import { createLogger, type PlatformLogger, SIGNING_KEY_FILE, signingKeyDir, TokenService } from '@npo/platform';
import { CheckpointFile } from './checkpoint/checkpoint-file.js';
import { CheckpointLock } from './checkpoint/checkpoint-lock.js';
import type { RelayConfig } from './config/relay-config.js';
import { metricsAccess } from './http/metrics-access.js';
import { startStatusServer, type StatusServer } from './http/status-server.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { EventRelay } from './relay/event-relay.js';

export interface StartRelayOptions {
  /** Default: the store the configuration names (then owned and closed by the relay). */
  readonly store?: EventStore;
  readonly messaging?: Messaging;
  readonly logger?: PlatformLogger;
}

export interface RunningRelay {
  readonly relay: EventRelay;
  readonly metrics: RelayMetrics;
  readonly checkpoint: CheckpointFile;
  /** Held until close() returns: no second relay publishes from this data dir to this topic meanwhile. */
  readonly lock: CheckpointLock;
  /** Base URL of /metrics and /health/*. */
  readonly url: string;
  readonly topicCreated: boolean;
  /** Finishes the page in flight, saves the checkpoint, disconnects, closes the store it opened; releases the lock if drained. */
  close(): Promise<'drained' | 'timed-out'>;
}

/**
 * Takes the checkpoint's lock, binds the status port, ensures the topic, then starts the relay loop:
 * whatever refuses the start (another relay on this checkpoint, a port in use, a broker that cannot be
 * reached) does so before the first event is published.
 */
export async function startRelay(config: RelayConfig, options: StartRelayOptions = {}): Promise<RunningRelay> {
  const logger = options.logger ?? createLogger({ name: 'event-relay', level: config.platform.logLevel });
  const checkpointDir = join(config.platform.dataDir, 'event-relay');
  const lock = await CheckpointLock.acquire(checkpointDir, config.topic.topic);
  const messaging =
    options.messaging ??
    createKafkaMessaging({
      brokers: config.brokers,
      clientId: 'npo-event-relay',
      logger: (level, message, fields) => logger[level]({ ...fields, component: 'kafka' }, message),
    });
  const ownsStore = options.store === undefined;
  let store: EventStore | undefined;
  let server: StatusServer | undefined;
  try {
    store = options.store ?? (await openConfiguredEventStore(config.platform));
    const storeUsed = store;
    const checkpoint = new CheckpointFile(checkpointDir, config.topic.topic);
    const metrics = new RelayMetrics({ storeHead: () => storeUsed.headPosition() });
    const relay = new EventRelay({
      store,
      messaging,
      topic: config.topic.topic,
      checkpoint,
      batchSize: config.batchSize,
      metrics,
      log: (level, message, fields) => logger[level](fields ?? {}, message),
    });

    // Admin tokens are verified with the data dir's key, the one the API signs with when they share a
    // data dir; without one (the relay's own volume in compose) only the scrape token opens /metrics,
    // and no key is made here: one nobody signs with would only look like access control.
    const keyFile = join(signingKeyDir(config.platform.dataDir), SIGNING_KEY_FILE);
    const tokens = existsSync(keyFile) ? await TokenService.fromDataDir(config.platform.dataDir) : undefined;
    server = await startStatusServer(
      {
        metrics: () => metrics.text(),
        metricsAccess: metricsAccess(tokens, config.platform.metricsToken),
        readiness: async () => {
          let storeUp = true;
          try {
            await storeUsed.headPosition();
          } catch {
            storeUp = false;
          }
          return { 'event-store': storeUp, kafka: relay.ready };
        },
      },
      config.platform.host,
      config.port,
    );

    const admin = messaging.admin();
    await admin.connect();
    let created: 'created' | 'exists';
    try {
      created = await admin.ensureTopic(config.topic);
    } finally {
      await admin.disconnect();
    }
    logger.info({ topic: config.topic.topic, partitions: config.topic.partitions, replicationFactor: config.topic.replicationFactor, created }, 'topic ready');

    await relay.start();
    logger.info({ position: relay.position, checkpoint: checkpoint.path, lock: lock.path }, 'relay started');
    const serverUsed = server;
    return {
      relay,
      metrics,
      checkpoint,
      lock,
      url: server.url,
      topicCreated: created === 'created',
      close: async () => {
        const outcome = await relay.stop();
        logger.info({ position: relay.position, outcome }, 'relay stopped');
        await serverUsed.close();
        if (ownsStore) await storeUsed.close();
        // Released last, so a relay started next cannot overlap this one's final page. After a timed-out
        // stop, sends abandoned to the client may still land: the lock then goes only with the process.
        if (outcome === 'drained') await lock.release();
        return outcome;
      },
    };
  } catch (error) {
    await server?.close();
    if (ownsStore) await store?.close();
    await lock.release();
    throw error;
  }
}
