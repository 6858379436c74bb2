// `node --conditions=@npo/source --import <this file> script.ts` runs workspace TypeScript without a
// build: child processes in integration tests use it (Node 20 cannot strip types itself).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
