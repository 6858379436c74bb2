import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as kafkaLocal from '@npo/kafka-local';
import { appServices, childEnv, type AppService } from './app-services.js';
import { buildProjects } from './build-apps.js';
import { logTail } from './log-tail.js';
import { portIsFree } from './port-check.js';
import { isRunning, spawnDetached, terminate, type StopOutcome } from './process-control.js';
import { probe, waitReady } from './readiness.js';
import { StackError } from './stack-error.js';
import { stackPaths, stackServiceNames, stackSettingsFromEnv, type AppServiceName, type StackServiceName, type StackSettings } from './stack-settings.js';
import { readState, writeState, type StackState } from './state-file.js';

export interface StackOptions {
  /** The repository root: entries and the Nx workspace are found from here. */
  readonly repoRoot: string;
  /** The caller's environment; the apps inherit it minus every NPO_/KAFKA_/EVENTSTORE_ variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Progress lines. Silent by default. */
  readonly log?: (line: string) => void;
}

export interface ServiceStatus {
  readonly name: StackServiceName;
  readonly state: 'running' | 'stopped';
  readonly pid: number | null;
  /** `/health/ready` answered 200 (the broker: it answered a metadata request when started). */
  readonly ready: boolean;
  /** Where to reach it: an HTTP base URL, or the broker's bootstrap address. */
  readonly address: string;
  readonly log: string;
}

export interface StartOutcome {
  readonly name: StackServiceName;
  readonly pid: number;
  readonly alreadyRunning: boolean;
  /** From spawning to ready. */
  readonly ms: number;
}

/**
 * Full mode as processes on loopback: the real Kafka broker (kafka-local), then school-api, event-relay
 * and analytics, each started detached with its output in `logs/<name>.log`, its pid in `stack.json`, and
 * awaited until `/health/ready` says 200. Every command can run from a fresh process: the state is the file.
 */
export class Stack {
  readonly #log: (line: string) => void;
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(
    readonly settings: StackSettings,
    private readonly options: StackOptions,
  ) {
    this.#log = options.log ?? (() => undefined);
    this.#env = options.env ?? process.env;
  }

  /**
   * The stack of the directory the environment names, with the settings `up` recorded in it: the ports
   * are those its processes listen on, whatever the environment says now. `forUp`: the environment's
   * settings instead, unless part of the stack still runs (a second `up` only starts what is missing).
   */
  static async open(env: Readonly<Record<string, string | undefined>>, options: Omit<StackOptions, 'env'> & { readonly forUp?: boolean }): Promise<Stack> {
    const fromEnv = stackSettingsFromEnv(env, options.repoRoot);
    const recorded = readState(stackPaths(fromEnv).stateFile);
    if (recorded !== undefined) {
      const previous = new Stack({ ...recorded.settings, dir: fromEnv.dir }, { ...options, env });
      if (!options.forUp || (await previous.anythingRunning())) return previous;
    }
    return new Stack(fromEnv, { ...options, env });
  }

  get paths() {
    return stackPaths(this.settings);
  }

  get apps(): readonly AppService[] {
    return appServices(this.settings);
  }

  app(name: AppServiceName): AppService {
    const app = this.apps.find((a) => a.name === name);
    if (app === undefined) throw new StackError('UNKNOWN_SERVICE', `unknown service ${name}`);
    return app;
  }

  #kafkaOptions(): kafkaLocal.KafkaLocalOptions {
    return {
      stateDir: this.paths.kafkaDir,
      port: this.settings.ports.kafka,
      controllerPort: this.settings.ports.kafkaController,
      stopTimeoutMs: this.settings.stopTimeoutMs,
      log: this.#log,
    };
  }

  #state(): StackState {
    return readState(this.paths.stateFile) ?? { version: 1, settings: this.settings, services: {} };
  }

  #record(update: (services: StackState['services']) => StackState['services']): void {
    const state = this.#state();
    writeState(this.paths.stateFile, { version: 1, settings: this.settings, services: update({ ...state.services }) });
  }

  async anythingRunning(): Promise<boolean> {
    const statuses = await this.status({ probe: false });
    return statuses.some((s) => s.state === 'running');
  }

  /** Builds the apps (unless `build: false`), then starts whatever of the stack is not running. */
  async up(options: { readonly build?: boolean } = {}): Promise<readonly StartOutcome[]> {
    for (const dir of [this.settings.dir, this.paths.dataDir, this.paths.logDir]) mkdirSync(dir, { recursive: true });
    if (options.build ?? true) {
      this.#log(`building ${this.apps.map((a) => a.project).join(', ')} ...`);
      const ms = buildProjects(this.options.repoRoot, this.apps.map((a) => a.project));
      this.#log(`built in ${(ms / 1000).toFixed(1)} s`);
    }
    for (const app of this.apps) {
      if (!existsSync(join(this.options.repoRoot, app.entry))) {
        throw new StackError('BUILD_FAILED', `${app.entry} does not exist: build ${app.project} first (npm run stack -- up builds it)`);
      }
    }
    writeState(this.paths.stateFile, { ...this.#state(), settings: this.settings });
    const outcomes: StartOutcome[] = [];
    for (const name of stackServiceNames) outcomes.push(await this.start(name));
    return outcomes;
  }

  /** Stops every service, last started first. The data stays. */
  async down(): Promise<readonly { name: StackServiceName; outcome: StopOutcome }[]> {
    const outcomes: { name: StackServiceName; outcome: StopOutcome }[] = [];
    for (const name of [...stackServiceNames].reverse()) outcomes.push({ name, outcome: await this.stop(name) });
    return outcomes;
  }

  async start(name: StackServiceName): Promise<StartOutcome> {
    mkdirSync(this.paths.logDir, { recursive: true });
    if (name === 'kafka') {
      const started = Date.now();
      const broker = await kafkaLocal.start(this.#kafkaOptions()).catch((error: unknown) => {
        // kafka-local's advice names its own variables; the stack sets the ports from its own.
        if (error instanceof kafkaLocal.KafkaLocalError && error.code === 'PORT_IN_USE') {
          const { kafka, kafkaController } = this.settings.ports;
          throw new StackError(
            'PORT_IN_USE',
            `kafka: port ${kafka} or ${kafkaController} on 127.0.0.1 is taken by another process (choose others with NPO_STACK_KAFKA_PORT / NPO_STACK_KAFKA_CONTROLLER_PORT)`,
          );
        }
        throw error;
      });
      this.#log(`kafka: ${broker.startedHere ? 'started' : 'already running'} on ${broker.bootstrap} (pid ${broker.pid})`);
      return { name, pid: broker.pid, alreadyRunning: !broker.startedHere, ms: Date.now() - started };
    }
    const app = this.app(name);
    const url = `http://127.0.0.1:${app.port}/health/ready`;
    const existing = this.#state().services[name];
    if (existing !== undefined && isRunning(existing.pid, existing.entry)) {
      const ms = await waitReady(name, url, { timeoutMs: this.settings.readyTimeoutMs, alive: () => isRunning(existing.pid, existing.entry), diagnostics: () => logTail(existing.log) });
      this.#log(`${name}: already running (pid ${existing.pid})`);
      return { name, pid: existing.pid, alreadyRunning: true, ms };
    }
    if (!(await portIsFree(app.port))) {
      throw new StackError('PORT_IN_USE', `${name}: port ${app.port} on 127.0.0.1 is taken by another process (choose another with ${portVariable[name]})`);
    }
    const log = join(this.paths.logDir, `${name}.log`);
    const pid = spawnDetached(join(this.options.repoRoot, app.entry), childEnv(app, this.#env), log, this.options.repoRoot);
    this.#record((services) => ({ ...services, [name]: { pid, entry: app.entry, port: app.port, log, startedAt: new Date().toISOString() } }));
    const ms = await waitReady(name, url, {
      timeoutMs: this.settings.readyTimeoutMs,
      alive: () => isRunning(pid, app.entry),
      diagnostics: () => `last lines of ${log}:\n${logTail(log)}`,
    });
    this.#log(`${name}: ready on http://127.0.0.1:${app.port} (pid ${pid}, ${(ms / 1000).toFixed(1)} s)`);
    return { name, pid, alreadyRunning: false, ms };
  }

  /** SIGTERM, SIGKILL after the stop timeout; forgets the pid. */
  async stop(name: StackServiceName): Promise<StopOutcome> {
    if (name === 'kafka') {
      const stopped = await kafkaLocal.stop(this.#kafkaOptions());
      const outcome: StopOutcome = !stopped.wasRunning ? 'not-running' : stopped.killed ? 'killed' : 'stopped';
      this.#log(`kafka: ${outcome}`);
      return outcome;
    }
    const record = this.#state().services[name];
    const outcome = record === undefined ? 'not-running' : await terminate(record.pid, record.entry, this.settings.stopTimeoutMs);
    this.#record((services) => {
      const { [name]: _gone, ...rest } = services;
      return rest;
    });
    this.#log(`${name}: ${outcome}${record === undefined ? '' : ` (pid ${record.pid})`}`);
    return outcome;
  }

  async restart(name: StackServiceName): Promise<StartOutcome> {
    await this.stop(name);
    return this.start(name);
  }

  async status(options: { readonly probe?: boolean } = {}): Promise<readonly ServiceStatus[]> {
    const state = this.#state();
    const broker = await kafkaLocal.status(this.#kafkaOptions());
    const statuses: ServiceStatus[] = [
      {
        name: 'kafka',
        state: broker.state === 'stopped' ? 'stopped' : 'running',
        pid: broker.state === 'stopped' ? null : broker.pid,
        ready: broker.state === 'running',
        address: `127.0.0.1:${this.settings.ports.kafka}`,
        log: broker.logFile,
      },
    ];
    for (const app of this.apps) {
      const record = state.services[app.name];
      const running = record !== undefined && isRunning(record.pid, record.entry);
      const base = `http://127.0.0.1:${app.port}`;
      statuses.push({
        name: app.name,
        state: running ? 'running' : 'stopped',
        pid: running ? record.pid : null,
        ready: running && (options.probe ?? true) ? await probe(`${base}/health/ready`) : false,
        address: base,
        log: record?.log ?? join(this.paths.logDir, `${app.name}.log`),
      });
    }
    return statuses;
  }
}

const portVariable: Record<AppServiceName, string> = { 'school-api': 'NPO_API_PORT', 'event-relay': 'NPO_RELAY_PORT', analytics: 'NPO_ANALYTICS_PORT' };
