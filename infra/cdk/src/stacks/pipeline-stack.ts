import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { IMAGE_NAMES, imageRepositoryName, imageRepositoryPolicy, type ImageName } from '@keyless/iam-model';
import { GITHUB_OIDC_ISSUER, type KeylessIamModel } from '../iam/iam-model.ts';
import { ModelRole } from '../iam/model-role.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export const IMAGE_REPOSITORIES = IMAGE_NAMES;
export type { ImageName };

export interface PipelineStackProps extends KeylessStackProps {
  model: KeylessIamModel;
}

/**
 * What GitHub Actions needs before anything else can be deployed, so it is the one stack a human
 * deploys first: the GitHub OIDC provider, the `deploy` and `diff` roles, and the image
 * repositories the deploy workflow pushes to.
 */
export class PipelineStack extends KeylessStack {
  readonly repositories: Record<ImageName, ecr.Repository>;
  readonly deployRole: ModelRole;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { model } = props;

    const github = model.oidcProviders.find((provider) => provider.issuer === GITHUB_OIDC_ISSUER);
    if (!github) throw new Error('the IAM model has no GitHub OIDC provider');
    // No thumbprint: IAM verifies GitHub's certificate against its own trusted CA library.
    const provider = new iam.OidcProviderNative(this, 'GitHubOidc', {
      url: `https://${github.issuer}`,
      clientIds: github.clientIds,
    });

    this.deployRole = new ModelRole(this, 'DeployRole', { definition: model.role('deploy') });
    const diffRole = new ModelRole(this, 'DiffRole', { definition: model.role('diff') });
    // The model names the provider by ARN (a string), so CloudFormation needs the order spelled out.
    for (const role of [this.deployRole, diffRole]) role.node.addDependency(provider);

    // `deploy` may not push images itself (ecr:GetAuthorizationToken cannot be scoped to a
    // resource, and the model refuses Resource "*"). The workflow chains to the CDK bootstrap's
    // image-publishing role, which has the token; the model's repository policy lets exactly that
    // role push here, and nobody else (the local registry decides with the same document).
    const repositoryPolicy = imageRepositoryPolicy(model.params);
    this.repositories = Object.fromEntries(
      IMAGE_REPOSITORIES.map((name) => {
        const repository = new ecr.Repository(this, `Repository-${name}`, {
          repositoryName: imageRepositoryName(name),
          imageScanOnPush: true,
          imageTagMutability: ecr.TagMutability.IMMUTABLE,
          encryption: ecr.RepositoryEncryption.AES_256,
          lifecycleRules: [{ description: 'keep the last 50 images', maxImageCount: 50 }],
          removalPolicy: RemovalPolicy.RETAIN,
        });
        for (const statement of repositoryPolicy.Statement)
          repository.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
        new CfnOutput(this, `RepositoryUri-${name}`, { value: repository.repositoryUri });
        return [name, repository];
      }),
    ) as Record<ImageName, ecr.Repository>;

    new CfnOutput(this, 'DeployRoleArn', { value: this.deployRole.resource.attrArn });
    new CfnOutput(this, 'DiffRoleArn', { value: diffRole.resource.attrArn });
  }
}
