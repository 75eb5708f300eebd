import type { PolicyDocument } from '@keyless/iam-policy';

export const ROLE_NAMES = [
  'api',
  'upload-processor',
  'ledger-worker',
  'usage-reporter',
  'deploy',
  'diff',
  'developer',
  'operator',
] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

/** Names of the data-plane resources the roles are scoped to. */
export interface ResourceNames {
  bucket: string;
  uploadsTable: string;
  ledgerEventsQueue: string;
  ledgerEventsDlq: string;
  uploadFailuresQueue: string;
  writerSecret: string;
  readerSecret: string;
  /** The read-only database user the usage-reporter connects as (with an IAM token, no password). */
  readerDbUser: string;
  /**
   * The resource id (`prx-…`) of the RDS Proxy in front of the ledger: IAM database tokens are
   * authorized on `arn:…:rds-db:<region>:<account>:dbuser:<this>/<user>`. The CDK app puts the
   * deployed proxy's id in at deploy time; the local front (local/rds-proxy) answers to this one.
   */
  ledgerProxyResourceId: string;
}

export const defaultResourceNames: Readonly<ResourceNames> = {
  bucket: 'keyless-files',
  uploadsTable: 'uploads',
  ledgerEventsQueue: 'ledger-events',
  ledgerEventsDlq: 'ledger-events-dlq',
  uploadFailuresQueue: 'upload-processor-failures',
  writerSecret: 'ledger/writer',
  readerSecret: 'ledger/reader',
  readerDbUser: 'ledger_reader',
  ledgerProxyResourceId: 'prx-keylesslocal00001',
};

export interface GitHubRepository {
  owner: string;
  repo: string;
  /**
   * Opt in to GitHub's immutable subject claims (`repo:<owner>@<id>/<repo>@<id>:...`). When set,
   * ONLY that format is trusted: accepting the name-only format as well would bring back the
   * renamed/recycled-repository risk the IDs exist to remove.
   */
  immutableIds?: { ownerId: string; repoId: string };
}

export interface IamModelParams {
  partition: string;
  accountId: string;
  region: string;
  names: ResourceNames;
  /** Issuer host + path without scheme, e.g. 'oidc.eks.eu-west-1.amazonaws.com/id/ABC' or '127.0.0.1:4566/eks'. */
  eksOidcIssuer: string;
  /** 'token.actions.githubusercontent.com' on AWS. */
  githubOidcIssuer: string;
  github: GitHubRepository;
  lambdaFunctionName: string;
  eksClusterName: string;
  /** ECS cluster whose services `deploy` may roll. Default 'keyless'. */
  ecsClusterName?: string;
  /** CloudFormation stacks `diff` may read are named `<prefix>*`. Default 'keyless'. */
  stackNamePrefix?: string;
  /** The IAM SAML provider people sign in through (the corporate IdP). Default 'LocalIdP'. */
  samlProviderName?: string;
  /**
   * The NameID pattern of the people allowed to take `operator` (SAML:sub, StringLike): the IdP
   * gives operators' subjects this form. Default '*@ops.keyless.example'.
   */
  operatorSubjectPattern?: string;
}

export interface RoleDefinition {
  name: RoleName;
  description: string;
  assumeRolePolicy: PolicyDocument;
  /** Inline policies: name → document. */
  policies: Record<string, PolicyDocument>;
  maxSessionDurationSeconds: number;
}

export interface OidcProvider {
  /** Host + path, no scheme: the prefix of the `<issuer>:sub` / `<issuer>:aud` condition keys. */
  issuer: string;
  clientIds: string[];
}

export interface SamlProvider {
  /** The provider's name in IAM: `arn:<partition>:iam::<account>:saml-provider/<name>`. */
  name: string;
}

export interface IamModel {
  roles: RoleDefinition[];
  oidcProviders: OidcProvider[];
  samlProviders: SamlProvider[];
}
