#!/usr/bin/env node
// npm run kafka -- start|stop|status|restart|reset|classpath [--json] [--kill]
// Plain JavaScript on purpose: CI starts the broker before anything in the workspace is built.
import { join } from 'node:path';
import { KafkaLocalError, isPrerequisiteCode } from '../src/errors.mjs';
import { reset, restart, start, status, stop } from '../src/broker.mjs';
import { resolveJars } from '../src/jars.mjs';
import { resolveOptions } from '../src/config.mjs';
import { checkPrerequisites } from '../src/prerequisites.mjs';

const EXIT = { ok: 0, failed: 1, usage: 2, notRunning: 3, prerequisites: 4 };
const USAGE = `usage: npm run kafka -- <command> [--json]

  start      resolve the jars (first time), format storage (first time), start the broker, wait until ready
  stop       SIGTERM and wait (SIGKILL after KAFKA_STOP_TIMEOUT_MS); --kill sends SIGKILL at once
  status     print running/starting/stopped (exit 3 when stopped)
  restart    stop, then start on the same data
  reset      stop and delete the state directory (all topics and offsets)
  classpath  resolve the jars and print the java classpath

env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_LOCAL_DIR (<repo>/.kafka-local),
     KAFKA_HEAP (512m), KAFKA_READY_TIMEOUT_MS (90000), KAFKA_STOP_TIMEOUT_MS (30000), KAFKA_LOCAL_CACHE`;

const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-'));
const json = args.includes('--json');
const log = (/** @type {string} */ line) => console.error(line);

/** @param {unknown} value */
function print(value) {
  console.log(JSON.stringify(value, null, 2));
}

async function main() {
  switch (command) {
    case 'start': {
      const b = await start({ log });
      if (json) print(b);
      else console.log(b.startedHere ? `kafka running: ${b.bootstrap} (Kafka ${b.version}, pid ${b.pid}, jars ${(b.timings.jarsMs / 1000).toFixed(1)}s, start to ready ${(b.timings.readyMs / 1000).toFixed(1)}s)` : `kafka already running: ${b.bootstrap} (pid ${b.pid})`);
      return EXIT.ok;
    }
    case 'stop': {
      const r = await stop({ log }, { signal: args.includes('--kill') ? 'SIGKILL' : 'SIGTERM' });
      if (json) print(r);
      else console.log(r.wasRunning ? `kafka stopped (pid ${r.pid}${r.killed ? ', killed' : ''})` : 'kafka was not running');
      return EXIT.ok;
    }
    case 'restart': {
      const b = await restart({ log });
      if (json) print(b);
      else console.log(`kafka running: ${b.bootstrap} (pid ${b.pid})`);
      return EXIT.ok;
    }
    case 'status': {
      const s = await status();
      if (json) print(s);
      else if (s.state === 'stopped') console.log(`stopped (state dir ${s.stateDir})`);
      else console.log(`${s.state}: ${s.bootstrap} (Kafka ${s.version}, pid ${s.pid}, since ${s.startedAt}, log ${s.logFile})`);
      return s.state === 'stopped' ? EXIT.notRunning : EXIT.ok;
    }
    case 'reset': {
      await reset({ log });
      console.log('kafka stopped and its state deleted');
      return EXIT.ok;
    }
    case 'classpath': {
      await checkPrerequisites();
      const o = resolveOptions({ log });
      const jars = await resolveJars({ cacheRoot: o.cacheRoot, log });
      console.log(json ? JSON.stringify(jars, null, 2) : join(jars.libsDir, '*'));
      return EXIT.ok;
    }
    case undefined:
    case 'help':
      console.log(USAGE);
      return command ? EXIT.ok : EXIT.usage;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  if (e instanceof KafkaLocalError) {
    console.error(`kafka-local: ${e.code}: ${e.message}`);
    process.exitCode = isPrerequisiteCode(e.code) ? EXIT.prerequisites : EXIT.failed;
  } else {
    console.error(e);
    process.exitCode = EXIT.failed;
  }
}
