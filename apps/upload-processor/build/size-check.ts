// `nx run upload-processor:size-check` (after `bundle`): fails when the bundle outgrows its budget,
// and says which packages take the space.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { BUDGET_BYTES } from './budget.ts';
import { bundleDir, bundleFile } from './bundle-options.ts';
import { largestPackages } from './bundle-report.ts';

const size = statSync(bundleFile).size;
const metafile = JSON.parse(readFileSync(resolve(bundleDir, 'meta.json'), 'utf8')) as Metafile;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = size <= BUDGET_BYTES ? 'within' : 'OVER';
process.stdout.write(`bundle ${kb(size)}: ${verdict} the budget of ${kb(BUDGET_BYTES)}\n`);
for (const { name, bytes } of largestPackages(metafile, 12))
  process.stdout.write(`  ${kb(bytes).padStart(9)}  ${name}\n`);
if (size > BUDGET_BYTES) process.exit(1);
