import { existsSync, mkdirSync, readdirSync } from 'node:fs';
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
    expect(await runAnalyticsCli(['rebuild', '--no-progress', '--batch-size', '50', '--memory-limit', '64MB'], { NPO_DATA_DIR: dir.path }, c.io)).toBe(0);
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

  it('refuses a data dir that does not exist, naming it, and creates nothing', async () => {
    const typo = join(dir.path, 'typo');
    const c = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress'], { NPO_DATA_DIR: typo }, c.io)).toBe(1);
    expect(c.err()).toBe(`error: the data dir ${typo} does not exist: set NPO_DATA_DIR to the data dir the services run on; nothing was written\n`);
    expect(c.out()).toBe('');
    expect(existsSync(typo)).toBe(false);
  });

  it('refuses a data dir without an event store, naming the file it looked for, and writes nothing there', async () => {
    const empty = join(dir.path, 'empty');
    mkdirSync(empty);
    const c = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress'], { NPO_DATA_DIR: empty }, c.io)).toBe(1);
    expect(c.err()).toBe(`error: there is no event store at ${join(empty, 'events.sqlite')}: set NPO_DATA_DIR to the data dir the services run on; nothing was written\n`);
    expect(readdirSync(empty)).toEqual([]);
  });

  it.each(['lots', '1', '0MB', '-1GB', '32 parsecs', ''])('answers --memory-limit %j with a usage error naming the flag and the value', async (value) => {
    const c = capture();
    expect(await runAnalyticsCli(['rebuild', '--no-progress', '--memory-limit', value], { NPO_DATA_DIR: dir.path }, c.io)).toBe(2);
    expect(c.err()).toContain(`option '--memory-limit <size>' argument '${value}' is invalid`);
    expect(c.err()).toContain('such as 32MB, 1GB or 512MiB');
    expect(c.out()).toBe('');
  });

  it('takes every unit of DuckDB\'s size syntax in --memory-limit', async () => {
    for (const value of ['48MiB', '0.05GB', '50000KB', '52428800b', '50 mb']) {
      const c = capture();
      expect(await runAnalyticsCli(['rebuild', '--no-progress', '--memory-limit', value], { NPO_DATA_DIR: dir.path }, c.io), `${value}: ${c.err()}`).toBe(0);
    }
  });
});
