import 'reflect-metadata';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { kafkaFeedConfigFromEnv } from '@npo/analytics-kafka-feed';
import { kafkaVersion } from '@npo/kafka-local';
import { createNestApp, loadConfig, platformEnvSchema, platformEnvVariables } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDotenv } from './dotenv.test-support.js';
import { envOf, execForm, instructionsOf, parseDockerfile, type DockerStage } from './dockerfile.test-support.js';
import { interpolateDocument, type VariableUse } from './interpolate.test-support.js';
import { loadRelayDist, repoRoot } from '../relay-dist.test-support.js';

/*
 * docker-compose.yml cannot be run here (no Docker), so it is checked against the apps instead: each
 * service's environment (with the .env.example defaults) through the app's own config loader, its
 * Dockerfile and what the app's build emits, ports and health routes against the apps' configuration
 * and real servers, the dependency graph, volumes, pinned images and hard-coded secrets.
 */

const root = repoRoot;
const READINESS_PATH = '/health/ready';

// --- the files -------------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: unknown };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const rawText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const raw = parse(rawText) as ComposeFile;
const dotenv = parseDotenv(readFileSync(join(root, '.env.example'), 'utf8'));
const defaults = Object.fromEntries(dotenv.map((e) => [e.name, e.value]));
const interpolated = interpolateDocument(raw, defaults);
const compose = interpolated.document as ComposeFile;
const services = Object.entries(compose.services);

/** Compose's two spellings of `environment`, as one record; `null` (take it from the host) stays undefined. */
function environmentOf(service: ComposeService): Record<string, string | undefined> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => (line.includes('=') ? [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] : [line, undefined])));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? undefined : String(v)]));
}

function buildOf(service: ComposeService): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  const b = typeof service.build === 'string' ? { context: service.build } : service.build;
  const context = resolve(root, b.context ?? '.');
  return { context, dockerfile: resolve(context, b.dockerfile ?? 'Dockerfile') };
}

interface PortMapping {
  readonly hostIp: string | null;
  readonly published: number | null;
  readonly target: number;
}
function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p !== 'string') return { hostIp: p.host_ip ?? null, published: p.published === undefined ? null : Number(p.published), target: p.target };
    const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 3) return { hostIp: parts[0]!, published: Number(parts[1]), target };
    if (parts.length === 2) return { hostIp: null, published: Number(parts[0]), target };
    return { hostIp: null, published: null, target };
  });
}

function volumesOf(service: ComposeService): { source: string | null; target: string; named: boolean }[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? null, target: v.target, named: v.type === 'volume' || (v.type === undefined && v.source !== undefined && !/^[./~]/.test(v.source)) };
    const [source, target] = v.split(':');
    if (target === undefined) return { source: null, target: source!, named: false };
    return { source: source!, target, named: !/^[./~]/.test(source!) };
  });
}

function dependsOn(service: ComposeService): Record<string, string> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, spec]) => [name, spec.condition ?? 'service_started']));
}

function healthcheckCommand(service: ComposeService): string | null {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable === true || test === undefined) return null;
  if (typeof test === 'string') return test;
  if (test[0] === 'NONE') return null;
  return test.slice(1).join(' ');
}

// --- the apps behind the built services ----------------------------------------------------------

interface AppImage {
  readonly service: string;
  readonly env: Record<string, string | undefined>;
  readonly dockerfile: string;
  readonly stages: DockerStage[];
  readonly final: DockerStage;
  /** `apps/<x>/dist/main.js` from the final CMD. */
  readonly entry: string;
  readonly projectDir: string;
  readonly packageName: string;
}

const appImages: AppImage[] = services.flatMap(([name, service]) => {
  const build = buildOf(service);
  if (build === undefined || !existsSync(build.dockerfile)) return [];
  const stages = parseDockerfile(readFileSync(build.dockerfile, 'utf8'));
  const final = stages.at(-1)!;
  const cmd = execForm(instructionsOf(final, 'CMD').at(-1)?.args ?? '') ?? [];
  const entry = cmd[0] === 'node' ? (cmd[1] ?? '') : '';
  const projectDir = entry.replace(/\/dist\/[^/]+$/, '');
  const pkgPath = join(root, projectDir, 'package.json');
  const packageName = existsSync(pkgPath) ? (JSON.parse(readFileSync(pkgPath, 'utf8')) as { name: string }).name : '';
  return [{ service: name, env: environmentOf(service), dockerfile: build.dockerfile, stages, final, entry, projectDir, packageName }];
});
const app = (packageName: string): AppImage => {
  const found = appImages.find((a) => a.packageName === packageName);
  if (found === undefined) throw new Error(`no compose service runs ${packageName}`);
  return found;
};

const relay = await loadRelayDist();

function relativeToRoot(path: string): string {
  return relative(root, path);
}

/** The port the app listens on in its container, per its own configuration, and the variable that sets it. */
function listenPort(image: AppImage): { port: number; variable: string; fallback: number } {
  switch (image.packageName) {
    case '@npo/school-api':
      return { port: loadConfig(image.env).apiPort, variable: 'NPO_API_PORT', fallback: loadConfig({}).apiPort };
    case '@npo/analytics':
      return { port: loadConfig(image.env).analyticsPort, variable: 'NPO_ANALYTICS_PORT', fallback: loadConfig({}).analyticsPort };
    case '@npo/event-relay':
      return { port: relay.loadRelayConfig(image.env).port, variable: 'NPO_RELAY_PORT', fallback: relay.DEFAULT_RELAY_PORT };
    default:
      throw new Error(`unknown app ${image.packageName}`);
  }
}

// --- checks ------------------------------------------------------------------------------------------

describe('docker-compose.yml and .env.example', () => {
  it('documents every variable the compose file interpolates, with the same default, and nothing else', () => {
    const uses: VariableUse[] = interpolated.uses;
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) {
      expect(defaults, `${use.name} is used in docker-compose.yml but missing from .env.example`).toHaveProperty(use.name);
      if (use.operator === ':-' || use.operator === '-') expect(defaults[use.name], `default of ${use.name}`).toBe(use.argument);
    }
    expect(new Set(dotenv.map((e) => e.name))).toEqual(new Set(uses.map((u) => u.name)));
    for (const entry of dotenv) expect(entry.comment.length, `${entry.name} has no comment in .env.example`).toBeGreaterThan(0);
  });

  it('pins every image: a version tag, never latest', () => {
    const images = [
      ...services.flatMap(([, s]) => (s.image === undefined ? [] : [s.image])),
      ...appImages.flatMap((a) => a.stages.map((s) => s.from).filter((from) => !a.stages.some((st) => st.name === from))),
    ];
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) expect(image, image).toMatch(/^[a-z0-9./-]+(?::(?!latest$)[A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*)?(?:@sha256:[0-9a-f]{64})?$/);
    for (const image of images) expect(image.includes(':') || image.includes('@sha256:'), `${image} has no tag`).toBe(true);
  });

  it('runs the same Kafka version as the broker the tests use (tools/kafka-local)', () => {
    expect(compose.services['kafka']?.image).toBe(`apache/kafka:${kafkaVersion()}`);
  });

  it('builds every app in apps/ and nothing else from source', () => {
    const appsWithMain = readdirSync(join(root, 'apps')).filter((d) => existsSync(join(root, 'apps', d, 'src/main.ts')));
    expect(appImages.map((a) => a.projectDir).sort()).toEqual(appsWithMain.map((d) => `apps/${d}`).sort());
    expect(services.filter(([, s]) => s.build !== undefined)).toHaveLength(appImages.length);
  });

  it('has a build context and Dockerfile that exist for every built service', () => {
    for (const [name, service] of services) {
      const build = buildOf(service);
      if (build === undefined) continue;
      expect(statSync(build.context).isDirectory(), `${name}: context ${build.context}`).toBe(true);
      expect(existsSync(build.dockerfile), `${name}: ${build.dockerfile}`).toBe(true);
      expect(relativeToRoot(build.dockerfile), name).toMatch(/^infra\/[^/]+\.Dockerfile$/);
    }
    expect(existsSync(join(root, '.dockerignore'))).toBe(true);
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const path of ['**/node_modules', '**/dist', '.git']) expect(ignored, `.dockerignore keeps host ${path} out of the build`).toContain(path);
  });

  describe.each(appImages.map((a) => [a.service, a] as const))('the %s image', (_name, image) => {
    it('is multi-stage, builds the app, and runs as an unprivileged user', () => {
      expect(image.stages.length).toBeGreaterThanOrEqual(2);
      const buildText = image.stages
        .slice(0, -1)
        .flatMap((s) => instructionsOf(s, 'RUN').map((i) => i.args))
        .join('\n');
      expect(buildText).toMatch(new RegExp(`nx (run ${image.packageName.replace('/', '\\/')}:build|run-many -t build --projects=\\S*${image.packageName.replace('/', '\\/')})`));
      const user = instructionsOf(image.final, 'USER').at(-1)?.args;
      expect(user, 'USER of the final stage').toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
    });

    it("starts the file the app's build emits", () => {
      expect(image.entry).toMatch(/^apps\/[^/]+\/dist\/main\.js$/);
      const pkg = JSON.parse(readFileSync(join(root, image.projectDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const [, project] = /-p (\S+)/.exec(pkg.scripts['build'] ?? '') ?? [];
      expect(project, `${image.packageName} builds with tsc -p <tsconfig>`).toBeDefined();
      const tsconfig = JSON.parse(readFileSync(join(root, image.projectDir, project!), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
      // tsc maps <rootDir>/main.ts to <outDir>/main.js.
      const source = join(image.projectDir, tsconfig.compilerOptions.rootDir, 'main.ts');
      expect(join(image.projectDir, tsconfig.compilerOptions.outDir, 'main.js')).toBe(image.entry);
      expect(existsSync(join(root, source)), source).toBe(true);
    });

    it('checks its health on the route and port the app serves, like the compose healthcheck', () => {
      const { variable, fallback } = listenPort(image);
      const check = instructionsOf(image.final, 'HEALTHCHECK').at(-1);
      expect(check, 'HEALTHCHECK').toBeDefined();
      const script = (execForm(check!.args) ?? []).join(' ');
      expect(script).toContain(`process.env.${variable}||${fallback}`);
      expect(script).toContain(`'${READINESS_PATH}'`);
      const env = envOf(image.final);
      expect(env[variable], `ENV ${variable}`).toBe(String(fallback));
      expect(instructionsOf(image.final, 'EXPOSE').map((i) => i.args)).toEqual([String(fallback)]);
      expect(env['NPO_HOST']).toBe('0.0.0.0');
    });
  });

  describe('service environments pass the apps’ own configuration', () => {
    it.each(appImages.map((a) => [a.service, a] as const))('%s: the platform schema', (_name, image) => {
      const result = platformEnvSchema.safeParse(image.env);
      expect(result.error?.issues ?? []).toEqual([]);
      // Reachable from the other containers, writing to its volume.
      expect(loadConfig(image.env).host).toBe('0.0.0.0');
    });

    it('school-api writes to KurrentDB', () => {
      expect(loadConfig(app('@npo/school-api').env).eventStore.kind).toBe('kurrentdb');
    });

    it("event-relay: the relay's loader (platform and relay variables), reading KurrentDB, publishing to the compose broker", () => {
      const env = app('@npo/event-relay').env;
      const config = relay.loadRelayConfig(env);
      expect(config.platform.eventStore.kind).toBe('kurrentdb');
      // Not the relay's loopback default: the broker the compose file names.
      expect(env['KAFKA_BROKERS']).toBeDefined();
      expect(config.brokers).toEqual(env['KAFKA_BROKERS']!.split(','));
    });

    it('analytics: the platform schema and the Kafka feed settings, following the relay topic', () => {
      const env = app('@npo/analytics').env;
      const config = loadConfig(env);
      expect(config.feed.kind).toBe('kafka');
      const feed = kafkaFeedConfigFromEnv({ ...env, KAFKA_BROKERS: config.feed.kind === 'kafka' ? config.feed.brokers.join(',') : '' });
      // Read back: a misspelt variable would leave the defaults in place.
      if (env['NPO_KAFKA_TOPIC'] !== undefined) expect(feed.topic).toBe(env['NPO_KAFKA_TOPIC']);
      if (env['NPO_KAFKA_GROUP'] !== undefined) expect(feed.groupId).toBe(env['NPO_KAFKA_GROUP']);
      expect(feed.topic).toBe(relay.loadRelayConfig(app('@npo/event-relay').env).topic.topic);
    });

    it('sets no NPO_/KAFKA_/EVENTSTORE_ variable the app does not read (a typo would pass the schemas silently)', () => {
      const known: Record<string, readonly string[]> = {
        '@npo/school-api': platformEnvVariables,
        '@npo/event-relay': [...platformEnvVariables, ...Object.keys(relay.relayEnvSchema.shape)],
        '@npo/analytics': [...platformEnvVariables, 'NPO_KAFKA_TOPIC', 'NPO_KAFKA_GROUP', 'NPO_CODE_VERSION'],
      };
      for (const image of appImages) {
        const unknown = Object.keys(image.env).filter((k) => /^(NPO_|KAFKA_|EVENTSTORE_)/.test(k) && !known[image.packageName]!.includes(k));
        expect(unknown, image.service).toEqual([]);
      }
    });

    it('points every store and broker address at a compose service and the port it listens on', () => {
      const kafka = environmentOf(compose.services['kafka']!);
      const listeners = (kafka['KAFKA_LISTENERS'] ?? '').split(',');
      const advertised = (kafka['KAFKA_ADVERTISED_LISTENERS'] ?? '').split(',');
      const kurrent = environmentOf(compose.services['kurrentdb']!);
      for (const image of appImages) {
        const deps = dependsOn(compose.services[image.service]!);
        const brokers = image.env['KAFKA_BROKERS'];
        if (brokers !== undefined) {
          for (const broker of brokers.split(',')) {
            const [host, port] = broker.split(':');
            expect(compose.services, `${image.service}: broker host ${host}`).toHaveProperty(host!);
            const listener = listeners.find((l) => l.endsWith(`:${port}`));
            expect(listener, `${image.service}: a kafka listener on ${port}`).toBeDefined();
            const name = listener!.split('://')[0];
            expect(advertised, `${image.service}: listener ${name} advertised as ${broker}`).toContain(`${name}://${broker}`);
            expect(deps, `${image.service} waits for ${host}`).toHaveProperty(host!);
          }
        }
        const store = image.env['EVENTSTORE_CONNECTION_STRING'];
        if (store !== undefined) {
          const url = new URL(store.replace(/^(kurrentdb|esdb)(\+discover)?:/, 'http:'));
          expect(compose.services, `${image.service}: store host ${url.hostname}`).toHaveProperty(url.hostname);
          expect(healthcheckCommand(compose.services[url.hostname]!)).toContain(`:${url.port}/`);
          expect(portsOf(compose.services[url.hostname]!).map((p) => p.target)).toContain(Number(url.port));
          // The dev-mode server speaks plain HTTP/2: the client must not try TLS.
          expect(url.searchParams.get('tls')).toBe(kurrent['KURRENTDB_INSECURE'] === 'true' ? 'false' : 'true');
          expect(deps, `${image.service} waits for ${url.hostname}`).toHaveProperty(url.hostname);
        }
      }
    });
  });

  describe('ports and health checks', () => {
    it.each(appImages.map((a) => [a.service, a] as const))('%s publishes and checks the port it listens on, on loopback', (_name, image) => {
      const service = compose.services[image.service]!;
      const { port } = listenPort(image);
      const mappings = portsOf(service);
      expect(mappings.map((m) => m.target)).toEqual([port]);
      expect(mappings.every((m) => m.hostIp === '127.0.0.1')).toBe(true);
      const command = healthcheckCommand(service);
      expect(command).toContain(`http://127.0.0.1:${port}${READINESS_PATH}`);
    });

    it('publishes the infrastructure on loopback only', () => {
      for (const [name, service] of services) for (const m of portsOf(service)) expect(m.hostIp, `${name} ${m.target}`).toBe('127.0.0.1');
    });

    describe('the readiness route answers 200 on the real servers', () => {
      let dataDir: string;
      beforeAll(() => {
        dataDir = mkdtempSync(join(tmpdir(), 'npo-compose-check-'));
      });
      afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

      it('on a platform Nest app (what school-api and analytics are made with)', async () => {
        const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent' });
        const running = await createNestApp({ module: class EmptyAppModule {} }, config, { port: 0, host: '127.0.0.1', shutdownHooks: false });
        try {
          expect((await fetch(`${running.url}${READINESS_PATH}`)).status).toBe(200);
          expect((await fetch(`${running.url}/health/nope`)).status).toBe(404);
        } finally {
          await running.close();
        }
      });

      it("on the relay's status server", async () => {
        const server = await relay.startStatusServer({ metrics: async () => '', readiness: async () => ({ store: true }), metricsAccess: async () => 'unauthorized' }, '127.0.0.1', 0);
        try {
          expect((await fetch(`${server.url}${READINESS_PATH}`)).status).toBe(200);
          expect((await fetch(`${server.url}/health/nope`)).status).toBe(404);
        } finally {
          await server.close();
        }
      });
    });
  });

  describe('dependencies and volumes', () => {
    it('waits only for healthy services, each with a health check', () => {
      let edges = 0;
      for (const [name, service] of services) {
        for (const [dependency, condition] of Object.entries(dependsOn(service))) {
          edges++;
          expect(compose.services, `${name} depends on ${dependency}`).toHaveProperty(dependency);
          expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
          expect(healthcheckCommand(compose.services[dependency]!), `${dependency} has a healthcheck`).not.toBeNull();
        }
      }
      expect(edges).toBeGreaterThan(0);
      // And the graph has no cycle (Compose would refuse to start).
      const visiting = new Set<string>();
      const done = new Set<string>();
      const visit = (name: string): void => {
        if (done.has(name)) return;
        expect(visiting.has(name), `cycle through ${name}`).toBe(false);
        visiting.add(name);
        for (const dependency of Object.keys(dependsOn(compose.services[name]!))) visit(dependency);
        visiting.delete(name);
        done.add(name);
      };
      for (const [name] of services) visit(name);
    });

    it('has a health check on every service', () => {
      for (const [name, service] of services) expect(healthcheckCommand(service), name).not.toBeNull();
    });

    it('keeps data in declared named volumes: every app data dir, the store and the broker', () => {
      const declared = new Set(Object.keys(compose.volumes ?? {}));
      const used = new Set<string>();
      for (const [name, service] of services) {
        for (const v of volumesOf(service)) {
          expect(v.named, `${name}: ${v.source ?? ''}:${v.target} is a named volume`).toBe(true);
          expect(declared, `${name}: volume ${v.source}`).toContain(v.source);
          used.add(v.source!);
        }
      }
      expect(used).toEqual(declared);
      for (const image of appImages) {
        const dataDir = loadConfig(image.env).dataDir;
        expect(volumesOf(compose.services[image.service]!).map((v) => v.target), `${image.service} NPO_DATA_DIR`).toContain(dataDir);
      }
      expect(volumesOf(compose.services['kurrentdb']!).map((v) => v.target)).toContain('/var/lib/kurrentdb');
      expect(volumesOf(compose.services['kafka']!).map((v) => v.target)).toContain(environmentOf(compose.services['kafka']!)['KAFKA_LOG_DIRS']);
    });

    it('gives school-api and analytics the same data volume: tokens are verified with the key the school API made', () => {
      const volumeAtDataDir = (image: AppImage) => volumesOf(compose.services[image.service]!).find((v) => v.target === loadConfig(image.env).dataDir)?.source;
      expect(volumeAtDataDir(app('@npo/analytics'))).toBe(volumeAtDataDir(app('@npo/school-api')));
      expect(dependsOn(compose.services[app('@npo/analytics').service]!)).toHaveProperty(app('@npo/school-api').service);
    });

    it('raises the KurrentDB append limit to the 2 MB the contract suite sends', () => {
      const env = environmentOf(compose.services['kurrentdb']!);
      expect(Number(env['KURRENTDB_MAX_APPEND_SIZE'])).toBeGreaterThanOrEqual(2 * 1024 * 1024 + 64 * 1024);
      expect(env['KURRENTDB_INSECURE']).toBe('true');
      expect(env['KURRENTDB_CLUSTER_SIZE']).toBe('1');
    });
  });

  describe('secrets', () => {
    const secretName = /pass(word)?|secret|token|credential|private|api[_-]?key|access[_-]?key/i;
    const userInfo = /:\/\/[^/\s@:]+:[^/\s@]+@/;
    // A secret may only come from outside: `${NAME}` or `${NAME:?...}`, never a default or a literal.
    const fromOutside = (value: string) => /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$/.test(value);

    it('hard-codes no secret-looking value in any service environment or build argument', () => {
      let scanned = 0;
      for (const [name, service] of Object.entries(raw.services)) {
        const entries = [...Object.entries(environmentOf(service)), ...Object.entries(((typeof service.build === 'object' ? service.build.args : undefined) ?? {}) as Record<string, string>)];
        for (const [key, value] of entries) {
          scanned++;
          if (value === undefined) continue;
          if (secretName.test(key)) expect(fromOutside(value), `${name}: ${key} is hard-coded`).toBe(true);
          expect(value, `${name}: ${key} carries credentials in a URL`).not.toMatch(userInfo);
        }
      }
      expect(scanned).toBeGreaterThan(20);
    });

    it('keeps secrets out of .env.example and the Dockerfiles too', () => {
      for (const entry of dotenv) expect(secretName.test(entry.name), `.env.example: ${entry.name}`).toBe(false);
      for (const image of appImages) {
        for (const stage of image.stages) {
          for (const [key, value] of Object.entries(envOf(stage))) {
            expect(secretName.test(key), `${relativeToRoot(image.dockerfile)}: ENV ${key}`).toBe(false);
            expect(value).not.toMatch(userInfo);
          }
          expect(instructionsOf(stage, 'ARG').filter((a) => secretName.test(a.args))).toEqual([]);
        }
      }
      expect(rawText).not.toMatch(userInfo);
    });

    it('would catch one: the scan flags a literal password and a URL with credentials', () => {
      expect(secretName.test('KAFKA_SASL_PASSWORD') && !fromOutside('hunter2')).toBe(true);
      expect(fromOutside('${KAFKA_SASL_PASSWORD:-hunter2}')).toBe(false);
      expect(fromOutside('${KAFKA_SASL_PASSWORD:?set it}')).toBe(true);
      expect('kurrentdb://admin:changeit@kurrentdb:2113').toMatch(userInfo);
      expect('kurrentdb://kurrentdb:2113?tls=false').not.toMatch(userInfo);
    });
  });
});
