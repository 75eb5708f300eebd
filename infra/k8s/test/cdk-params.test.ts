import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { paramsEnvFile, paramsFromCdkOutputs } from '../src/cdk-params.ts';
import { cdkOutputsFile, deployedValues, renderOverlays, runBin } from './support/rendered-overlays.ts';

const outputs = () => cdkOutputsFile();
const options = { imageTag: deployedValues.imageTag, validatedVersion: '1.35' };
const scratch = renderOverlays();
afterAll(() => scratch.remove());

describe('paramsFromCdkOutputs', () => {
  test('reads the role, repository, bucket and ledger proxy outputs; the Region comes from the repository', () => {
    expect(paramsFromCdkOutputs(outputs(), options)).toEqual({
      USAGE_REPORTER_ROLE_ARN: deployedValues.roleArn,
      USAGE_REPORTER_IMAGE: `${deployedValues.repositoryUri}:${deployedValues.imageTag}`,
      FILES_BUCKET: deployedValues.filesBucket,
      AWS_REGION: 'eu-west-1',
      LEDGER_PROXY_HOST: deployedValues.ledgerProxyHost,
    });
  });

  test('names a missing output', () => {
    const file = outputs();
    delete file['keyless-eks']?.UsageReporterRoleArn;
    expect(() => paramsFromCdkOutputs(file, options)).toThrow(
      'the CDK outputs have no keyless-eks.UsageReporterRoleArn',
    );
  });

  test('names a malformed output', () => {
    const file = outputs();
    (file['keyless-pipeline'] as Record<string, string>).RepositoryUriusagereporter =
      'docker.io/library/node';
    expect(() => paramsFromCdkOutputs(file, options)).toThrow(
      'keyless-pipeline.RepositoryUriusagereporter: expected an ECR repository URI',
    );
  });

  test('refuses a cluster version the manifests were not validated against', () => {
    expect(() => paramsFromCdkOutputs(outputs(), { ...options, validatedVersion: '1.34' })).toThrow(
      'the cluster runs Kubernetes 1.35, the manifests are validated against 1.34',
    );
  });

  test('refuses a tag the registry would not accept', () => {
    expect(() => paramsFromCdkOutputs(outputs(), { ...options, imageTag: 'latest; rm -rf /' })).toThrow(
      'bad image tag',
    );
  });

  test('writes KEY=value lines for kustomize', () => {
    expect(paramsEnvFile(paramsFromCdkOutputs(outputs(), options)).split('\n').slice(1, -1)).toEqual([
      `USAGE_REPORTER_ROLE_ARN=${deployedValues.roleArn}`,
      `USAGE_REPORTER_IMAGE=${deployedValues.repositoryUri}:${deployedValues.imageTag}`,
      `FILES_BUCKET=${deployedValues.filesBucket}`,
      'AWS_REGION=eu-west-1',
      `LEDGER_PROXY_HOST=${deployedValues.ledgerProxyHost}`,
    ]);
  });
});

describe('bin/write-params.ts', () => {
  test('exits 1 with the reason, and writes nothing, on bad outputs', () => {
    const file = join(scratch.dir, 'bad-outputs.json');
    writeFileSync(file, JSON.stringify({ 'keyless-eks': {} }));
    const out = join(scratch.dir, 'params/params.env');
    const before = readFileSync(out, 'utf8');
    expect(() => runBin('write-params.ts', ['--outputs', file, '--image-tag', 'abc', '--out', out])).toThrow(
      /exited 1: the CDK outputs have no keyless-eks\.UsageReporterRoleArn/,
    );
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  test('prints its usage without the required options', () => {
    expect(() => runBin('write-params.ts', [])).toThrow(/exited 1: usage: write-params\.ts --outputs/);
  });
});

describe('bin/render.ts', () => {
  test('refuses to print an overlay that does not validate', () => {
    // "concurrency" for "concurrencyPolicy": kustomize renders it, the API server would refuse it.
    const broken = join(scratch.dir, 'overlays/broken');
    mkdirSync(broken);
    writeFileSync(
      join(broken, 'kustomization.yaml'),
      'resources:\n  - ../irsa\npatches:\n  - target:\n      kind: CronJob\n    patch: |-\n' +
        '      - op: add\n        path: /spec/concurrency\n        value: Forbid\n',
    );
    expect(() => runBin('render.ts', [broken])).toThrow(/exited 1: .*unknown field "spec\.concurrency"/s);
  });
});
