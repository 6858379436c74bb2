#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// The generator allocates many short-lived objects; a larger young generation cuts GC time by more
// than half. Set before anything is allocated in earnest.
setFlagsFromString('--max-semi-space-size=128');

const { runCli } = await import('./cli/run-cli.js');
process.exitCode = await runCli(process.argv);
