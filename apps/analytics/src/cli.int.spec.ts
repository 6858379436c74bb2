import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendSteps, generateHistory, tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyticsCli } from './cli.js';

const capture = () => {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) }, out: () => out, err: () => err };
};

describe('npm run analytics', () => {
  const dir = tempDir('analytics-cli');
  afterAll(() => dir.remove());

  it('rebuilds a data dir into a new generation and says how many events it replayed', async () => {
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, generateHistory(20, 9));
    const events = (await store.readAll()).length;
    await store.close();
    const c = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress', '--batch-size', '50'], { NPO_DATA_DIR: dir.path }, c.io)).toBe(0);
    expect(c.out()).toContain(`rebuilt analytics generation 1 from ${events.toLocaleString('en-US')} events`);
    expect(c.out()).toMatch(/events\/s\), peak RSS [\d,]+ MiB\n/);
    expect(existsSync(join(dir.path, 'analytics', 'analytics-000001.duckdb'))).toBe(true);
    const again = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress'], { NPO_DATA_DIR: dir.path }, again.io)).toBe(0);
    expect(again.out()).toContain('generation 2');
  });

  it('answers usage errors with status 2 and bad configuration with status 1', async () => {
    const none = capture();
    expect(await runAnalyticsCli([], { NPO_DATA_DIR: dir.path }, none.io)).toBe(2);
    expect(none.err()).toContain('rebuild');
    const bad = capture();
    expect(await runAnalyticsCli(['rebuild', '--batch-size', '0'], { NPO_DATA_DIR: dir.path }, bad.io)).toBe(2);
    expect(bad.err()).toContain('--batch-size');
    const config = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress'], { NPO_DATA_DIR: dir.path, NPO_FEED: 'kafka' }, config.io)).toBe(1);
    expect(config.err()).toContain('KAFKA_BROKERS');
  });
});
