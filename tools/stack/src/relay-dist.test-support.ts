import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Env, PlatformConfig } from '@npo/platform';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** What the specs use of the relay's public exports. */
export interface RelayModule {
  loadRelayConfig(env: Env, options?: { cwd?: string }): { platform: PlatformConfig; brokers: readonly string[]; topic: { topic: string; partitions: number }; port: number };
  relayEnvSchema: { shape: Record<string, unknown> };
  DEFAULT_RELAY_PORT: number;
  startStatusServer(
    source: {
      metrics(): Promise<string>;
      readiness(): Promise<Record<string, boolean>>;
      metricsAccess(authorization: string | undefined): Promise<'allowed' | 'unauthorized' | 'forbidden'>;
    },
    host: string,
    port: number,
  ): Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * The relay is an app, which a tool may not import as a library (module boundaries), so its config
 * loader and status server are taken from its build output: the code its process and container run.
 * The Nx test target builds it first; without the build this fails, saying so.
 */
export async function loadRelayDist(): Promise<RelayModule> {
  const path = join(repoRoot, 'apps/event-relay/dist/index.js');
  if (!existsSync(path)) throw new Error(`${relative(repoRoot, path)} is missing: build @npo/event-relay first (the Nx test target of @npo/stack does)`);
  return (await import(pathToFileURL(path).href)) as RelayModule;
}
