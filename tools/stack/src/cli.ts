import { Argument, Command, CommanderError } from 'commander';
import { KafkaLocalError } from '@npo/kafka-local';
import { Stack, type ServiceStatus, type StartOutcome } from './stack.js';
import { StackError } from './stack-error.js';
import { stackServiceNames, type StackServiceName } from './stack-settings.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repoRoot: string;
}

/** Exit codes: 0 done, 1 failed, 2 usage, 3 `status`: not everything running and ready. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, notReady: 3 } as const;

function statusTable(statuses: readonly ServiceStatus[]): string {
  const rows = statuses.map((s) => [s.name, s.state, s.pid === null ? '-' : String(s.pid), s.state === 'running' ? (s.ready ? 'ready' : 'not ready') : '-', s.address, s.log]);
  const header = ['service', 'state', 'pid', 'health', 'address', 'log'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function banner(stack: Stack, outcomes: readonly StartOutcome[]): string {
  const p = stack.settings.ports;
  const fresh = outcomes.filter((o) => !o.alreadyRunning).map((o) => `${o.name} ${(o.ms / 1000).toFixed(1)} s`);
  return [
    `NPO full mode (processes, no Docker) — ${stack.settings.dir}`,
    `  School API  http://127.0.0.1:${p.api}        (docs /docs)`,
    `  Analytics   http://127.0.0.1:${p.analytics}        (NPO_FEED=kafka; GET /v1/analytics/status with an ocw token)`,
    `  Relay       http://127.0.0.1:${p.relay}/metrics  (with an admin token)`,
    `  Kafka       127.0.0.1:${p.kafka}              (topic npo.events.v1)`,
    `Tokens: NPO_DATA_DIR=${stack.paths.dataDir} npm run token -- --role ocw   (--role admin for /metrics)`,
    ...(fresh.length > 0 ? [`Started: ${fresh.join(', ')}`] : []),
    'Stop with: npm run stack -- down',
  ].join('\n');
}

/** Parses argv (node, script, ...args) and runs the command; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = exitCodes.ok;
  const open = (forUp = false) => Stack.open(io.env, { repoRoot: io.repoRoot, forUp, log: (line) => io.out(`${line}\n`) });
  const service = new Argument('<service>', 'which service').choices(stackServiceNames);
  const program = new Command('stack')
    .description('Full mode without Docker: Kafka, school-api, event-relay and analytics as processes on 127.0.0.1 (NPO_STACK_DIR, default ./data-stack).')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program
    .command('up')
    .description('build the apps, start what is not running, wait until each is ready')
    .option('--no-build', 'use the apps as built')
    .action(async (options: { build: boolean }) => {
      const stack = await open(true);
      const outcomes = await stack.up({ build: options.build });
      io.out(`${banner(stack, outcomes)}\n`);
    });
  program
    .command('down')
    .description('stop every service (SIGTERM, SIGKILL after NPO_STACK_STOP_TIMEOUT_MS); the data stays')
    .action(async () => {
      await (await open()).down();
    });
  program
    .command('status')
    .description('what runs, with pid, readiness and log file; exit 3 unless everything is ready')
    .option('--json', 'machine-readable')
    .action(async (options: { json?: boolean }) => {
      const statuses = await (await open()).status();
      io.out(options.json ? `${JSON.stringify(statuses, null, 2)}\n` : `${statusTable(statuses)}\n`);
      if (!statuses.every((s) => s.state === 'running' && s.ready)) code = exitCodes.notReady;
    });
  for (const [verb, what] of [
    ['start', 'start one service and wait until it is ready'],
    ['stop', 'stop one service'],
    ['restart', 'stop, then start one service'],
  ] as const) {
    program
      .command(verb)
      .description(what)
      .addArgument(service)
      .action(async (name: StackServiceName) => {
        const stack = await open();
        if (verb === 'stop') await stack.stop(name);
        else await stack[verb](name);
      });
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    if (error instanceof StackError || error instanceof KafkaLocalError) {
      io.err(`stack: ${error.code}: ${error.message}\n`);
      return exitCodes.failed;
    }
    throw error;
  }
}
