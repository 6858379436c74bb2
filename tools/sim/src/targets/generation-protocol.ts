import type { SimScale } from '../world/world-types.js';
import type { StoreBatch } from './store-batches.js';

/** What the generation worker is asked to run (plain data: it crosses a thread boundary). */
export interface GenerationRequest {
  readonly scale: SimScale;
  readonly seed: number;
  readonly maxEvents?: number;
  /** ISO instant. */
  readonly now?: string;
  readonly blockSchools?: number;
  readonly batchEvents: number;
}

export interface RunInfo {
  readonly estimatedEvents: number;
  readonly schools: number;
  readonly gemeenten: number;
}

export type WorkerMessage =
  | { readonly type: 'start'; readonly info: RunInfo }
  | { readonly type: 'batch'; readonly batch: StoreBatch }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly code?: string };

/** Batches the worker may have sent ahead of the writer: enough to keep both threads busy. */
export const BATCHES_AHEAD = 2;
