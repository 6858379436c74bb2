/**
 * kafka-local: a real single-node Apache Kafka 4.x broker (KRaft, combined broker + controller, loopback
 * only) started from Maven Central jars. For tests and benchmarks; never used by production code.
 */

export interface KafkaLocalOptions {
  /** Config, data, log and pid of the broker. Env KAFKA_LOCAL_DIR, default `<repo>/.kafka-local`. */
  readonly stateDir?: string;
  /** Client (PLAINTEXT) port on 127.0.0.1. Env KAFKA_PORT, default 9092. */
  readonly port?: number;
  /** KRaft controller port on 127.0.0.1. Env KAFKA_CONTROLLER_PORT, default 9093. */
  readonly controllerPort?: number;
  /** JVM max heap. Env KAFKA_HEAP, default `512m`. */
  readonly heap?: string;
  /** Where resolved jars are copied. Env KAFKA_LOCAL_CACHE, default `$XDG_CACHE_HOME/npo/kafka` or `~/.cache/npo/kafka`. */
  readonly cacheDir?: string;
  /** Env KAFKA_READY_TIMEOUT_MS, default 90000. */
  readonly readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. Env KAFKA_STOP_TIMEOUT_MS, default 30000. */
  readonly stopTimeoutMs?: number;
  /** Progress lines (resolving, formatting, ready). Silent by default. */
  readonly log?: (line: string) => void;
}

export interface ResolvedOptions {
  readonly stateDir: string;
  readonly cacheRoot: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly controllerPort: number;
  readonly heap: string;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface BrokerInfo {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  /** `127.0.0.1:<port>` */
  readonly bootstrap: string;
  /** `[bootstrap]`, ready for a client's broker list. */
  readonly brokers: readonly string[];
  /** Kafka version of the jars (from pom.xml). */
  readonly version: string;
  readonly stateDir: string;
  readonly logFile: string;
  /** False when the broker was already running and this call only waited for it. */
  readonly startedHere: boolean;
  readonly timings: { readonly jarsMs: number; readonly readyMs: number };
}

export type BrokerStatus =
  | { readonly state: 'stopped'; readonly stateDir: string; readonly logFile: string }
  | {
      readonly state: 'running' | 'starting';
      readonly stateDir: string;
      readonly logFile: string;
      readonly pid: number;
      readonly port: number;
      readonly controllerPort: number;
      readonly bootstrap: string;
      readonly version: string;
      readonly startedAt: string;
    };

/** What `broker.json` in the state directory records about a started broker. */
export interface RunRecord {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly version: string;
  readonly startedAt: string;
  readonly serverProperties: string;
}

export interface ResolvedJars {
  readonly version: string;
  readonly libsDir: string;
  /** `<libsDir>/*`, for `java -cp`. */
  readonly classpath: string;
  /** False when the cache already had them. */
  readonly resolvedNow: boolean;
  readonly ms: number;
}

export interface Prerequisites {
  readonly java: string;
  readonly javaMajor: number;
  readonly maven: string;
}

export type KafkaLocalErrorCode =
  | 'JAVA_MISSING'
  | 'JAVA_TOO_OLD'
  | 'MAVEN_MISSING'
  | 'BAD_CONFIG'
  | 'RESOLVE_FAILED'
  | 'FORMAT_FAILED'
  | 'PORT_IN_USE'
  | 'ALREADY_RUNNING'
  | 'EXITED'
  | 'NOT_READY'
  | 'STOP_FAILED'
  | 'LOCKED';

export declare class KafkaLocalError extends Error {
  readonly code: KafkaLocalErrorCode;
  constructor(code: KafkaLocalErrorCode, message: string, options?: { cause?: unknown });
}

/** Starts the broker of `stateDir` unless it already runs (then only waits for it); resolves when ready. */
export declare function start(options?: KafkaLocalOptions): Promise<BrokerInfo>;
/** SIGTERM (clean shutdown, SIGKILL after `stopTimeoutMs`), or SIGKILL at once. Keeps the data. */
export declare function stop(
  options?: KafkaLocalOptions,
  how?: { readonly signal?: 'SIGTERM' | 'SIGKILL' },
): Promise<{ readonly wasRunning: boolean; readonly pid?: number; readonly killed: boolean }>;
/** stop + start on the same data. */
export declare function restart(options?: KafkaLocalOptions, how?: { readonly signal?: 'SIGTERM' | 'SIGKILL' }): Promise<BrokerInfo>;
/** stop and delete the state directory. */
export declare function reset(options?: KafkaLocalOptions): Promise<void>;
export declare function status(options?: KafkaLocalOptions): Promise<BrokerStatus>;
/** Resolves once the broker answers a metadata request (port open, then `describeCluster`). */
export declare function waitReady(options?: KafkaLocalOptions): Promise<void>;
/** `java` command line running a main class from the Kafka jars (kafka-tools included), e.g. ProducerPerformance. */
export declare function javaCommand(
  mainClass: string,
  args: readonly string[],
  options?: KafkaLocalOptions,
): Promise<{ readonly command: string; readonly args: string[] }>;
export declare function resolveOptions(options?: KafkaLocalOptions, env?: NodeJS.ProcessEnv): ResolvedOptions;
export declare function resolveJars(options: { readonly cacheRoot: string; readonly log: (line: string) => void }): Promise<ResolvedJars>;
export declare function kafkaVersion(): string;
export declare function checkPrerequisites(env?: NodeJS.ProcessEnv): Promise<Prerequisites>;
/** Ports on 127.0.0.1 that were free a moment ago (for extra brokers in tests). */
export declare function freePorts(count: number): Promise<number[]>;
/** The state letter (R, S, Z, ...) of each thread of `pid` from /proc; empty once it is gone, undefined without /proc. */
export declare function threadStates(pid: number): string[] | undefined;
