import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppServiceName, StackSettings } from './stack-settings.js';

export interface ServiceRecord {
  readonly pid: number;
  /** Repository-relative entry point, to recognise the process again. */
  readonly entry: string;
  readonly port: number;
  readonly log: string;
  readonly startedAt: string;
}

/** `stack.json`: the settings `up` used (later commands reuse them) and the pid of every app it started. */
export interface StackState {
  readonly version: 1;
  readonly settings: StackSettings;
  readonly services: Partial<Record<AppServiceName, ServiceRecord>>;
}

export function readState(path: string): StackState | undefined {
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as StackState;
  return state.version === 1 ? state : undefined;
}

/** Written whole to a temporary file and renamed, so a reader never sees half a file. */
export function writeState(path: string, state: StackState): void {
  const temporary = `${path}.${process.pid}.tmp`;
  // `down` or `stop` on a stack that never ran records "stopped" too: its directory may not exist yet.
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
}
