import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtins.has(specifier);

/**
 * Loads Node's built-in modules with `require()` even where the source `import`s them. An ES
 * `import` of a built-in makes Node build an ES module facade of it, which reads every export —
 * `node:http`'s lazy `WebSocket`/`EventSource` getters among them, which load undici: about 30 ms
 * of a cold start for a client that never uses them (measured in bench:lambda). `require()`
 * returns the CommonJS module object and reads nothing.
 */
export const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, kind }) =>
      kind === 'import-statement' && isBuiltin(path)
        ? { path, namespace: 'builtin-through-require' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-through-require' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};
