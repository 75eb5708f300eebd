// The overlays rendered the way the README says to deploy them, from a copy of infra/k8s whose
// params.env was written by bin/write-params.ts from outputs shaped exactly like the CDK app's.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CDK_OUTPUTS } from '../../src/cdk-params.ts';
import { k8sRoot } from '../../src/paths.ts';
import type { Manifest } from './pod-specs.ts';

export const OVERLAYS = ['irsa', 'pod-identity'] as const;
export type Overlay = (typeof OVERLAYS)[number];

const cdkOut = resolve(k8sRoot, '../cdk/cdk.out');

/** The Outputs section of a synthesized stack (`nx run infra:synth`, which the test target depends on). */
export function stackOutputs(stack: string): Record<string, { Value: unknown }> {
  const template = JSON.parse(readFileSync(join(cdkOut, `${stack}.template.json`), 'utf8')) as {
    Outputs?: Record<string, { Value: unknown }>;
  };
  return template.Outputs ?? {};
}

/** What a deployment's outputs would hold; values CloudFormation computes are stood in for. */
export const deployedValues = {
  roleArn: 'arn:aws:iam::123456789012:role/usage-reporter',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/keyless/usage-reporter',
  filesBucket: 'keyless-files-123456789012-eu-west-1',
  ledgerProxyHost: 'keyless-ledger.proxy-c0ffee123456.eu-west-1.rds.amazonaws.com',
  imageTag: '0123456789abcdef0123456789abcdef01234567',
};

/** A CDK outputs file as `cdk deploy --outputs-file` writes it, keyed by the synthesized templates' own outputs. */
export function cdkOutputsFile(): Record<string, Record<string, string>> {
  const file: Record<string, Record<string, string>> = {};
  for (const [name, { stack, output }] of Object.entries(CDK_OUTPUTS)) {
    const synthesized = stackOutputs(stack)[output];
    if (!synthesized) throw new Error(`${stack} synthesizes no output ${output}`);
    const value =
      name === 'kubernetesVersion'
        ? String(synthesized.Value)
        : deployedValues[name as keyof typeof deployedValues];
    file[stack] = { ...file[stack], [output]: value };
  }
  return file;
}

/** Runs one of bin/*.ts as the README shows it; its stdout, or an error with its stderr. */
export function runBin(script: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(k8sRoot, 'bin', script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0)
    throw new Error(`${script} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

export interface RenderedOverlays {
  dir: string;
  yaml: Record<Overlay, string>;
  manifests: Record<Overlay, Manifest[]>;
  /** What bin/render.ts wrote to stderr (the validator's summary). */
  summaries: Record<Overlay, string>;
  remove(): void;
}

export function renderOverlays(): RenderedOverlays {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-k8s-'));
  for (const part of ['base', 'params', 'overlays'])
    cpSync(join(k8sRoot, part), join(dir, part), { recursive: true });
  const outputs = join(dir, 'cdk-outputs.json');
  writeFileSync(outputs, JSON.stringify(cdkOutputsFile()));
  runBin('write-params.ts', [
    '--outputs',
    outputs,
    '--image-tag',
    deployedValues.imageTag,
    '--out',
    join(dir, 'params/params.env'),
  ]);
  const yaml = {} as Record<Overlay, string>;
  const manifests = {} as Record<Overlay, Manifest[]>;
  const summaries = {} as Record<Overlay, string>;
  for (const overlay of OVERLAYS) {
    const { stdout, stderr } = runBin('render.ts', [join(dir, 'overlays', overlay)]);
    yaml[overlay] = stdout;
    manifests[overlay] = parseAllDocuments(stdout).map((document) => document.toJS() as Manifest);
    summaries[overlay] = stderr;
  }
  return { dir, yaml, manifests, summaries, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
