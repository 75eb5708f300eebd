import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import imdsv2Required from './imdsv2-required.ts';
import noWildcardPrincipal from './no-wildcard-principal.ts';
import webIdentityTrustPinned from './web-identity-trust-pinned.ts';

interface KeylessRule {
  suffix: string;
  info: string;
  explanation: string;
  rule: (node: CfnResource) => NagRuleResult;
}

export const KEYLESS_RULES: readonly KeylessRule[] = [
  {
    suffix: 'WebIdentityTrustPinned',
    info: 'The role trusts a web identity (OIDC) provider without pinning both the token sub and aud with StringEquals or StringLike.',
    explanation:
      'Without sub, any workload the issuer signs tokens for (any GitHub repository, any pod of the cluster) can assume the role; without aud, tokens minted for another audience are accepted.',
    rule: webIdentityTrustPinned,
  },
  {
    suffix: 'NoWildcardPrincipal',
    info: 'An Allow statement names a wildcard principal or uses NotPrincipal.',
    explanation:
      'A trust or resource policy that allows "*" (or everyone but someone) lets any AWS account or anonymous caller in; name the principal.',
    rule: noWildcardPrincipal,
  },
  {
    suffix: 'Imdsv2Required',
    info: 'The launch template does not require IMDSv2 (HttpTokens: required).',
    explanation:
      'With IMDSv1 a single SSRF in any process on the instance hands out the instance role credentials.',
    rule: imdsv2Required,
  },
];

/** The project's own rules, in cdk-nag's pack format, so they fail synth exactly like AwsSolutions. */
export class KeylessChecks extends NagPack {
  readonly name = 'Keyless';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Keyless';
  }

  protected checkResource(node: CfnResource): void {
    for (const { suffix, info, explanation, rule } of KEYLESS_RULES) {
      this.applyRule({
        ruleSuffixOverride: suffix,
        info,
        explanation,
        level: NagMessageLevel.ERROR,
        rule,
        node,
      });
    }
  }
}
