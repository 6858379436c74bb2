#!/usr/bin/env node
import { runAnalyticsCli } from './cli.js';

process.exitCode = await runAnalyticsCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
