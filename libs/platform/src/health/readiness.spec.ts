import { describe, expect, it } from 'vitest';
import { ReadinessChecks } from './readiness.js';

describe('ReadinessChecks', () => {
  it('is ready with no checks', async () => {
    expect(await new ReadinessChecks().run()).toEqual({ ready: true, checks: {} });
  });

  it('counts a false result, a throw, a rejection and a hang as down, and reports each failure', async () => {
    const failures: string[] = [];
    const checks = new ReadinessChecks()
      .register('ok', () => undefined)
      .register('async-ok', async () => true)
      .register('false', () => false)
      .register('throws', () => {
        throw new Error('db closed');
      })
      .register('rejects', () => Promise.reject(new Error('broker gone')))
      .register('hangs', () => new Promise<void>(() => undefined));
    const report = await checks.run(({ check }) => failures.push(check), 50);
    expect(report).toEqual({
      ready: false,
      checks: { ok: 'up', 'async-ok': 'up', false: 'down', throws: 'down', rejects: 'down', hangs: 'down' },
    });
    expect(failures.sort()).toEqual(['false', 'hangs', 'rejects', 'throws']);
  });

  it('reports not ready once shutting down, even when every check passes', async () => {
    const checks = new ReadinessChecks().register('ok', () => true);
    checks.markShuttingDown();
    expect(await checks.run()).toEqual({ ready: false, checks: { ok: 'up', shutdown: 'down' } });
  });

  it('refuses two checks with one name', () => {
    const checks = new ReadinessChecks().register('store', () => true);
    expect(() => checks.register('store', () => true)).toThrow(/already registered/);
  });
});
