// The local ECR in the running system: the registry (local/image-registry) on the local CA, its
// GetAuthorizationToken answered through the permission gate, the model's image roles in IAM, and
// the pull side as AWS runs it: the ECS agent pulls with a task's execution role (credentials
// from the ECS credentials endpoint), an EKS node with its instance role (from the instance
// metadata service). The description says where each pull role's credentials are, for
// `npm run rehearse:deploy` and the flow page's commands.
import type { IAMClient } from '@aws-sdk/client-iam';
import { IMAGE_NAMES, type ImageName } from '@keyless/iam-model';
import {
  startInstanceMetadataService,
  type EcsCredentialsEndpoint,
  type EcsTaskEnvironment,
  type InstanceMetadataEnvironment,
  type StsFront,
} from '@keyless/identity-plane';
import {
  createImageRoles,
  DISTRIBUTION,
  ensureRegistryTool,
  GoMissingError,
  startImageRegistry,
  type ImageRoleArns,
} from '@keyless/image-registry';
import type { Logger } from '@keyless/logging';
import type { CloudTrailRecord, LocalAnswer, LocalTls, RolePolicySource } from '@keyless/permission-gate';

export interface LocalEcrDescription {
  /** `localhost:<port>`: image references start with it (`localhost:<port>/keyless/api:<tag>`). */
  host: string;
  roles: ImageRoleArns;
  /** Where each image's pull role gets credentials, as its AWS agent would. */
  pullers: Record<ImageName, EcsTaskEnvironment | InstanceMetadataEnvironment>;
}

export interface LocalEcrOptions {
  tls: LocalTls;
  roles: RolePolicySource;
  /** The gate's local answers: GetAuthorizationToken is added. */
  localAnswers: Record<string, LocalAnswer>;
  iam: IAMClient;
  ecs: EcsCredentialsEndpoint;
  sts: StsFront;
  region: string;
  accountId: string;
  trail: { append(record: CloudTrailRecord): void };
  logger: Logger;
}

/**
 * Undefined, with a warning, where Go is not installed and the registry was never built: the rest
 * of the system runs without it (`npm run rehearse:deploy` then says the images job cannot run).
 */
export async function startLocalEcr(
  options: LocalEcrOptions,
): Promise<{ description: LocalEcrDescription; close(): Promise<void> } | undefined> {
  const { region, accountId } = options;
  try {
    ensureRegistryTool(DISTRIBUTION);
  } catch (error) {
    if (!(error instanceof GoMissingError)) throw error;
    options.logger.warn(`the local ECR is off: ${error.message}`);
    return undefined;
  }
  const roles = await createImageRoles(options.iam, { partition: 'aws', accountId, region });
  const registry = await startImageRegistry({
    tls: options.tls,
    roles: options.roles,
    region,
    accountId,
    trail: options.trail,
    logger: options.logger,
  });
  options.localAnswers['ecr:GetAuthorizationToken'] = registry.getAuthorizationToken;
  const closers: (() => Promise<void>)[] = [registry.close];
  try {
    const pullers = {} as LocalEcrDescription['pullers'];
    for (const image of IMAGE_NAMES) {
      if (image === 'usage-reporter') {
        const node = await startInstanceMetadataService({
          issuer: options.sts.issueServiceCredentials,
          roleArn: roles.pull[image],
          logger: options.logger,
        });
        closers.push(node.close);
        pullers[image] = node.environment;
      } else {
        const task = await options.ecs.registerTask({
          roleArn: roles.pull[image],
          family: `${image}-execution`,
        });
        pullers[image] = task.environment;
      }
    }
    return {
      description: { host: registry.host, roles, pullers },
      close: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close();
    throw error;
  }
}
