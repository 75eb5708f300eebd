import { parse } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { assertNoWildcardPrincipal, IamModelError } from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { policyDocument, templateProperties } from './template-properties.ts';
import { asRole } from './web-identity-trust-pinned.ts';

/** Where each resource type keeps the policy that names principals. */
const POLICY_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'AssumeRolePolicyDocument',
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::ECR::Repository': 'RepositoryPolicyText',
  'AWS::SecretsManager::ResourcePolicy': 'ResourcePolicy',
  'AWS::Lambda::LayerVersionPermission': 'Principal',
};

/**
 * No Allow may name a wildcard principal (`*`, `{"AWS": "*"}`, a `*` inside an ARN or service)
 * or use NotPrincipal, in a trust policy or any resource policy; Lambda permissions may not be
 * granted to `*`. Deny statements may (the TLS-only bucket and queue policies deny `*`).
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const properties = templateProperties(node);
    if (node.cfnResourceType === 'AWS::Lambda::Permission') {
      return String(properties.Principal).includes('*')
        ? NagRuleCompliance.NON_COMPLIANT
        : NagRuleCompliance.COMPLIANT;
    }
    const property = POLICY_PROPERTY[node.cfnResourceType];
    if (property === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const document = policyDocument(properties[property]);
    if (document === undefined) return NagRuleCompliance.COMPLIANT;
    if (property === 'Principal') {
      return String(document).includes('*') ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
    }
    try {
      assertNoWildcardPrincipal(asRole(node.node.path, document as unknown as PolicyDocument));
      return NagRuleCompliance.COMPLIANT;
    } catch (error) {
      if (error instanceof IamModelError) return NagRuleCompliance.NON_COMPLIANT;
      throw error;
    }
  },
  'name',
  { value: parse(import.meta.filename).name },
);
