import type { Metafile } from 'esbuild';

type Output = Metafile['outputs'][string];

const javascript = (metafile: Metafile) =>
  Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.mjs'));

/** The npm package a bundled input comes from; workspace code is counted together. */
export const packageOf = (input: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(workspace code)';

/** Bytes of JavaScript deployed: the entry and every chunk (source maps not counted). */
export function shippedBytes(metafile: Metafile): number {
  return javascript(metafile).reduce((sum, [, output]) => sum + output.bytes, 0);
}

/**
 * The outputs a cold start loads: the entry and the chunks it imports statically, not the chunks
 * behind a dynamic `import()` that is never reached.
 */
export function outputsLoadedAtInit(metafile: Metafile): Output[] {
  const outputs = new Map<string, Output>(javascript(metafile));
  // Every dynamically imported chunk is an entry point to esbuild too; the handler's is not in chunks/.
  const entry = [...outputs.keys()].find((path) => !path.includes('chunks/'));
  const loaded = new Map<string, Output>();
  const visit = (path: string) => {
    const output = outputs.get(path);
    if (!output || loaded.has(path)) return;
    loaded.set(path, output);
    for (const { path: imported, kind, external } of output.imports) {
      if (kind === 'import-statement' && !external) visit(imported);
    }
  };
  if (entry) visit(entry);
  return [...loaded.values()];
}

export const loadedAtInitBytes = (metafile: Metafile): number =>
  outputsLoadedAtInit(metafile).reduce((sum, output) => sum + output.bytes, 0);

/** Bytes deployed per npm package (workspace code counted together), largest first. */
export function largestPackages(metafile: Metafile, count: number): { name: string; bytes: number }[] {
  const byPackage = new Map<string, number>();
  for (const [, output] of javascript(metafile)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => ({ name, bytes }));
}
