// The ledger's RDS Proxy: the usage-reporter's only way to the ledger. IAM database authentication
// is required (no password is accepted from clients), TLS is required, and the proxy reaches the
// database with the reader's secret, which its own role alone may read.
import { describe, expect, it } from 'vitest';
import { defined, onlyResource, resourcesOf, roleNamed, templateJson } from './assembly.ts';

const [proxyId, proxy] = onlyResource('data', 'AWS::RDS::DBProxy');
const props = proxy.Properties as {
  Auth: Record<string, unknown>[];
  RequireTLS: boolean;
  RoleArn: unknown;
  EngineFamily: string;
  DebugLogging: boolean;
};
const secretRef = (logicalIdPrefix: string) => {
  const ids = Object.keys(templateJson('data').Resources).filter((id) => id.startsWith(logicalIdPrefix));
  return {
    Ref: defined(
      ids.find(
        (id) => templateJson('data').Resources[id]?.Type === 'AWS::SecretsManager::SecretTargetAttachment',
      ),
      logicalIdPrefix,
    ),
  };
};

describe('ledger RDS Proxy', () => {
  it('requires IAM authentication and TLS from every client, for PostgreSQL', () => {
    expect(props.EngineFamily).toBe('POSTGRESQL');
    expect(props.RequireTLS).toBe(true);
    expect(props.DebugLogging).toBe(false);
    expect(props.Auth).toEqual([
      expect.objectContaining({
        AuthScheme: 'SECRETS',
        IAMAuth: 'REQUIRED',
        SecretArn: secretRef('ReaderSecretAttachment'),
      }),
    ]);
  });

  it('targets the ledger instance', () => {
    const [, group] = onlyResource('data', 'AWS::RDS::DBProxyTargetGroup');
    const [instanceId] = onlyResource('data', 'AWS::RDS::DBInstance');
    expect(group.Properties).toMatchObject({
      DBProxyName: { Ref: proxyId },
      DBInstanceIdentifiers: [{ Ref: instanceId }],
    });
  });

  it('has its own role, trusted by RDS only, that reads the reader secret and nothing else', () => {
    const roleId = (props.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = defined(templateJson('data').Resources[roleId], 'the proxy role');
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' } }],
    });
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = resourcesOf('data', 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`),
    );
    expect(policies.map(([, policy]) => policy.Properties.PolicyDocument)).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          {
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: secretRef('ReaderSecretAttachment'),
          },
        ],
      },
    ]);
  });

  it('is the endpoint the usage-reporter is given (a stack output for infra/k8s)', () => {
    expect(templateJson('data').Outputs?.LedgerProxyEndpoint?.Value).toEqual({
      'Fn::GetAtt': [proxyId, 'Endpoint'],
    });
  });

  it('the usage-reporter role reads no secret: it may only connect as ledger_reader', () => {
    const text = JSON.stringify(roleNamed('usage-reporter').resource.Properties.Policies);
    expect(text).not.toContain('secretsmanager');
    expect(text).toContain('rds-db:connect');
  });
});
