import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { expect, test } from 'vitest';

// Written by the `bundle` target, which `test` depends on.
const metafile = JSON.parse(readFileSync(join(import.meta.dirname, '../dist/meta.json'), 'utf8')) as Metafile;
const [bundle] = Object.values(metafile.outputs).filter((output) => output.entryPoint !== undefined);

test('loads Node built-ins with require(), not import (no ES module facades at cold start)', () => {
  const external = bundle?.imports.filter((entry) => entry.external) ?? [];
  // (The banner's own `import { createRequire }` is added as text, outside the metafile.)
  expect(external.filter((entry) => entry.kind === 'import-statement').map((entry) => entry.path)).toEqual(
    [],
  );
  expect(external.filter((entry) => entry.kind === 'require-call').map((entry) => entry.path)).toEqual(
    expect.arrayContaining(['node:http', 'node:https', 'node:crypto', 'node:stream']),
  );
});
