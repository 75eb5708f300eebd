import { parse } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { templateProperties } from './template-properties.ts';

interface MetadataOptions {
  HttpTokens?: string;
  HttpEndpoint?: string;
}

/**
 * Every launch template (and launch configuration) requires IMDSv2 session tokens, or turns the
 * metadata service off. With IMDSv1, one server-side request forgery in any process on the host
 * hands out the instance role's credentials.
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    const properties = templateProperties(node);
    let options: MetadataOptions | undefined;
    if (node.cfnResourceType === 'AWS::EC2::LaunchTemplate') {
      options = (properties.LaunchTemplateData as { MetadataOptions?: MetadataOptions } | undefined)
        ?.MetadataOptions;
    } else if (node.cfnResourceType === 'AWS::AutoScaling::LaunchConfiguration') {
      options = properties.MetadataOptions as MetadataOptions | undefined;
    } else {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return options?.HttpTokens === 'required' || options?.HttpEndpoint === 'disabled'
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: parse(import.meta.filename).name },
);
