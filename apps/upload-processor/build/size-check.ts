// `nx run upload-processor:size-check` (after `bundle`): fails when the bundle outgrows its budget,
// and says what a cold start loads and which packages take the space.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { BUDGET_BYTES } from './budget.ts';
import { bundleDir, metafileName } from './bundle-options.ts';
import { largestPackages, loadedAtInitBytes, shippedBytes } from './bundle-report.ts';

const metafile = JSON.parse(readFileSync(resolve(bundleDir, metafileName), 'utf8')) as Metafile;
const size = shippedBytes(metafile);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
process.stdout.write(`bundle ${kb(size)}: ${verdict} the budget of ${kb(BUDGET_BYTES)}\n`);
process.stdout.write(
  `  loaded at cold start: ${kb(loadedAtInitBytes(metafile))} (the rest is in lazy chunks)\n`,
);
for (const { name, bytes } of largestPackages(metafile, 12))
  process.stdout.write(`  ${kb(bytes).padStart(9)}  ${name}\n`);
if (size > BUDGET_BYTES) process.exit(1);
