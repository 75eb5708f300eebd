import { parse } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { assertWebIdentityTrustPinned, IamModelError, type RoleDefinition } from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { policyDocument, templateProperties } from './template-properties.ts';

/** Treats any trust policy as a role of the model, so the same check guards both. */
export function asRole(path: string, trustPolicy: PolicyDocument): RoleDefinition {
  return {
    name: path as RoleDefinition['name'],
    description: path,
    assumeRolePolicy: trustPolicy,
    policies: {},
    maxSessionDurationSeconds: 3600,
  };
}

/**
 * A role that trusts a web identity (OIDC) provider must pin the token's `sub` and `aud` with
 * StringEquals/StringLike. The check is the IAM model's own (assertWebIdentityTrustPinned), applied
 * to every role in the app, including any that does not come from the model.
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
    const trust = policyDocument(templateProperties(node).AssumeRolePolicyDocument);
    try {
      assertWebIdentityTrustPinned(asRole(node.node.path, trust as unknown as PolicyDocument));
      return NagRuleCompliance.COMPLIANT;
    } catch (error) {
      if (error instanceof IamModelError) return NagRuleCompliance.NON_COMPLIANT;
      throw error;
    }
  },
  'name',
  { value: parse(import.meta.filename).name },
);
