#!/usr/bin/env node
// `npm start`: the embedded mode. Builds what it runs, seeds demo data into an empty store (NPO_DEMO=1,
// the default here), starts the services as child processes on loopback, prints URLs and demo tokens,
// and stops them all on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const join = (...parts) => resolve(root, ...parts);
const env = {
  ...process.env,
  NPO_DATA_DIR: resolve(process.env.NPO_DATA_DIR ?? join('data')),
  NPO_DEMO: process.env.NPO_DEMO ?? '1',
  // Request logs would bury the URLs and tokens printed below; NPO_LOG_LEVEL=info brings them back.
  NPO_LOG_LEVEL: process.env.NPO_LOG_LEVEL ?? 'warn',
};

const services = [
  { name: 'school-api', project: '@npo/school-api', entry: 'apps/school-api/dist/main.js', port: Number(env.NPO_API_PORT ?? 3000) },
  { name: 'analytics', project: '@npo/analytics', entry: 'apps/analytics/dist/main.js', port: Number(env.NPO_ANALYTICS_PORT ?? 3001) },
];
const tools = ['@npo/token-cli', '@npo/sim'];

const nxEnv = { ...env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
process.stdout.write('Building (first run takes a minute)...\n');
const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', `--projects=${[...services.map((s) => s.project), ...tools].join(',')}`, '--output-style=static'], {
  cwd: root,
  env: nxEnv,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  process.stderr.write(`${build.stdout}${build.stderr}\nBuild failed.\n`);
  process.exit(1);
}
mkdirSync(env.NPO_DATA_DIR, { recursive: true });

if (env.NPO_DEMO === '1') {
  const seed = spawnSync(process.execPath, [join('tools/sim/dist/main.js'), '--scale', 'demo', '--target', 'store', '--data-dir', env.NPO_DATA_DIR, '--if-empty'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (seed.status !== 0) process.exit(seed.status ?? 1);
}

const { TokenService } = await import('@npo/platform');
const tokens = await TokenService.fromDataDir(env.NPO_DATA_DIR);

const children = services.map((s) => {
  const child = spawn(process.execPath, [join(s.entry)], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${s.name} exited (${signal ?? code}); stopping.\n`);
      stop(1);
    }
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

for (const s of services) {
  if (!(await waitReady(`http://127.0.0.1:${s.port}/health/ready`))) {
    process.stderr.write(`${s.name} did not become ready on port ${s.port}.\n`);
    stop(1);
  }
}

const demo = {
  'school 16SW': await tokens.issueToken({ role: 'school', brin: '16SW', sub: '16SW' }, { expiresIn: '12h' }),
  ocw: await tokens.issueToken({ role: 'ocw', sub: 'demo-ocw' }, { expiresIn: '12h' }),
  'gemeente GM0074': await tokens.issueToken({ role: 'gemeente', gemeente: 'GM0074', sub: 'GM0074' }, { expiresIn: '12h' }),
};
const api = `http://127.0.0.1:${services[0].port}`;
const analytics = `http://127.0.0.1:${services[1].port}`;
process.stdout.write(`
NPO evidence platform (embedded mode) — data in ${env.NPO_DATA_DIR}
  School API   ${api}        docs ${api}/docs   OpenAPI ${api}/openapi.json
  Analytics    ${analytics}   docs ${analytics}/docs   OpenAPI ${analytics}/openapi.json
               national report ${analytics}/v1/reports/national (.csv)   evidence ${analytics}/v1/reports/evidence
Demo tokens (12 h; more with: npm run token -- --role school --brin 16SW):
${Object.entries(demo)
  .map(([who, t]) => `  ${who.padEnd(16)} ${t}`)
  .join('\n')}
Try: curl ${analytics}/v1/reports/national
     curl -H "Authorization: Bearer <gemeente token>" ${analytics}/v1/reports/gemeenten/GM0074
     curl -H "Authorization: Bearer <ocw token>" ${api}/v1/schools/16SW
Ctrl-C stops everything.
`);
