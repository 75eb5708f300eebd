import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { uploadProcessorCode } from '../src/upload-processor-code.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyless-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('uploadProcessorCode', () => {
  it('deploys only index.mjs and its source map from the bundle directory', () => {
    const bundle = join(dir, 'dist');
    mkdirSync(bundle);
    for (const file of ['index.mjs', 'index.mjs.map', 'meta.json']) writeFileSync(join(bundle, file), '{}');
    const outdir = join(dir, 'cdk.out');
    const app = new App({ outdir });
    const stack = new Stack(app, 'Test');
    const code = uploadProcessorCode(stack, bundle);
    expect(code).toBeInstanceOf(lambda.AssetCode);
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
    app.synth();
    const [asset] = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(readdirSync(join(outdir, String(asset))).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  });

  it('asks for the S3 location as stack parameters when there is no bundle', () => {
    const stack = new Stack(new App(), 'Test');
    expect(uploadProcessorCode(stack, join(dir, 'no-bundle'))).toBeInstanceOf(lambda.CfnParametersCode);
    expect(stack.node.tryFindChild('UploadProcessorCodeBucket')).toBeDefined();
  });
});
