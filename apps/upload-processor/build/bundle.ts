// `nx run upload-processor:bundle`: the Lambda bundle in dist/ (index.mjs, chunks/, source maps, and
// meta.json for the size check's breakdown).
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleDir, bundleOptions, metafileName, projectDir } from './bundle-options.ts';

rmSync(bundleDir, { recursive: true, force: true });
const { metafile } = await build(bundleOptions(resolve(projectDir, 'src/handler.ts'), bundleDir));
writeFileSync(resolve(bundleDir, metafileName), JSON.stringify(metafile));
