// The policies a role session is decided against, read from the emulator's IAM: the bootstrap
// created them from @keyless/iam-model, and reading them back (rather than building the model
// again) means a statement removed with `aws iam put-role-policy` is enforced on the next call
// after the cache, as a learner breaking a policy expects.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { PolicyDocument } from '@keyless/iam-policy';

export interface RolePolicies {
  /** Inline and attached managed policies, by name. */
  identity: Record<string, PolicyDocument>;
  permissionsBoundary?: PolicyDocument;
}

export interface RolePolicySource {
  /** undefined when the role no longer exists. */
  get(roleName: string): Promise<RolePolicies | undefined>;
  /** Drops what is cached, so the next call reads IAM again. */
  forget(): void;
}

const parse = (document: string | undefined): PolicyDocument =>
  JSON.parse(decodeURIComponent(document ?? '')) as PolicyDocument;

export function rolePoliciesFromIam(iam: IAMClient, options: { cacheMs: number }): RolePolicySource {
  const cache = new Map<string, { loaded: number; policies: Promise<RolePolicies | undefined> }>();

  async function managedDocument(policyArn: string): Promise<PolicyDocument> {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: Policy?.DefaultVersionId }),
    );
    return parse(PolicyVersion?.Document);
  }

  async function load(roleName: string): Promise<RolePolicies | undefined> {
    const role = await iam.send(new GetRoleCommand({ RoleName: roleName })).then(
      ({ Role }) => Role,
      (error: unknown) => {
        if (error instanceof NoSuchEntityException) return undefined;
        throw error;
      },
    );
    if (!role) return undefined;
    const identity: Record<string, PolicyDocument> = {};
    const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const name of PolicyNames) {
      const { PolicyDocument } = await iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
      );
      identity[name] = parse(PolicyDocument);
    }
    const { AttachedPolicies = [] } = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
    );
    for (const attached of AttachedPolicies) {
      if (attached.PolicyArn)
        identity[attached.PolicyName ?? attached.PolicyArn] = await managedDocument(attached.PolicyArn);
    }
    const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      identity,
      ...(boundaryArn && { permissionsBoundary: await managedDocument(boundaryArn) }),
    };
  }

  return {
    get(roleName) {
      const cached = cache.get(roleName);
      if (cached && Date.now() - cached.loaded < options.cacheMs) return cached.policies;
      const policies = load(roleName);
      cache.set(roleName, { loaded: Date.now(), policies });
      // A failed read is not remembered: the next call tries IAM again.
      policies.catch(() => cache.delete(roleName));
      return policies;
    },
    forget: () => cache.clear(),
  };
}
