import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = new URL('../bin/kafka-local.mjs', import.meta.url).pathname;
const stateDir = mkdtempSync(join(tmpdir(), 'kafka-local-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function kafka(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', KAFKA_LOCAL_DIR: stateDir, KAFKA_PORT: '1', KAFKA_CONTROLLER_PORT: '2', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kafka-local CLI', () => {
  it('reports a never-started broker as stopped, with exit code 3', () => {
    const r = kafka(['status']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('stopped');
  });

  it('prints the status as JSON on request', () => {
    const r = kafka(['status', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ state: 'stopped', stateDir });
  });

  it('stops a broker that is not running without error', () => {
    const r = kafka(['stop']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('not running');
  });

  it('refuses an unknown command with usage and exit code 2', () => {
    const r = kafka(['launch']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: npm run kafka');
  });

  it('explains a missing Java and exits 4 without starting anything', () => {
    const r = kafka(['start'], { PATH: '/nonexistent' });
    expect(r.code).toBe(4);
    expect(r.err).toContain('JAVA_MISSING');
    expect(r.err).toContain('Java 17');
  });

  it('rejects a bad port setting with exit code 1', () => {
    const r = kafka(['start'], { KAFKA_PORT: 'x' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('BAD_CONFIG');
  });
});
