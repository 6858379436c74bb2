import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodes, runCli } from './cli.js';

/* The CLI on an empty stack directory: nothing is started, so no broker or app is needed. */
describe('stack CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npo-stack-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (args: string[], env: Record<string, string> = {}) => {
    let out = '';
    let err = '';
    const code = await runCli(['node', 'stack', ...args], { out: (t) => (out += t), err: (t) => (err += t), env: { NPO_STACK_DIR: dir, ...env }, repoRoot: '/nonexistent' });
    return { code, out, err };
  };

  it('status of a stack that is not up: every service stopped, exit 3', async () => {
    const r = await run(['status']);
    expect(r.code).toBe(exitCodes.notReady);
    for (const name of ['kafka', 'school-api', 'event-relay', 'analytics']) expect(r.out).toMatch(new RegExp(`^${name}\\s+stopped`, 'm'));
  });

  it('down of a stack that is not up is a no-op', async () => {
    const r = await run(['down']);
    expect(r.code).toBe(exitCodes.ok);
    expect(r.out).toContain('school-api: not-running');
  });

  it('usage errors exit 2: an unknown service or command', async () => {
    expect((await run(['start', 'postgres'])).code).toBe(exitCodes.usage);
    expect((await run(['sideways'])).code).toBe(exitCodes.usage);
  });

  it('a bad setting exits 1 with the variable named', async () => {
    const r = await run(['status'], { NPO_API_PORT: 'x' });
    expect(r.code).toBe(exitCodes.failed);
    expect(r.err).toContain('BAD_CONFIG');
    expect(r.err).toContain('NPO_API_PORT');
  });
});
