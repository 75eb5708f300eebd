import { resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { builtinsThroughRequire } from './builtins-through-require.ts';

export const projectDir = resolve(import.meta.dirname, '..');
/** What is deployed: `index.mjs` (Lambda loads it and calls `handler`: `_HANDLER=index.handler`), `chunks/`, source maps. */
export const bundleDir = resolve(projectDir, 'dist');
export const bundleFile = resolve(bundleDir, 'index.mjs');
export const handlerName = 'index.handler';
/** esbuild's metafile, next to the bundle for the size check; not deployed. */
export const metafileName = 'meta.json';

/**
 * How a Lambda handler is bundled here, for nodejs24.x: minified ESM with source maps, every
 * dependency inside, the AWS SDK v3 included (tree-shaken) rather than taken from the runtime, so
 * the deployed SDK is the version the tests ran against. Code reached only through a dynamic
 * `import()` is split into `chunks/`, loaded if and when it is reached: the SDK's default
 * credential chain imports its SSO, shared-config, process and web-identity providers that way,
 * and in Lambda the chain stops at the first link (the execution role's keys in the environment),
 * so cold starts do not compile them. The benchmark bundles its minimal handler with the same options.
 */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
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
