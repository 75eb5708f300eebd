// The project's own cdk-nag rules, each tried on compliant and non-compliant resources, and the
// whole app proven to refuse synthesis when any rule (ours or AwsSolutions) finds something.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CfnResource } from 'aws-cdk-lib';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { ModelRole } from '../src/iam/model-role.ts';
import { buildKeylessApp } from '../src/keyless-app.ts';
import imdsv2Required from '../src/nag/imdsv2-required.ts';
import { KeylessChecks } from '../src/nag/keyless-checks.ts';
import noWildcardPrincipal from '../src/nag/no-wildcard-principal.ts';
import webIdentityTrustPinned from '../src/nag/web-identity-trust-pinned.ts';
import { defined, projectDir, synthesizedModel } from './assembly.ts';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const GITHUB = 'token.actions.githubusercontent.com';
const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${GITHUB}`;

const newStack = () =>
  new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });

function webIdentityRole(condition: Record<string, Record<string, unknown>> | undefined) {
  const stack = newStack();
  return new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          ...(condition && { Condition: condition }),
        },
      ],
    },
  });
}
const pinned = {
  [`${GITHUB}:sub`]: 'repo:o/r:environment:production',
  [`${GITHUB}:aud`]: 'sts.amazonaws.com',
};

describe('Keyless-WebIdentityTrustPinned', () => {
  it('passes a role that pins sub and aud with StringEquals or StringLike', () => {
    expect(webIdentityTrustPinned(webIdentityRole({ StringEquals: pinned }))).toBe(COMPLIANT);
    expect(
      webIdentityTrustPinned(
        webIdentityRole({
          StringLike: { [`${GITHUB}:sub`]: 'repo:o/r:environment:*' },
          StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
        }),
      ),
    ).toBe(COMPLIANT);
  });

  it('passes an L2 role built with WebIdentityPrincipal, and a role that trusts a service', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.WebIdentityPrincipal(PROVIDER, { StringEquals: pinned }),
    });
    expect(webIdentityTrustPinned(role.node.defaultChild as CfnResource)).toBe(COMPLIANT);
    const service = new iam.Role(stack, 'Service', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    expect(webIdentityTrustPinned(service.node.defaultChild as CfnResource)).toBe(COMPLIANT);
  });

  it('reads a trust policy rendered as an Fn::Sub string (the usage-reporter role)', () => {
    const { model } = synthesizedModel();
    const stack = newStack();
    const role = new ModelRole(stack, 'Reporter', {
      definition: model.role('usage-reporter'),
      substitutions: {
        'eks-oidc-issuer.invalid': { variable: 'EksOidcIssuer', value: 'oidc.eks.example/id/1' },
      },
    });
    expect(webIdentityTrustPinned(role.resource)).toBe(COMPLIANT);
  });

  it.each([
    ['no condition at all', undefined],
    ['aud only', { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }],
    ['sub only', { StringEquals: { [`${GITHUB}:sub`]: 'repo:o/r:pull_request' } }],
    [
      'sub as a bare wildcard',
      { StringLike: { [`${GITHUB}:sub`]: '*', [`${GITHUB}:aud`]: 'sts.amazonaws.com' } },
    ],
    ['sub with IfExists (passes when the claim is missing)', { StringEqualsIfExists: pinned }],
    ['sub with ForAllValues (passes when the claim is missing)', { 'ForAllValues:StringEquals': pinned }],
  ])('fails a role that trusts a web identity with %s', (_case, condition) => {
    expect(webIdentityTrustPinned(webIdentityRole(condition))).toBe(NON_COMPLIANT);
  });

  it('does not apply to other resources', () => {
    expect(webIdentityTrustPinned(new s3.CfnBucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});

describe('Keyless-NoWildcardPrincipal', () => {
  it('passes service and account principals, and Deny statements that name everyone', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    expect(noWildcardPrincipal(role.node.defaultChild as CfnResource)).toBe(COMPLIANT);
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    expect(
      noWildcardPrincipal(defined(bucket.policy, 'bucket policy').node.defaultChild as CfnResource),
    ).toBe(COMPLIANT);
    const key = new kms.Key(stack, 'Key');
    expect(noWildcardPrincipal(key.node.defaultChild as CfnResource)).toBe(COMPLIANT);
  });

  it('fails a role that anyone may assume', () => {
    const role = new iam.Role(newStack(), 'Role', { assumedBy: new iam.AnyPrincipal() });
    expect(noWildcardPrincipal(role.node.defaultChild as CfnResource)).toBe(NON_COMPLIANT);
  });

  it('fails a role that trusts a wildcard inside an ARN, or everyone but someone (NotPrincipal)', () => {
    const stack = newStack();
    const wildcardArn = new iam.CfnRole(stack, 'Arn', {
      assumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: 'sts:AssumeRole' }],
      },
    });
    expect(noWildcardPrincipal(wildcardArn)).toBe(NON_COMPLIANT);
    const notPrincipal = new iam.CfnRole(stack, 'Not', {
      assumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
    });
    expect(noWildcardPrincipal(notPrincipal)).toBe(NON_COMPLIANT);
  });

  it('fails a bucket policy, a key policy and a Lambda permission that allow "*"', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    expect(
      noWildcardPrincipal(defined(bucket.policy, 'bucket policy').node.defaultChild as CfnResource),
    ).toBe(NON_COMPLIANT);

    const key = new kms.Key(stack, 'Key');
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
      }),
    );
    expect(noWildcardPrincipal(key.node.defaultChild as CfnResource)).toBe(NON_COMPLIANT);

    const permission = new lambda.CfnPermission(stack, 'Permission', {
      action: 'lambda:InvokeFunction',
      functionName: 'f',
      principal: '*',
    });
    expect(noWildcardPrincipal(permission)).toBe(NON_COMPLIANT);
  });

  it('does not apply to resources without policies', () => {
    expect(noWildcardPrincipal(new s3.CfnBucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});

describe('Keyless-Imdsv2Required', () => {
  it('passes launch templates that require IMDSv2 or switch the metadata service off', () => {
    const stack = newStack();
    const l2 = new ec2.LaunchTemplate(stack, 'L2', { requireImdsv2: true });
    expect(imdsv2Required(l2.node.defaultChild as CfnResource)).toBe(COMPLIANT);
    const off = new ec2.CfnLaunchTemplate(stack, 'Off', {
      launchTemplateData: { metadataOptions: { httpEndpoint: 'disabled' } },
    });
    expect(imdsv2Required(off)).toBe(COMPLIANT);
  });

  it('fails a launch template without metadata options, or with optional tokens', () => {
    const stack = newStack();
    expect(imdsv2Required(new ec2.CfnLaunchTemplate(stack, 'Bare', { launchTemplateData: {} }))).toBe(
      NON_COMPLIANT,
    );
    const optional = new ec2.CfnLaunchTemplate(stack, 'Optional', {
      launchTemplateData: { metadataOptions: { httpTokens: 'optional' } },
    });
    expect(imdsv2Required(optional)).toBe(NON_COMPLIANT);
  });

  it('sees a raw override that turns IMDSv2 off again', () => {
    const template = new ec2.LaunchTemplate(newStack(), 'Overridden', { requireImdsv2: true });
    const cfn = template.node.defaultChild as ec2.CfnLaunchTemplate;
    cfn.addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpTokens', 'optional');
    expect(imdsv2Required(cfn)).toBe(NON_COMPLIANT);
  });

  it('fails a launch configuration without IMDSv2 and ignores other resources', () => {
    const stack = newStack();
    const configuration = new autoscaling.CfnLaunchConfiguration(stack, 'Config', {
      imageId: 'ami-12345678',
      instanceType: 't4g.micro',
    });
    expect(imdsv2Required(configuration)).toBe(NON_COMPLIANT);
    expect(imdsv2Required(new s3.CfnBucket(stack, 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});

describe('the Keyless rule pack', () => {
  it('reports each violation under its rule name, and skips an acknowledged one', () => {
    const stack = newStack();
    new ec2.CfnLaunchTemplate(stack, 'Bare', { launchTemplateData: {} });
    webIdentityRole(undefined); // another stack: not in scope
    const unpinned = new iam.CfnRole(stack, 'Unpinned', {
      assumeRolePolicyDocument: {
        Statement: [
          { Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' },
        ],
      },
    });
    const report = new KeylessChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((violation) => violation.ruleName).sort()).toEqual([
      'Keyless-Imdsv2Required',
      'Keyless-WebIdentityTrustPinned',
    ]);

    Validations.of(unpinned).acknowledge({ id: 'Keyless-WebIdentityTrustPinned', reason: 'test' });
    const after = new KeylessChecks().validateScope(stack);
    expect(after.violations.map((violation) => violation.ruleName)).toEqual(['Keyless-Imdsv2Required']);
  });
});

describe('synthesizing the keyless app', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'keyless-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('fails on a finding of the Keyless rules or of AwsSolutions, naming the rules', () => {
    const { context } = JSON.parse(readFileSync(resolve(projectDir, 'cdk.json'), 'utf8')) as {
      context: object;
    };
    const app = new App({ context, outdir });
    const stacks = buildKeylessApp(app, { uploadProcessorBundle: join(outdir, 'no-bundle') });
    new iam.CfnRole(stacks.pipeline, 'AnyRepository', {
      assumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } },
          },
        ],
      },
    });
    new ec2.CfnLaunchTemplate(stacks.eks, 'LegacyNodes', { launchTemplateData: {} });
    new s3.Bucket(stacks.data, 'Unlogged', { enforceSSL: true });

    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/Keyless-WebIdentityTrustPinned/);
    expect(message).toMatch(/Keyless-Imdsv2Required/);
    expect(message).toMatch(/AwsSolutions-S1/);
  }, 120_000);
});
