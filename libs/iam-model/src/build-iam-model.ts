import { DEFAULT_SAML_PROVIDER_NAME } from './arns.ts';
import { permissionPolicies } from './permission-policies.ts';
import { STS_AUDIENCE, trustPolicy } from './trust-policies.ts';
import { validateParams } from './validate-params.ts';
import { validateRole } from './validate-role.ts';
import {
  ROLE_NAMES,
  type IamModel,
  type IamModelParams,
  type RoleDefinition,
  type RoleName,
} from './model-types.ts';

const DESCRIPTIONS: Readonly<Record<RoleName, string>> = {
  api: 'ECS task role of the api service: the uploads table, presigned uploads to incoming/ and downloads from reports/',
  'upload-processor':
    'Execution role of the upload-processor Lambda: reads incoming/, records uploads, publishes ledger events',
  'ledger-worker':
    'ECS task role of the ledger-worker service: consumes ledger-events, reads the ledger writer secret',
  'usage-reporter':
    'IRSA / EKS Pod Identity role of the usage-reporter CronJob: connects to the ledger proxy as ledger_reader (IAM auth), writes reports/',
  deploy:
    'GitHub Actions OIDC role for the production environment: assumes the CDK bootstrap roles, rolls ECS services',
  diff: 'GitHub Actions OIDC role for pull requests: read-only CloudFormation access for cdk diff',
  developer:
    'People (SAML 2.0 federation): read-only look at the files bucket, the uploads table and the queues',
  operator:
    'People in the operations directory (SAML 2.0 federation): what developers read, and the ledger dead letters for the ledger team (ABAC)',
};

/** How long each role's sessions may last: a working day for developers, an hour for operators' wider grants. */
const MAX_SESSION: Partial<Record<RoleName, number>> = { developer: 8 * 3600 };

// IAM's minimum. Every SDK refreshes role credentials before they expire, so longer sessions
// only lengthen the life of leaked credentials; and a role chained from these (the CDK roles
// assumed by deploy) is capped at one hour by STS anyway.
const ONE_HOUR = 3600;

/**
 * The roles of the system with their trust and permission policies: the one definition the CDK
 * app deploys and the local identity plane enforces. Throws IamModelError on bad parameters or a
 * role that breaks a rule in validate-role.ts.
 */
export function buildIamModel(params: IamModelParams): IamModel {
  validateParams(params);
  const roles = ROLE_NAMES.map((name): RoleDefinition => ({
    name,
    description: DESCRIPTIONS[name],
    assumeRolePolicy: trustPolicy(params, name),
    policies: permissionPolicies(params, name),
    maxSessionDurationSeconds: MAX_SESSION[name] ?? ONE_HOUR,
  }));
  roles.forEach(validateRole);
  return {
    roles,
    oidcProviders: [params.eksOidcIssuer, params.githubOidcIssuer].map((issuer) => ({
      issuer,
      clientIds: [STS_AUDIENCE],
    })),
    samlProviders: [{ name: params.samlProviderName ?? DEFAULT_SAML_PROVIDER_NAME }],
  };
}
