// `node --conditions=@npo/source --import <this file> child.ts`: runs workspace TypeScript without a
// build (Node 20 cannot strip types), for the child processes of the fault tests.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
