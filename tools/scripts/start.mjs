#!/usr/bin/env node
// `npm start`: the embedded mode. Builds what it runs, checks the configuration, seeds demo data into an
// empty store (NPO_DEMO=1, the default here), starts the services as child processes on loopback,
// prints URLs and demo tokens, and stops them all on Ctrl-C, SIGTERM, or when its parent goes away.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const join = (...parts) => resolve(root, ...parts);
// `npm run token` runs in the repository root, so this is the data dir it finds without being told.
const defaultDataDir = join('data');
const env = {
  ...process.env,
  // Empty counts as unset, as in the platform's configuration.
  NPO_DATA_DIR: resolve(process.env.NPO_DATA_DIR || defaultDataDir),
  NPO_DEMO: process.env.NPO_DEMO ?? '1',
  // Request logs would bury the URLs and tokens printed below; NPO_LOG_LEVEL=info brings them back.
  NPO_LOG_LEVEL: process.env.NPO_LOG_LEVEL ?? 'warn',
};

/** Child processes of the services, once started. */
const children = [];
let stopping = false;
/** How long the services get to close before they are killed, so none is left holding its port. */
const STOP_GRACE_MS = 10_000;

// npm runs this script through `sh -c`; a SIGTERM to npm (from a supervisor, `timeout`, `kill <pid>`)
// ends that shell without passing the signal on. This process is then re-parented (to init, launchd
// or a subreaper) and nobody would ever stop the services, which keep their ports. No signal or pipe
// tells a process that its parent died on both Linux and macOS, so watch the parent's pid change.
const parentPid = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid === parentPid) return;
  process.stderr.write('npm start: its parent process is gone; stopping the services.\n');
  stop(0);
}, 500).unref();

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  clearInterval(parentWatch);
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill('SIGTERM');
  setTimeout(() => {
    for (const c of running) {
      if (c.exitCode === null && c.signalCode === null) {
        process.stderr.write(`${c.npoName} did not stop within ${STOP_GRACE_MS / 1000} s; killing it.\n`);
        c.kill('SIGKILL');
      }
    }
    process.exit(code);
  }, STOP_GRACE_MS).unref();
  Promise.all(running.map((c) => new Promise((r) => c.once('exit', r)))).then(() => process.exit(code));
}
// With the terminal or a pipe reader gone, a failed write must not crash this process before it has
// stopped the services.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

const services = [
  { name: 'school-api', project: '@npo/school-api', entry: 'apps/school-api/dist/main.js' },
  { name: 'analytics', project: '@npo/analytics', entry: 'apps/analytics/dist/main.js' },
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

// Before anything is written: a bad variable must not leave a half-seeded data dir behind.
const { loadConfigOrExit, TokenService } = await import('@npo/platform');
const config = loadConfigOrExit(env);
const ports = { 'school-api': config.apiPort, analytics: config.analyticsPort };

mkdirSync(env.NPO_DATA_DIR, { recursive: true });
if (env.NPO_DEMO === '1') {
  const seed = spawnSync(process.execPath, [join('tools/sim/dist/main.js'), '--scale', 'demo', '--target', 'store', '--data-dir', env.NPO_DATA_DIR, '--if-empty'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (seed.status !== 0) process.exit(seed.status ?? 1);
}

const tokens = await TokenService.fromDataDir(env.NPO_DATA_DIR);
// The parent may have gone during the build or the seed: stop() exits, so start nothing.
if (stopping) await new Promise(() => undefined);
// Not earlier: during the build and the seed, which block this process, a handler would only run once
// they are done, while node's default ends it at once.
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

for (const s of services) {
  const child = spawn(process.execPath, [join(s.entry)], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.npoName = s.name;
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${s.name} exited (${signal ?? code}); stopping.\n`);
      stop(1);
    }
  });
  children.push(child);
}

async function waitReady(url) {
  for (let i = 0; i < 300 && !stopping; i++) {
    try {
      // Bounded: whatever else may hold the port could accept and never answer.
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

for (const s of services) {
  if (!(await waitReady(`http://127.0.0.1:${ports[s.name]}/health/ready`))) {
    if (!stopping) {
      process.stderr.write(`${s.name} did not become ready on port ${ports[s.name]}.\n`);
      stop(1);
    }
    // stop() exits once the services are down; nothing below may run meanwhile.
    await new Promise(() => undefined);
  }
}

/** A word the shell takes as it is, quoted only when it has to be. */
const shellWord = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
const dataDirFlag = env.NPO_DATA_DIR === defaultDataDir ? '' : ` --data-dir ${shellWord(env.NPO_DATA_DIR)}`;
// Shell variables, so the curl lines below run as printed once these lines are pasted.
const demo = {
  SCHOOL_16SW: await tokens.issueToken({ role: 'school', brin: '16SW', sub: '16SW' }, { expiresIn: '12h' }),
  OCW: await tokens.issueToken({ role: 'ocw', sub: 'demo-ocw' }, { expiresIn: '12h' }),
  GEMEENTE_GM0074: await tokens.issueToken({ role: 'gemeente', gemeente: 'GM0074', sub: 'GM0074' }, { expiresIn: '12h' }),
};
const api = `http://127.0.0.1:${ports['school-api']}`;
const analytics = `http://127.0.0.1:${ports.analytics}`;
process.stdout.write(`
NPO evidence platform (embedded mode) — data in ${env.NPO_DATA_DIR}
  School API   ${api}        docs ${api}/docs   OpenAPI ${api}/openapi.json
  Analytics    ${analytics}   docs ${analytics}/docs   OpenAPI ${analytics}/openapi.json
               national report ${analytics}/v1/reports/national (.csv)   evidence ${analytics}/v1/reports/evidence
Demo tokens, valid 12 h (paste these lines into your shell for the examples below):
${Object.entries(demo)
  .map(([name, token]) => `  ${name}=${token}`)
  .join('\n')}
More tokens: npm run token -- --role school --brin 16SW${dataDirFlag}
Try:
  curl ${analytics}/v1/reports/national
  curl -H "Authorization: Bearer $GEMEENTE_GM0074" ${analytics}/v1/reports/gemeenten/GM0074
  curl -H "Authorization: Bearer $OCW" ${api}/v1/schools/16SW
Ctrl-C stops everything.
`);
