// Tests read the cloud assembly that `nx run infra:synth` wrote (the test target depends on it),
// so the app is synthesized once per run, exactly as the CLI does it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { PolicyDocument } from '@keyless/iam-policy';
import { EKS_ISSUER_SLOT, keylessIamModel, LEDGER_PROXY_SLOT } from '../src/iam/iam-model.ts';
import { readSettings } from '../src/settings.ts';

export const projectDir = resolve(import.meta.dirname, '..');
const assemblyDir = resolve(projectDir, 'cdk.out');

export const STACKS = [
  'pipeline',
  'network',
  'identity',
  'data',
  'uploads',
  'services',
  'eks',
  'observability',
] as const;
export type StackName = (typeof STACKS)[number];

export interface CfnResourceJson {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}
export interface TemplateJson {
  Resources: Record<string, CfnResourceJson>;
  Outputs?: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
}

const cache = new Map<StackName, TemplateJson>();

export function templateJson(stack: StackName): TemplateJson {
  const cached = cache.get(stack);
  if (cached) return cached;
  const file = resolve(assemblyDir, `keyless-${stack}.template.json`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npx nx run infra:synth\` (nx run infra:test does it first)`);
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as TemplateJson;
  cache.set(stack, parsed);
  return parsed;
}

export const template = (stack: StackName) => Template.fromJSON(templateJson(stack));

export function resourcesOf(stack: StackName, type: string): [string, CfnResourceJson][] {
  return Object.entries(templateJson(stack).Resources).filter(([, resource]) => resource.Type === type);
}

export function allResources(type: string): { stack: StackName; id: string; resource: CfnResourceJson }[] {
  return STACKS.flatMap((stack) =>
    resourcesOf(stack, type).map(([id, resource]) => ({ stack, id, resource })),
  );
}

/** The settings and IAM model the assembly was built from (cdk.json's context). */
export function synthesizedModel() {
  const cdkJson = JSON.parse(readFileSync(resolve(projectDir, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const settings = readSettings(new App({ context: cdkJson.context }).node);
  return { settings, model: keylessIamModel(settings) };
}

/**
 * A policy as IAM will receive it. A document rendered as Fn::Sub (the usage-reporter's, whose
 * condition keys contain the EKS issuer and whose rds-db:connect grant names the ledger proxy) gets
 * `issuer` and `proxyId` in place of the variables.
 */
export function deployedDocument(
  value: unknown,
  issuer = EKS_ISSUER_SLOT,
  proxyId = LEDGER_PROXY_SLOT,
): PolicyDocument {
  if (value && typeof value === 'object' && 'Fn::Sub' in value) {
    const [text] = (value as { 'Fn::Sub': [string, unknown] })['Fn::Sub'];
    return JSON.parse(
      text
        .replaceAll('${EksOidcIssuer}', issuer)
        .replaceAll('${LedgerProxyResourceId}', proxyId)
        .replaceAll('${!', '${'),
    ) as PolicyDocument;
  }
  return value as PolicyDocument;
}

export function roleNamed(name: string): { stack: StackName; id: string; resource: CfnResourceJson } {
  const found = allResources('AWS::IAM::Role').filter(
    ({ resource }) => resource.Properties?.RoleName === name,
  );
  if (found.length !== 1) throw new Error(`expected one role named ${name}, found ${found.length}`);
  return defined(found[0], `role ${name}`);
}

/** The one resource of a type in a stack, as [logicalId, resource]. */
export function onlyResource(stack: StackName, type: string): [string, CfnResourceJson] {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in ${stack}, found ${found.length}`);
  return defined(found[0], type);
}

/** The value, or a test failure naming what was missing. */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}
