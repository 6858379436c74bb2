// One vitest global setup for every project whose integration tests need the real broker, and the
// helpers their tests share. Lives here so the "a missing broker fails CI" rule is written once.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { start, stop } from './index.mjs';

const inCi = () => Boolean(process.env['CI']) && process.env['CI'] !== 'false';

/** @param {import('vitest/node').TestProject} project */
export default async function kafkaGlobalSetup(project) {
  const given = process.env['KAFKA_BROKERS'];
  if (given) {
    project.provide('kafka', { brokers: given.split(','), skipReason: null });
    return async () => {};
  }
  let startedHere = false;
  try {
    const broker = await start({ log: (line) => console.log(line) });
    startedHere = broker.startedHere;
    project.provide('kafka', { brokers: broker.brokers, skipReason: null });
  } catch (e) {
    const reason = `no Kafka broker: ${e instanceof Error ? e.message : String(e)}`;
    if (inCi()) throw new Error(`CI runs the Kafka integration tests against a real broker, and there is ${reason}`);
    project.provide('kafka', { brokers: [], skipReason: reason });
  }
  return async () => {
    if (startedHere) await stop();
  };
}

export function kafkaUnderTest() {
  const kafka = inject('kafka');
  if (kafka.skipReason) console.warn(`Kafka integration tests skipped: ${kafka.skipReason}`);
  return kafka;
}

export const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function waitFor(what, condition, timeoutMs = 60_000, pollMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}
