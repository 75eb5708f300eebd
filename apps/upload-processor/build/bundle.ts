// `nx run upload-processor:bundle`: the Lambda bundle in dist/ (index.mjs, its source map, and
// meta.json for the size check's breakdown).
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleDir, bundleFile, bundleOptions, projectDir } from './bundle-options.ts';

rmSync(bundleDir, { recursive: true, force: true });
const { metafile } = await build(bundleOptions(resolve(projectDir, 'src/handler.ts'), bundleFile));
writeFileSync(resolve(bundleDir, 'meta.json'), JSON.stringify(metafile));
