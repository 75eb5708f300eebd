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
  it('deploys index.mjs, its lazy chunks and their source maps, not the build metafile', () => {
    const bundle = join(dir, 'dist');
    mkdirSync(join(bundle, 'chunks'), { recursive: true });
    for (const file of [
      'index.mjs',
      'index.mjs.map',
      'meta.json',
      'chunks/sts-X.mjs',
      'chunks/sts-X.mjs.map',
    ])
      writeFileSync(join(bundle, file), '{}');
    const outdir = join(dir, 'cdk.out');
    const app = new App({ outdir });
    const stack = new Stack(app, 'Test');
    const code = uploadProcessorCode(stack, bundle);
    expect(code).toBeInstanceOf(lambda.AssetCode);
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
    app.synth();
    const [asset] = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const staged = join(outdir, String(asset));
    expect(readdirSync(staged).sort()).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
    expect(readdirSync(join(staged, 'chunks')).sort()).toEqual(['sts-X.mjs', 'sts-X.mjs.map']);
  });

  it('asks for the S3 location as stack parameters when there is no bundle', () => {
    const stack = new Stack(new App(), 'Test');
    expect(uploadProcessorCode(stack, join(dir, 'no-bundle'))).toBeInstanceOf(lambda.CfnParametersCode);
    expect(stack.node.tryFindChild('UploadProcessorCodeBucket')).toBeDefined();
  });
});
