#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.js';

// dist/main.js (or src/main.ts) sits three levels below the repository root.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
process.exitCode = await runCli(process.argv, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  repoRoot,
});
