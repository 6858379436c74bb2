import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaLocalError } from './errors.mjs';

const run = promisify(execFile);
export const MIN_JAVA = 17;
const INSTALL_HINT = 'On Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless maven';

/** JAVA_HOME wins over PATH, as in Kafka's own start scripts. */
export function javaBinary(env = process.env) {
  const home = env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

/**
 * The major version from `java -version` output: `"17.0.15"` -> 17, `"1.8.0_392"` -> 8, `"21"` -> 21.
 * @param {string} output
 * @returns {number | undefined}
 */
export function parseJavaMajor(output) {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/**
 * Java 17+ for the broker, Maven for resolving its jars.
 * @returns {Promise<import('./index.d.mts').Prerequisites>}
 */
export async function checkPrerequisites(env = process.env) {
  const java = javaBinary(env);
  let javaOut;
  try {
    const r = await run(java, ['-version'], { env });
    javaOut = `${r.stderr}${r.stdout}`;
  } catch (e) {
    throw new KafkaLocalError('JAVA_MISSING', `Java ${MIN_JAVA} or newer is needed for the Kafka broker, and "${java}" could not be run. ${INSTALL_HINT}`, { cause: e });
  }
  const major = parseJavaMajor(javaOut);
  if (major === undefined || major < MIN_JAVA) {
    const first = javaOut.split('\n')[0] ?? '';
    throw new KafkaLocalError('JAVA_TOO_OLD', `Kafka 4 needs Java ${MIN_JAVA} or newer; "${java}" reports: ${first.trim()}. ${INSTALL_HINT}`);
  }
  let mavenOut;
  try {
    const r = await run('mvn', ['-v', '-B'], { env });
    mavenOut = r.stdout;
  } catch (e) {
    throw new KafkaLocalError('MAVEN_MISSING', `Maven ("mvn") is needed to resolve the Kafka jars from Maven Central and was not found. ${INSTALL_HINT}`, { cause: e });
  }
  // ANSI colour codes appear even in batch mode on some Maven builds.
  const maven = (mavenOut.split('\n')[0] ?? '').replace(/\u001b\[[0-9;]*m/g, '').trim();
  return { java, javaMajor: major, maven };
}
