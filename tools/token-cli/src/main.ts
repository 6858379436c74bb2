#!/usr/bin/env node
import { runTokenCli } from './token-cli.js';

process.exitCode = await runTokenCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
