import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed-demo.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'npo-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const argv = (...args: string[]) => ['node', 'sim', ...args];

describe('sim CLI', () => {
  it('writes the demo into <data-dir>/events.sqlite and refuses to write it twice', async () => {
    const dataDir = join(dir, 'data');
    expect(await runCli(argv('--scale', 'demo', '--target', 'store', '--data-dir', dataDir, '--quiet'))).toBe(0);
    const store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    try {
      expect(await store.headPosition()).toBeGreaterThan(1000);
    } finally {
      await store.close();
    }
    expect(await runCli(argv('--scale', 'demo', '--target', 'store', '--data-dir', dataDir, '--quiet'))).toBe(1);
    // `npm start` seeds with --if-empty: a store with data is left as it is, and that is success.
    expect(await runCli(argv('--scale', 'demo', '--target', 'store', '--data-dir', dataDir, '--quiet', '--if-empty'))).toBe(0);
  });

  it('seeds the same demo world as seedDemo() by default', async () => {
    const dataDir = join(dir, 'same');
    expect(await runCli(argv('--target', 'store', '--data-dir', dataDir, '--quiet', '--now', '2026-01-01T00:00:00Z'))).toBe(0);
    const cliStore = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    const apiStore = await openSqliteEventStore({ path: join(dir, 'seeded.sqlite') });
    try {
      await seedDemo(apiStore, () => new Date('2026-01-01T00:00:00Z'));
      const ids = async (s: typeof cliStore) => (await s.readAll()).map((e) => e.id);
      expect(await ids(cliStore)).toEqual(await ids(apiStore));
    } finally {
      await cliStore.close();
      await apiStore.close();
    }
  });

  it('writes NDJSON to a file, the same bytes for the same seed and --now', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const common = ['--scale', 'demo', '--target', 'ndjson', '--seed', '5', '--now', '2026-01-01T00:00:00Z', '--events', '500', '--quiet'];
    expect(await runCli(argv(...common, '--out', a))).toBe(0);
    expect(await runCli(argv(...common, '--out', b))).toBe(0);
    const text = readFileSync(a, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(500);
    expect(readFileSync(b, 'utf8')).toBe(text);
    const first = JSON.parse(text.split('\n')[0]!) as { method: string; path: string; auth: { role: string } };
    // Registration by the funder comes first (February 2021), before any school acts.
    expect(first).toMatchObject({ method: 'PUT', path: expect.stringMatching(/^\/v1\/schools\/\d{2}[A-Z]{2}$/), auth: { role: 'ocw' } });
  });

  it('fails fast when the API cannot be reached', async () => {
    // A port that was just free: nothing listens, the connection is refused at once.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    expect(await runCli(argv('--target', 'http', '--api', `http://127.0.0.1:${port}`, '--data-dir', join(dir, 'http'), '--quiet'))).toBe(1);
  });

  it('rejects unknown options and values with a usage error (exit 2, as the other CLIs), and --help exits 0', async () => {
    expect(await runCli(argv('--scale', 'galactic', '--quiet'))).toBe(2);
    expect(await runCli(argv('--events', '-3', '--quiet'))).toBe(2);
    expect(await runCli(argv('--no-such-option'))).toBe(2);
    expect(await runCli(argv('--help'))).toBe(0);
    expect(existsSync(join(dir, 'galactic'))).toBe(false);
  });
});
