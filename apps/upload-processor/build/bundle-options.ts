import { resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { builtinsThroughRequire } from './builtins-through-require.ts';

export const projectDir = resolve(import.meta.dirname, '..');
export const bundleDir = resolve(projectDir, 'dist');
/** Lambda loads `index.mjs` and calls its `handler` export: `_HANDLER=index.handler`. */
export const bundleFile = resolve(bundleDir, 'index.mjs');
export const handlerName = 'index.handler';

/**
 * How a Lambda handler is bundled here, for nodejs24.x: one minified ESM file with its source map,
 * every dependency inside, the AWS SDK v3 included (tree-shaken) rather than taken from the
 * runtime, so the deployed SDK is the version the tests ran against. The benchmark bundles its
 * minimal handler with the same options.
 */
export function bundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: true,
    // Stack traces need the mappings, not a copy of every source file.
    sourcesContent: false,
    // The SDK's packages list their CommonJS build under `main` and their ES modules under
    // `module`; esbuild prefers `main` for Node, and only the ES modules can be tree-shaken.
    mainFields: ['module', 'main'],
    metafile: true,
    // Some dependencies still call require(); give the ESM bundle a working one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    plugins: [builtinsThroughRequire],
    logLevel: 'warning',
  };
}
