import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  EntityAlreadyExistsException,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateSAMLProviderCommand,
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

/** Registers the IdP's metadata under the provider's name, or replaces it (a restarted IdP has a new key). */
async function ensureSamlProvider(
  iam: IAMClient,
  accountId: string,
  name: string,
  metadata: string,
): Promise<string> {
  try {
    const { SAMLProviderArn } = await iam.send(
      new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: metadata }),
    );
    if (!SAMLProviderArn) throw new Error(`no ARN for SAML provider ${name}`);
    return SAMLProviderArn;
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
    const arn = `arn:aws:iam::${accountId}:saml-provider/${name}`;
    await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: metadata }));
    return arn;
  }
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

/**
 * Registers the model's OIDC providers and, given the local IdP's metadata, its SAML provider;
 * then creates or updates every role with its policies.
 */
export async function ensureRoles(
  iam: IAMClient,
  model: IamModel,
  saml?: { accountId: string; metadata: string },
) {
  const oidcProviders: Record<string, string> = {};
  for (const provider of model.oidcProviders) {
    oidcProviders[provider.issuer] = await ensureOidcProvider(iam, provider.issuer, provider.clientIds);
  }
  const samlProviders: Record<string, string> = {};
  for (const provider of saml ? model.samlProviders : []) {
    samlProviders[provider.name] = await ensureSamlProvider(
      iam,
      saml?.accountId ?? '',
      provider.name,
      saml?.metadata ?? '',
    );
  }
  const roles: Record<string, string> = {};
  for (const role of model.roles) roles[role.name] = await ensureRole(iam, role);
  return { oidcProviders, samlProviders, roles };
}
