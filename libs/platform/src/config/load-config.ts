import { resolve } from 'node:path';
import { type PlatformConfig, platformEnvSchema, secretEnvVariables } from './config.schema.js';

export interface ConfigIssue {
  /** The environment variable at fault, e.g. `NPO_API_PORT`. */
  readonly variable: string;
  readonly message: string;
}

/** The environment does not describe a runnable configuration. Lists every bad variable, not only the first. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.variable} ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Base for a relative NPO_DATA_DIR; defaults to the process's working directory. */
  readonly cwd?: string;
}

function describe(variable: string, env: Env): string {
  const value = env[variable];
  if (value === undefined) return '';
  if (secretEnvVariables.has(variable)) return ' (value hidden)';
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return ` (got ${JSON.stringify(shown)})`;
}

/** Validates the environment and returns the typed configuration, or throws a {@link ConfigError}. */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): PlatformConfig {
  const result = platformEnvSchema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      return { variable, message: `${issue.message}${describe(variable, env)}` };
    });
    throw new ConfigError(issues);
  }
  return { ...result.data, dataDir: resolve(options.cwd ?? process.cwd(), result.data.dataDir) };
}

export interface ExitOnConfigErrorOptions extends LoadConfigOptions {
  /** Defaults to writing to process.stderr; tests pass their own. */
  readonly writeError?: (text: string) => void;
  /** Defaults to process.exit. */
  readonly exit?: (code: number) => never;
}

/**
 * For process entry points: a bad configuration prints one clear message to stderr and exits with
 * status 1 instead of surfacing as a stack trace.
 */
export function loadConfigOrExit(env: Env = process.env, options: ExitOnConfigErrorOptions = {}): PlatformConfig {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      (options.writeError ?? ((text) => process.stderr.write(text)))(`${error.message}\nSee the Configuration table in libs/platform/README.md for every variable and its default.\n`);
      return (options.exit ?? process.exit)(1);
    }
    throw error;
  }
}
