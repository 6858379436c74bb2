import { stackPaths, type AppServiceName, type StackSettings } from './stack-settings.js';

export interface AppService {
  readonly name: AppServiceName;
  /** Nx project that builds it. */
  readonly project: string;
  /** Built entry point, relative to the repository root. */
  readonly entry: string;
  readonly port: number;
  /** The app's own configuration: exactly what it gets besides PATH and friends. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The apps as docker-compose.yml runs them, moved onto loopback: one data dir shared by all (the SQLite
 * store the school API writes and the relay reads, the signing key both HTTP apps verify tokens with),
 * the relay publishing to the stack's broker, analytics following the relay's topic (NPO_FEED=kafka).
 */
export function appServices(settings: StackSettings): readonly AppService[] {
  const { dataDir } = stackPaths(settings);
  const brokers = `127.0.0.1:${settings.ports.kafka}`;
  const common = {
    NPO_DATA_DIR: dataDir,
    NPO_HOST: '127.0.0.1',
    NPO_EVENT_STORE: 'sqlite',
    NPO_LOG_LEVEL: settings.logLevel,
  };
  return [
    {
      name: 'school-api',
      project: '@npo/school-api',
      entry: 'apps/school-api/dist/main.js',
      port: settings.ports.api,
      env: { ...common, NPO_API_PORT: String(settings.ports.api) },
    },
    {
      name: 'event-relay',
      project: '@npo/event-relay',
      entry: 'apps/event-relay/dist/main.js',
      port: settings.ports.relay,
      env: { ...common, NPO_RELAY_PORT: String(settings.ports.relay), KAFKA_BROKERS: brokers },
    },
    {
      name: 'analytics',
      project: '@npo/analytics',
      entry: 'apps/analytics/dist/main.js',
      port: settings.ports.analytics,
      env: { ...common, NPO_ANALYTICS_PORT: String(settings.ports.analytics), NPO_FEED: 'kafka', KAFKA_BROKERS: brokers, NPO_DEMO: settings.demo ? '1' : '0' },
    },
  ];
}

/** Variables of the platform and its adapters: never inherited from the caller's shell, only set above. */
const ownedPrefixes = ['NPO_', 'KAFKA_', 'EVENTSTORE_'];

/** The caller's environment without anything the apps read, plus the app's own settings. */
export function childEnv(service: AppService, inherited: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) {
    if (value !== undefined && !ownedPrefixes.some((p) => key.startsWith(p))) env[key] = value;
  }
  return { ...env, ...service.env };
}
