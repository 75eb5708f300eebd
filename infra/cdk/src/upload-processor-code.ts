import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnParameter } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export const BUNDLE_ENTRY = 'index.mjs';

/**
 * The upload-processor's code: the bundle `nx run upload-processor:bundle` writes (esbuild, no
 * Docker; `index.mjs`, its lazily loaded `chunks/` and their source maps — not the build's
 * metafile) when it exists; otherwise an S3
 * location given as stack parameters at deploy time, so the infrastructure synthesizes without it.
 */
export function uploadProcessorCode(scope: Construct, bundleDir: string): lambda.Code {
  if (existsSync(join(bundleDir, BUNDLE_ENTRY))) {
    return lambda.Code.fromAsset(bundleDir, { exclude: ['meta.json'] });
  }
  return lambda.Code.fromCfnParameters({
    bucketNameParam: new CfnParameter(scope, 'UploadProcessorCodeBucket', {
      description: 'S3 bucket holding the upload-processor bundle (zip with index.mjs)',
    }),
    objectKeyParam: new CfnParameter(scope, 'UploadProcessorCodeKey', {
      description: 'S3 key of the upload-processor bundle',
    }),
  });
}
