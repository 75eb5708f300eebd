// The image side of the model: the repositories the deploy workflow pushes to, the one role their
// policies let push (the CDK bootstrap's image-publishing role, which `deploy` chains to), and the
// roles that pull each image (the ECS task execution roles and the EKS nodes). The CDK app
// (infra/cdk, PipelineStack) deploys these repository policies, and the local registry's token
// service (local/image-registry) decides push and pull with the very same documents.
import type { PolicyDocument } from '@keyless/iam-policy';
import type { IamModelParams } from './model-types.ts';

export const IMAGE_NAMES = ['api', 'ledger-worker', 'usage-reporter'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** ECR's actions behind a registry `pull` scope (a manifest, then the layers). */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** ECR's actions behind a registry `push` scope. */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
] as const;

type AccountParams = Pick<IamModelParams, 'partition' | 'accountId' | 'region'>;

export const imageRepositoryName = (image: ImageName): string => `keyless/${image}`;

export function imageRepositoryArn(params: AccountParams, image: ImageName): string {
  return `arn:${params.partition}:ecr:${params.region}:${params.accountId}:repository/${imageRepositoryName(image)}`;
}

/** `cdk bootstrap`'s image-publishing role (default qualifier): the only role that may push. */
export function imagePublishingRoleArn(params: AccountParams): string {
  const { partition, accountId, region } = params;
  return `arn:${partition}:iam::${accountId}:role/cdk-hnb659fds-image-publishing-role-${accountId}-${region}`;
}

/**
 * Each repository's policy: the image-publishing role pushes, and reads back what it pushed (a
 * client asks for `push,pull` to push). Nobody else is named: pullers are allowed by their own
 * identity policies, as CDK's `grantPull` writes them for task execution roles.
 */
export function imageRepositoryPolicy(params: AccountParams): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CdkImagePublisherPushes',
        Effect: 'Allow',
        Principal: { AWS: imagePublishingRoleArn(params) },
        Action: [...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS],
      },
    ],
  };
}

/** A role the model describes but the CDK app does not create (`cdk bootstrap` or CDK itself does). */
export interface PlatformRoleDefinition {
  name: string;
  description: string;
  assumeRolePolicy: PolicyDocument;
  policies: Record<string, PolicyDocument>;
}

/**
 * The image-publishing role as `cdk bootstrap` (template version 2x) creates it: trusted by the
 * account (so any role of it allowed `sts:AssumeRole` on it, which `deploy` is), allowed the
 * registry token. Its own policy names only the bootstrap's asset repository: pushing to
 * `keyless/*` is what the repository policies above grant.
 */
export function imagePublishingRole(params: AccountParams): PlatformRoleDefinition {
  const { partition, accountId, region } = params;
  return {
    name: imagePublishingRoleArn(params).split('/').pop() ?? '',
    description: 'CDK bootstrap image-publishing role: pushes container images',
    assumeRolePolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    policies: {
      'cdk-image-publishing': {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              ...ECR_PUSH_ACTIONS,
              ...ECR_PULL_ACTIONS,
              'ecr:DescribeRepositories',
              'ecr:DescribeImages',
            ],
            Resource: `arn:${partition}:ecr:${region}:${accountId}:repository/cdk-hnb659fds-container-assets-${accountId}-${region}`,
          },
          // ECR's token is account-wide: the action supports no resource type.
          { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      },
    },
  };
}

/** The name of the role that pulls an image: an ECS task execution role, or the EKS nodes' role. */
export const imagePullRoleName = (image: ImageName): string =>
  image === 'usage-reporter' ? 'usage-reporter-node' : `${image}-execution`;

/**
 * The roles that pull each image, with the statements CDK's `repository.grantPull` gives an ECS
 * task execution role (and the node role of the EKS cluster, for the CronJob's image): the
 * token, and pull of that one repository. None is trusted by anything but its AWS service.
 */
export function imagePullRoles(params: AccountParams): Record<ImageName, PlatformRoleDefinition> {
  const pullRole = (image: ImageName): PlatformRoleDefinition => {
    const service = image === 'usage-reporter' ? 'ec2.amazonaws.com' : 'ecs-tasks.amazonaws.com';
    return {
      name: imagePullRoleName(image),
      description: `Pulls ${imageRepositoryName(image)} (${service === 'ec2.amazonaws.com' ? 'EKS node role' : 'ECS task execution role'})`,
      assumeRolePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      },
      policies: {
        'pull-image': {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PullOwnImage',
              Effect: 'Allow',
              Action: ['ecr:BatchCheckLayerAvailability', ...ECR_PULL_ACTIONS],
              Resource: imageRepositoryArn(params, image),
            },
            { Sid: 'RegistryToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          ],
        },
      },
    };
  };
  return Object.fromEntries(IMAGE_NAMES.map((image) => [image, pullRole(image)])) as Record<
    ImageName,
    PlatformRoleDefinition
  >;
}
