// The local identity plane enforces @keyless/iam-model; these tests prove the CDK app deploys
// exactly the same documents, and that nothing else grants those roles anything.
import { describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '@keyless/iam-model';
import {
  allResources,
  defined,
  deployedDocument,
  onlyResource,
  resourcesOf,
  roleNamed,
  synthesizedModel,
  templateJson,
} from './assembly.ts';

const { model } = synthesizedModel();

describe('roles deployed from the IAM model', () => {
  it.each(ROLE_NAMES)('%s: trust policy, inline policies and session length equal the model', (name) => {
    const definition = model.role(name);
    const { resource } = roleNamed(name);
    const properties = resource.Properties;
    expect(deployedDocument(properties.AssumeRolePolicyDocument)).toEqual(definition.assumeRolePolicy);
    const policies = properties.Policies as { PolicyName: string; PolicyDocument: unknown }[];
    expect(
      policies.map(({ PolicyName, PolicyDocument }) => ({
        PolicyName,
        PolicyDocument: deployedDocument(PolicyDocument),
      })),
    ).toEqual(
      Object.entries(definition.policies).map(([PolicyName, PolicyDocument]) => ({
        PolicyName,
        PolicyDocument,
      })),
    );
    expect(properties.MaxSessionDuration).toBe(definition.maxSessionDurationSeconds);
    expect(properties.Description).toBe(definition.description);
    expect(properties.ManagedPolicyArns).toBeUndefined();
    expect(properties.PermissionsBoundary).toBeUndefined();
  });

  it.each(ROLE_NAMES)('%s: no separate policy attaches to the role', (name) => {
    const { stack, id } = roleNamed(name);
    const attaching = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].flatMap(
      (type) =>
        allResources(type).filter(({ stack: where, resource }) => {
          const roles = JSON.stringify(resource.Properties?.Roles ?? resource.Properties?.RoleName ?? []);
          return where === stack && roles.includes(`"${id}"`);
        }),
    );
    expect(attaching).toEqual([]);
  });

  it('fills the real EKS issuer into the usage-reporter trust policy at deploy time', () => {
    const { resource } = roleNamed('usage-reporter');
    const [text, variables] = (
      resource.Properties.AssumeRolePolicyDocument as { 'Fn::Sub': [string, object] }
    )['Fn::Sub'];
    expect(text).not.toContain('.invalid');
    const [providerId] = resourcesOf('eks', 'AWS::IAM::OIDCProvider').map(([id]) => id);
    // The issuer is the provider ARN after "oidc-provider/", i.e. the cluster's issuer host and path.
    expect(variables).toEqual({
      EksOidcIssuer: { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: providerId }] }] },
    });
  });

  it("fills the ledger proxy's resource id into the usage-reporter's rds-db:connect grant at deploy time", () => {
    const { resource } = roleNamed('usage-reporter');
    const [policy] = resource.Properties.Policies as { PolicyDocument: { 'Fn::Sub': [string, object] } }[];
    const [text, variables] = defined(policy, 'the inline policy').PolicyDocument['Fn::Sub'];
    expect(text).toContain(':rds-db:eu-west-1:');
    expect(text).toContain(':dbuser:${LedgerProxyResourceId}/ledger_reader"');
    expect(text).not.toContain('slot');
    const [proxyId] = resourcesOf('data', 'AWS::RDS::DBProxy').map(([id]) => id);
    // The resource id is the proxy ARN's seventh field, imported from the data stack.
    const reference = JSON.stringify(variables);
    expect(reference).toMatch(/^\{"LedgerProxyResourceId":\{"Fn::Select":\[6,\{"Fn::Split":\[":",/);
    expect(reference).toContain('"StackName":"keyless-data"');
    expect(reference).toMatch(new RegExp(`${defined(proxyId, 'the proxy')}[0-9A-F]*DBProxyArn`));
  });

  it('registers both OIDC providers of the model with the model client IDs', () => {
    const github = defined(
      model.oidcProviders.find((provider) => provider.issuer === 'token.actions.githubusercontent.com'),
      'GitHub provider',
    );
    const [, githubProvider] = onlyResource('pipeline', 'AWS::IAM::OIDCProvider');
    expect(githubProvider.Properties).toMatchObject({
      Url: `https://${github.issuer}`,
      ClientIdList: github.clientIds,
    });

    const [, eksProvider] = onlyResource('eks', 'AWS::IAM::OIDCProvider');
    expect(eksProvider.Properties).toMatchObject({ ClientIdList: ['sts.amazonaws.com'] });
    const eks = templateJson('eks').Resources;
    const clusterId = Object.keys(eks).find((id) => eks[id]?.Type === 'AWS::EKS::Cluster');
    expect(JSON.stringify(eksProvider.Properties)).toContain(`"${clusterId}","OpenIdConnectIssuerUrl"`);
  });

  it('creates each web identity role after its OIDC provider (the model names providers by ARN)', () => {
    for (const name of ['deploy', 'diff'] as const) {
      const { resource } = roleNamed(name);
      const [providerId] = resourcesOf('pipeline', 'AWS::IAM::OIDCProvider').map(([id]) => id);
      expect(resource.DependsOn).toContain(providerId);
    }
  });
});
