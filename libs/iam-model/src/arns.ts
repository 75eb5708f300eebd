import { INCOMING_PREFIX, REPORTS_PREFIX } from '@keyless/contracts';
import type { IamModelParams, RoleName } from './model-types.ts';

type AccountParams = Pick<IamModelParams, 'partition' | 'accountId'>;

export function roleArn(params: AccountParams, name: RoleName): string {
  return `arn:${params.partition}:iam::${params.accountId}:role/${name}`;
}

/** The IAM OIDC identity provider for an issuer given as host + path. */
export function oidcProviderArn(params: AccountParams, issuer: string): string {
  return `arn:${params.partition}:iam::${params.accountId}:oidc-provider/${issuer}`;
}

export const DEFAULT_SAML_PROVIDER_NAME = 'LocalIdP';

/** The IAM SAML identity provider people sign in through. */
export function samlProviderArn(params: AccountParams & Pick<IamModelParams, 'samlProviderName'>): string {
  return `arn:${params.partition}:iam::${params.accountId}:saml-provider/${params.samlProviderName ?? DEFAULT_SAML_PROVIDER_NAME}`;
}

/** Every ARN the roles are scoped to, in one place so the CDK app and the tests agree. */
export function resourceArns(params: IamModelParams) {
  const { partition, region, accountId, names } = params;
  const regional = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
  const bucket = `arn:${partition}:s3:::${names.bucket}`;
  // Secrets Manager appends '-' and six random characters to every secret's ARN.
  const secret = (name: string) => regional('secretsmanager', `secret:${name}-??????`);
  const cdkRole = (purpose: string) =>
    `arn:${partition}:iam::${accountId}:role/cdk-hnb659fds-${purpose}-role-${accountId}-${region}`;
  return {
    bucket,
    // The key layout the services agree on: the grants follow it.
    incomingObjects: `${bucket}/${INCOMING_PREFIX}*`,
    reportObjects: `${bucket}/${REPORTS_PREFIX}*`,
    uploadsTable: regional('dynamodb', `table/${names.uploadsTable}`),
    ledgerEventsQueue: regional('sqs', names.ledgerEventsQueue),
    ledgerEventsDlq: regional('sqs', names.ledgerEventsDlq),
    uploadFailuresQueue: regional('sqs', names.uploadFailuresQueue),
    writerSecret: secret(names.writerSecret),
    readerSecret: secret(names.readerSecret),
    // IAM database authentication through the ledger's proxy, as the read-only user.
    readerDbUser: regional('rds-db', `dbuser:${names.ledgerProxyResourceId}/${names.readerDbUser}`),
    lambdaLogGroup: regional('logs', `log-group:/aws/lambda/${params.lambdaFunctionName}`),
    ecsServices: regional('ecs', `service/${params.ecsClusterName ?? 'keyless'}/*`),
    eksCluster: regional('eks', `cluster/${params.eksClusterName}`),
    stacks: regional('cloudformation', `stack/${params.stackNamePrefix ?? 'keyless'}*/*`),
    cdkDeployRoles: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(cdkRole),
    cdkLookupRole: cdkRole('lookup'),
  };
}
