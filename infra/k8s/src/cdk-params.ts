// The account-specific values of the manifests come from the CDK app's stack outputs, never from
// hand edits: `cdk deploy --outputs-file <file>` writes {"<stack>": {"<output>": "<value>"}}.
import * as z from 'zod';

/** Where each value comes from: stack name and CfnOutput logical ID in infra/cdk. */
export const CDK_OUTPUTS = {
  roleArn: { stack: 'keyless-eks', output: 'UsageReporterRoleArn' },
  kubernetesVersion: { stack: 'keyless-eks', output: 'KubernetesVersion' },
  repositoryUri: { stack: 'keyless-pipeline', output: 'RepositoryUriusagereporter' },
  filesBucket: { stack: 'keyless-uploads', output: 'FilesBucket' },
  ledgerProxyHost: { stack: 'keyless-data', output: 'LedgerProxyEndpoint' },
} as const;

const outputsFile = z.record(z.string(), z.record(z.string(), z.string()));

const values = z.object({
  roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN'),
  kubernetesVersion: z.string().regex(/^1\.\d+$/, 'expected a Kubernetes version such as 1.35'),
  repositoryUri: z
    .string()
    .regex(
      /^\d{12}\.dkr\.ecr\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?\/[a-z0-9][a-z0-9._/-]*$/,
      'expected an ECR repository URI such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/keyless/usage-reporter',
    ),
  filesBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name'),
  ledgerProxyHost: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*\.rds\.amazonaws\.com(\.cn)?$/, 'expected an RDS Proxy endpoint host name'),
});

/** An image tag as the registry allows it; the deploy workflow uses the commit SHA. */
const imageTag = z.string().regex(/^[\w][\w.-]{0,127}$/, 'expected an image tag (letters, digits, _ . -)');

export interface ManifestParams {
  USAGE_REPORTER_ROLE_ARN: string;
  USAGE_REPORTER_IMAGE: string;
  FILES_BUCKET: string;
  AWS_REGION: string;
  /** The ledger's RDS Proxy: the reporter signs its IAM database tokens for this host. */
  LEDGER_PROXY_HOST: string;
}

/**
 * The overlay parameters from a CDK outputs file. Refuses a cluster whose Kubernetes version is not
 * the one the manifests are validated against: the schemas would no longer be the cluster's.
 */
export function paramsFromCdkOutputs(
  json: unknown,
  options: { imageTag: string; validatedVersion: string },
): ManifestParams {
  const outputs = outputsFile.parse(json);
  const raw = Object.fromEntries(
    Object.entries(CDK_OUTPUTS).map(([name, { stack, output }]) => {
      const value = outputs[stack]?.[output];
      if (value === undefined) throw new Error(`the CDK outputs have no ${stack}.${output}`);
      return [name, value];
    }),
  );
  const parsed = values.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const source = CDK_OUTPUTS[issue.path[0] as keyof typeof CDK_OUTPUTS];
      return `${source.stack}.${source.output}: ${issue.message}`;
    });
    throw new Error(`bad CDK outputs: ${problems.join('; ')}`);
  }
  const tag = imageTag.safeParse(options.imageTag);
  if (!tag.success)
    throw new Error(`bad image tag ${JSON.stringify(options.imageTag)}: ${tag.error.issues[0]?.message}`);
  const { roleArn, kubernetesVersion, repositoryUri, filesBucket, ledgerProxyHost } = parsed.data;
  if (kubernetesVersion !== options.validatedVersion) {
    throw new Error(
      `the cluster runs Kubernetes ${kubernetesVersion}, the manifests are validated against ${options.validatedVersion}: ` +
        'move k8s.io/api in infra/k8s/validate/go.mod to the cluster version first',
    );
  }
  // The CDK app deploys every stack to one Region, so the repository's is the cluster's.
  const region = repositoryUri.split('.')[3] as string;
  return {
    USAGE_REPORTER_ROLE_ARN: roleArn,
    USAGE_REPORTER_IMAGE: `${repositoryUri}:${tag.data}`,
    FILES_BUCKET: filesBucket,
    AWS_REGION: region,
    LEDGER_PROXY_HOST: ledgerProxyHost,
  };
}

/** params/params.env: one KEY=value per line, as kustomize's configMapGenerator reads it. */
export function paramsEnvFile(params: ManifestParams): string {
  const header = '# Written by infra/k8s/bin/write-params.ts from the CDK outputs; do not edit.\n';
  return (
    header +
    Object.entries(params)
      .map(([key, value]) => `${key}=${value}\n`)
      .join('')
  );
}
