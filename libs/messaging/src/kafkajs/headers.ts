import type { IHeaders } from 'kafkajs';
import type { MessageHeaders } from '../port/message.js';

/** Text headers from the wire; of a repeated header the first value counts. */
export function headersFromKafka(headers: IHeaders | undefined): MessageHeaders {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
