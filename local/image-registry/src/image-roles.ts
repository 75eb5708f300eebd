// The image roles of the IAM model that neither the CDK app nor the local bootstrap creates (on
// AWS, `cdk bootstrap` makes the image-publishing role and CDK the execution roles), created in
// the emulator's IAM where the permission gate and the registry's token endpoint read them.
import {
  CreateRoleCommand,
  EntityAlreadyExistsException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  IMAGE_NAMES,
  imagePublishingRole,
  imagePullRoles,
  type ImageName,
  type PlatformRoleDefinition,
} from '@keyless/iam-model';

export interface ImageRoleArns {
  publisher: string;
  pull: Record<ImageName, string>;
}

/** Creates (or puts back as the model has them) the image-publishing role and every pull role. */
export async function createImageRoles(
  iam: IAMClient,
  scope: { partition: string; accountId: string; region: string },
): Promise<ImageRoleArns> {
  const pull = imagePullRoles(scope);
  const publisher = await createRole(iam, scope, imagePublishingRole(scope));
  const pullArns = {} as Record<ImageName, string>;
  for (const image of IMAGE_NAMES) pullArns[image] = await createRole(iam, scope, pull[image]);
  return { publisher, pull: pullArns };
}

async function createRole(
  iam: IAMClient,
  scope: { partition: string; accountId: string },
  role: PlatformRoleDefinition,
): Promise<string> {
  const trust = JSON.stringify(role.assumeRolePolicy);
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: role.name,
        Description: role.description,
        AssumeRolePolicyDocument: trust,
      }),
    );
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: trust }));
  }
  for (const [PolicyName, document] of Object.entries(role.policies)) {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: role.name, PolicyName, PolicyDocument: JSON.stringify(document) }),
    );
  }
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${role.name}`;
}
