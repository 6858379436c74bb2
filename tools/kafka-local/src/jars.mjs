import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pomPath } from './config.mjs';
import { KafkaLocalError } from './errors.mjs';

const run = promisify(execFile);
// Pinned: an unpinned `mvn dependency:...` resolves maven-dependency-plugin 2.8 on Maven 3.8.
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * @param {string} pomText
 * @returns {{ kafka: string, log4j: string }}
 */
export function readPomVersions(pomText) {
  const kafka = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pomText)?.[1];
  const log4j = /<log4j\.version>([^<]+)<\/log4j\.version>/.exec(pomText)?.[1];
  if (!kafka || !log4j) throw new KafkaLocalError('RESOLVE_FAILED', `${pomPath} lacks <kafka.version> or <log4j.version>`);
  return { kafka: kafka.trim(), log4j: log4j.trim() };
}

export function kafkaVersion() {
  return readPomVersions(readFileSync(pomPath, 'utf8')).kafka;
}

/**
 * The jar directory for this exact POM: a changed POM gets a new directory, so a stale set is never used.
 * @param {string} cacheRoot
 */
export function jarCacheDir(cacheRoot) {
  const pom = readFileSync(pomPath, 'utf8');
  const { kafka } = readPomVersions(pom);
  const digest = createHash('sha256').update(pom).digest('hex').slice(0, 12);
  return join(cacheRoot, `${kafka}-${digest}`);
}

/**
 * Copies the broker's runtime jars once into the cache (Maven keeps its own downloads in ~/.m2).
 * The copy goes to a temporary directory that is renamed at the end, so an interrupted run is redone.
 * @param {{ cacheRoot: string, log: (line: string) => void }} options
 * @returns {Promise<import('./index.d.mts').ResolvedJars>}
 */
export async function resolveJars({ cacheRoot, log }) {
  const dir = jarCacheDir(cacheRoot);
  const libs = join(dir, 'libs');
  const marker = join(dir, 'resolved.json');
  const version = kafkaVersion();
  if (existsSync(marker)) return { version, libsDir: libs, classpath: join(libs, '*'), resolvedNow: false, ms: 0 };

  const started = performance.now();
  log(`kafka-local: resolving Kafka ${version} jars with Maven (first run only)...`);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `libs.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const args = ['-B', '-ntp', '-q', '-f', pomPath, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`];
  try {
    await run('mvn', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const out = /** @type {{ stdout?: string, stderr?: string }} */ (e);
    const tail = `${out.stdout ?? ''}\n${out.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new KafkaLocalError('RESOLVE_FAILED', `mvn ${args.join(' ')} failed:\n${tail}`, { cause: e });
  }
  const jars = readdirSync(tmp).filter((f) => f.endsWith('.jar'));
  const mismatch = log4jMismatch(jars);
  if (mismatch) log(`kafka-local: warning: ${mismatch}`);
  rmSync(libs, { recursive: true, force: true });
  renameSync(tmp, libs);
  const ms = Math.round(performance.now() - started);
  writeFileSync(marker, `${JSON.stringify({ version, jars: jars.length, resolvedAt: new Date().toISOString(), ms }, null, 2)}\n`);
  log(`kafka-local: ${jars.length} jars resolved in ${(ms / 1000).toFixed(1)}s into ${libs}`);
  return { version, libsDir: libs, classpath: join(libs, '*'), resolvedNow: true, ms };
}

/**
 * The SLF4J bridge must be the same log4j release as log4j-core, or logging breaks at start-up.
 * @param {readonly string[]} jarNames
 * @returns {string | undefined}
 */
export function log4jMismatch(jarNames) {
  const version = (/** @type {string} */ artifact) =>
    jarNames.map((n) => new RegExp(`^${artifact}-(\\d[^-]*)\\.jar$`).exec(n)?.[1]).find((v) => v !== undefined);
  const core = version('log4j-core');
  const bridge = version('log4j-slf4j-impl');
  if (!core || !bridge) return `missing ${core ? 'log4j-slf4j-impl' : 'log4j-core'} among the resolved jars`;
  return core === bridge ? undefined : `log4j-slf4j-impl ${bridge} differs from log4j-core ${core}: set <log4j.version> to ${core}`;
}
