// `node --conditions=@npo/source --import <this file> script.ts` runs workspace TypeScript without a
// build (Node 20 cannot strip types): the crash tests run their child processes this way.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
