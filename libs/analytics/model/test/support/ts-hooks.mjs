// Node module hooks: transpile .ts files one at a time with TypeScript (types are dropped, not
// checked), and let NodeNext-style `./x.js` imports find `./x.ts` before a build exists.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fromTs = context.parentURL !== undefined && context.parentURL.endsWith('.ts');
    if (fromTs && specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(specifier.replace(/\.js$/, '.ts'), context);
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
