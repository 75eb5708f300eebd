// Writes params/params.env, the overlays' account-specific values, from the CDK app's outputs:
//   node bin/write-params.ts --outputs <cdk outputs file> --image-tag <tag> [--out <file>]
// The outputs file is what `cdk deploy --outputs-file <file>` writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { paramsEnvFile, paramsFromCdkOutputs } from '../src/cdk-params.ts';
import { k8sRoot } from '../src/paths.ts';
import { validatedKubernetesVersion } from '../src/validate-manifests.ts';

const usage = 'usage: write-params.ts --outputs <cdk outputs file> --image-tag <tag> [--out <params.env>]';

try {
  const { values } = parseArgs({
    options: {
      outputs: { type: 'string' },
      'image-tag': { type: 'string' },
      out: { type: 'string', default: join(k8sRoot, 'params', 'params.env') },
    },
  });
  if (!values.outputs || !values['image-tag']) throw new Error(usage);
  const params = paramsFromCdkOutputs(JSON.parse(readFileSync(values.outputs, 'utf8')), {
    imageTag: values['image-tag'],
    validatedVersion: validatedKubernetesVersion(),
  });
  writeFileSync(values.out, paramsEnvFile(params));
  console.log(`wrote ${values.out}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
