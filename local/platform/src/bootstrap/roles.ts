import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { IamModel, RoleDefinition } from '@keyless/iam-model';

async function ensureOidcProvider(iam: IAMClient, issuer: string, clientIds: string[]): Promise<string> {
  const { OpenIDConnectProviderList = [] } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  const existing = OpenIDConnectProviderList.map((p) => p.Arn).find((arn) =>
    arn?.endsWith(`:oidc-provider/${issuer}`),
  );
  if (!existing) {
    const { OpenIDConnectProviderArn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: `https://${issuer}`, ClientIDList: clientIds }),
    );
    if (!OpenIDConnectProviderArn) throw new Error(`no ARN for OIDC provider ${issuer}`);
    return OpenIDConnectProviderArn;
  }
  const { ClientIDList = [] } = await iam.send(
    new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: existing }),
  );
  for (const clientId of clientIds.filter((id) => !ClientIDList.includes(id))) {
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: existing,
        ClientID: clientId,
      }),
    );
  }
  return existing;
}

async function ensureRole(iam: IAMClient, role: RoleDefinition): Promise<string> {
  const trust = JSON.stringify(role.assumeRolePolicy);
  let arn: string | undefined;
  try {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: role.name,
        Description: role.description,
        AssumeRolePolicyDocument: trust,
        MaxSessionDuration: role.maxSessionDurationSeconds,
      }),
    );
    arn = created.Role?.Arn;
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
    // Re-runs converge the trust policy to the model, so editing the model and re-running applies it.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: trust }));
  }
  for (const [policyName, document] of Object.entries(role.policies)) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role.name,
        PolicyName: policyName,
        PolicyDocument: JSON.stringify(document),
      }),
    );
  }
  arn ??= (await iam.send(new GetRoleCommand({ RoleName: role.name }))).Role?.Arn;
  if (!arn) throw new Error(`no ARN for role ${role.name}`);
  return arn;
}

/** Registers the model's OIDC providers and creates or updates every role with its policies. */
export async function ensureRoles(iam: IAMClient, model: IamModel) {
  const oidcProviders: Record<string, string> = {};
  for (const provider of model.oidcProviders) {
    oidcProviders[provider.issuer] = await ensureOidcProvider(iam, provider.issuer, provider.clientIds);
  }
  const roles: Record<string, string> = {};
  for (const role of model.roles) roles[role.name] = await ensureRole(iam, role);
  return { oidcProviders, roles };
}
