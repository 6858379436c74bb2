import type { Writable } from 'node:stream';
import { authOf, methodOf, pathOf } from '../commands/api-request.js';
import type { SimStep } from '../pipeline/simulation.js';

export const ndjsonFormats = ['requests', 'events'] as const;
export type NdjsonFormat = (typeof ndjsonFormats)[number];

/**
 * One line per API request: what a client would send, with the instant it happens in the simulation.
 * Replayable against the API (`auth` says which token to use).
 */
export function requestLine(step: SimStep): string {
  const { request } = step;
  return JSON.stringify({
    at: step.at,
    method: methodOf(request),
    path: pathOf(request),
    auth: authOf(request),
    idempotencyKey: step.idempotencyKey,
    body: request.body,
  });
}

/** One line per event: the envelope as it is appended, with its stream and stream position. */
export function eventLines(step: SimStep): string[] {
  return step.events.map((e, i) =>
    JSON.stringify({
      streamId: step.streamId,
      streamPosition: step.versionBefore + 1 + i,
      id: e.id,
      type: e.type,
      schemaVersion: e.schemaVersion,
      occurredAt: e.occurredAt,
      data: e.data,
      metadata: e.metadata,
    }),
  );
}

export interface NdjsonWriteOptions {
  readonly format?: NdjsonFormat;
  readonly onProgress?: (eventsWritten: number) => void;
}

const CHUNK_CHARS = 1 << 20;

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(text, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else out.once('drain', resolve);
  });
}

/** Writes the run as NDJSON, in chunks, waiting for the stream to drain. Does not end `out`. */
export async function writeNdjson(steps: Iterable<SimStep>, out: Writable, options: NdjsonWriteOptions = {}): Promise<{ lines: number; events: number }> {
  const format = options.format ?? 'requests';
  let buffer = '';
  let lines = 0;
  let events = 0;
  for (const step of steps) {
    const stepLines = format === 'requests' ? [requestLine(step)] : eventLines(step);
    for (const line of stepLines) buffer += `${line}\n`;
    lines += stepLines.length;
    events += step.events.length;
    if (buffer.length >= CHUNK_CHARS) {
      await write(out, buffer);
      buffer = '';
      options.onProgress?.(events);
    }
  }
  if (buffer.length > 0) await write(out, buffer);
  options.onProgress?.(events);
  return { lines, events };
}
