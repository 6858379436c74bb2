#!/usr/bin/env node
import { rebuildEvents, rebuildFixture } from './index.js';

/*
 * Generates (or finds) the analytics-rebuild fixture without measuring anything, so the minutes it takes
 * can run outside the machine-wide benchmark lock:
 *   node tools/bench/dist/benchmarks/analytics-rebuild/fixture-main.js [events]
 */
const events = process.argv[2] === undefined ? rebuildEvents(false) : Number(process.argv[2]);
if (!Number.isInteger(events) || events < 1) throw new Error(`events must be an integer >= 1, got ${process.argv[2]}`);
const fixture = await rebuildFixture(events);
console.log(JSON.stringify(fixture, null, 2));
