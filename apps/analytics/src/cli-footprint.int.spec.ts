import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const builtCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// A resolve hook that prints every module the built CLI loads, one URL per line.
const hook = `
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stdout.write('loaded ' + resolved.url + '\\n');
  return resolved;
}`;
const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;

/*
 * The rebuild's peak resident size is one of its targets (500 MB at 5M events). Nest, Fastify, the
 * release worker's HiGHS and the report code cost ~45 MB resident before a single event is read, and
 * the CLI needs none of them: it must reach the model without going through the service's modules.
 */
describe('rebuild CLI footprint (built dist)', () => {
  it('loads neither the service framework nor the release and report code', async () => {
    expect(existsSync(builtCli), `build the app first (npx nx run @npo/analytics:build): ${builtCli}`).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '-e', `await import(${JSON.stringify(builtCli)})`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const loaded = stdout.split('\n').filter((line) => line.startsWith('loaded ')).map((line) => line.slice('loaded '.length));
    // The hook sees the model, so an empty list would mean it saw nothing.
    expect(loaded.some((url) => url.includes('/analytics/model/'))).toBe(true);
    const heavy = loaded.filter((url) => /\/(@nestjs|fastify|highs|prom-client)\/|\/analytics\/(releases|reports)\/|\/platform\/dist\/index\.js$/.test(url));
    expect(heavy).toEqual([]);
  });
});
