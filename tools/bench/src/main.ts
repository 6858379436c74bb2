#!/usr/bin/env node
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { benchmarks } from './benchmarks/registry.js';
import { describeMachine, toMarkdown, writeReport } from './harness/report.js';
import { runBenchmark, workerMain } from './harness/runner.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an integer >= 1');
  return n;
};

async function cli(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('bench')
    .description('Benchmarks against peers, measured side by side in the same run. Results: bench-results/<name>.json')
    .argument('[names...]', `benchmarks to run (default: all): ${benchmarks.map((b) => b.name).join(', ')}`)
    .option('--runs <n>', 'measured runs per contender and workload', positiveInt, 3)
    .option('--quick', 'smaller workloads and shorter time-outs (a smoke run, not a measurement)', false)
    .option('--out <dir>', 'directory for the JSON results', resolve(repoRoot, 'bench-results'))
    .option('--list', 'list the benchmarks and exit', false)
    .parse([...argv]);
  const opts = program.opts<{ runs: number; quick: boolean; out: string; list: boolean }>();
  if (opts.list) {
    for (const b of benchmarks) console.log(`${b.name}\t${b.description}`);
    return;
  }
  const names = program.args;
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) program.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${benchmarks.map((b) => b.name).join(', ')})`);
  const selected = names.length === 0 ? benchmarks : benchmarks.filter((b) => names.includes(b.name));
  const command = ['npm run bench --', ...argv.slice(2)].join(' ').replace(/ --$/, '');
  for (const benchmark of selected) {
    let result;
    try {
      result = await runBenchmark(benchmark, { runs: opts.runs, quick: opts.quick, log: (line) => console.error(line) });
    } catch (error) {
      // A failed preflight (e.g. no broker): the other benchmarks still run, the exit status says it.
      console.error(`[${benchmark.name}] not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
      continue;
    }
    const report = { ...result, command, machine: describeMachine() };
    const file = await writeReport(opts.out, report, benchmark.resultsName?.() ?? benchmark.name);
    console.log(`\n${toMarkdown(report)}\n\nResults: ${file}\n`);
  }
}

if (process.argv[2] === '__worker') {
  await workerMain(benchmarks, process.argv[3] ?? '{}');
} else {
  await cli(process.argv);
}
