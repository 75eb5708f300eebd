// A role of the shared IAM model, deployed as written: trust policy, inline policies, session
// length. Nothing else may add permissions to it: constructs receive an immutable reference, so a
// convenience grant such as `queue.grantSendMessages(fn)` is a no-op instead of a silent widening.
// Everything the workloads need must therefore be in the model, and the tests compare the two.
import { Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RoleDefinition } from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import { Construct } from 'constructs';
import { acknowledgeModelWildcards } from './model-wildcards.ts';

export interface ModelRoleProps {
  definition: RoleDefinition;
  /**
   * Values only known at deploy time, keyed by the stand-in the model was built with (e.g. the
   * EKS issuer, the ledger proxy's resource id). CloudFormation cannot put an intrinsic function in
   * a JSON key, and the issuer is part of the condition keys (`<issuer>:sub`), so a document holding
   * a stand-in is rendered as one `Fn::Sub` JSON string; IAM receives exactly the model's document
   * with the real value. Every stand-in must appear in the trust policy or an inline policy.
   */
  substitutions?: Record<string, { variable: string; value: string }>;
}

export class ModelRole extends Construct {
  readonly resource: iam.CfnRole;
  /** For constructs that take an IRole; immutable, so no policy can be attached through it. */
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: ModelRoleProps) {
    super(scope, id);
    const { definition } = props;
    const substitutions = props.substitutions ?? {};
    const documents = JSON.stringify([definition.assumeRolePolicy, definition.policies]);
    for (const slot of Object.keys(substitutions)) {
      if (!documents.includes(slot))
        throw new Error(`no policy of role ${definition.name} contains the stand-in '${slot}'`);
    }
    this.resource = new iam.CfnRole(this, 'Resource', {
      roleName: definition.name,
      description: definition.description,
      maxSessionDuration: definition.maxSessionDurationSeconds,
      assumeRolePolicyDocument: render(definition.assumeRolePolicy, substitutions),
      policies: Object.entries(definition.policies).map(([policyName, policyDocument]) => ({
        policyName,
        policyDocument: render(policyDocument, substitutions),
      })),
    });
    this.role = iam.Role.fromRoleArn(this, 'Immutable', this.resource.attrArn, { mutable: false });
    for (const acknowledgement of acknowledgeModelWildcards(definition)) {
      Validations.of(this.resource).acknowledge(acknowledgement);
    }
  }
}

function render(
  document: PolicyDocument,
  substitutions: Record<string, { variable: string; value: string }>,
): PolicyDocument | string {
  const slots = Object.entries(substitutions).filter(([slot]) => JSON.stringify(document).includes(slot));
  if (slots.length === 0) return document;
  // `${` starts a variable in Fn::Sub; IAM policy variables such as ${aws:username} are escaped.
  let text = JSON.stringify(document).replaceAll('${', '${!');
  const variables: Record<string, string> = {};
  for (const [slot, { variable, value }] of slots) {
    text = text.replaceAll(slot, `\${${variable}}`);
    variables[variable] = value;
  }
  return Fn.sub(text, variables);
}
