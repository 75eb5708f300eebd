import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { expect, test } from 'vitest';
import { loadedAtInitBytes, outputsLoadedAtInit, packageOf, shippedBytes } from '../build/bundle-report.ts';

// Written by the `bundle` target, which `test` depends on.
const metafile = JSON.parse(readFileSync(join(import.meta.dirname, '../dist/meta.json'), 'utf8')) as Metafile;

test('loads Node built-ins with require(), not import (no ES module facades at cold start)', () => {
  const external = Object.entries(metafile.outputs)
    .filter(([path]) => path.endsWith('.mjs'))
    .flatMap(([, output]) => output.imports.filter((entry) => entry.external));
  // (The banner's own `import { createRequire }` is added as text, outside the metafile.)
  expect(external.filter((entry) => entry.kind === 'import-statement').map((entry) => entry.path)).toEqual(
    [],
  );
  expect(external.filter((entry) => entry.kind === 'require-call').map((entry) => entry.path)).toEqual(
    expect.arrayContaining(['node:http', 'node:https', 'node:crypto', 'node:stream']),
  );
});

test('keeps the credential providers Lambda never reaches out of what a cold start loads', () => {
  const packagesAtInit = new Set(
    outputsLoadedAtInit(metafile).flatMap((output) => Object.keys(output.inputs).map(packageOf)),
  );
  // The first link of the default chain, the one Lambda's environment answers, is loaded...
  expect(packagesAtInit).toContain('@aws-sdk/credential-provider-node');
  // ...the links after it are chunks, loaded only if the chain ever reaches them.
  for (const lazy of [
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/nested-clients',
  ])
    expect(packagesAtInit).not.toContain(lazy);
  expect(loadedAtInitBytes(metafile)).toBeLessThan(shippedBytes(metafile));
});

test('takes only the context from @keyless/service: no process handling, no OpenTelemetry SDK', () => {
  const bundled = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
  expect(bundled.filter((path) => path.includes('libs/service/')).sort()).toEqual([
    '../../libs/service/src/service-context.ts',
    '../../libs/service/src/service-env.ts',
  ]);
  expect(bundled.filter((path) => /@opentelemetry\/(sdk-|exporter-|instrumentation)/.test(path))).toEqual([]);
});
