// Who may reach what. The database is the crown jewel: only the ledger-worker tasks, the ledger's
// RDS Proxy and the secret rotation functions, on 5432, and nothing by address range; the EKS nodes
// (usage-reporter) reach the proxy only.
import { describe, expect, it } from 'vitest';
import { allResources, defined, onlyResource, resourcesOf, type CfnResourceJson } from './assembly.ts';

const text = (value: unknown) => JSON.stringify(value);
const refersTo = (value: unknown, logicalIdOrOutput: string) => text(value).includes(logicalIdOrOutput);
const groupId = (stack: Parameters<typeof resourcesOf>[0], description: RegExp) => {
  const found = resourcesOf(stack, 'AWS::EC2::SecurityGroup').filter(([, group]) =>
    description.test(String(group.Properties.GroupDescription)),
  );
  expect(found.length, String(description)).toBe(1);
  return defined(found[0], String(description))[0];
};

const ingressRules = allResources('AWS::EC2::SecurityGroupIngress');
const databaseGroup = groupId('data', /^ledger database/);

describe('ledger database security group', () => {
  const toDatabase = ingressRules.filter(({ resource }) =>
    refersTo(resource.Properties.GroupId, databaseGroup),
  );

  // The proxy's rule is the DatabaseProxy construct's, on the instance's port (declared as 5432).
  const instancePort = (port: unknown) =>
    text(port) === text({ 'Fn::GetAtt': [onlyResource('data', 'AWS::RDS::DBInstance')[0], 'Endpoint.Port'] })
      ? 5432
      : port;

  it('admits exactly the ledger-worker, the ledger proxy and secret rotation, on 5432 only', () => {
    const sources = toDatabase.map(({ stack, resource }) => {
      const { SourceSecurityGroupId, FromPort, ToPort, IpProtocol, CidrIp, CidrIpv6 } = resource.Properties;
      expect({
        FromPort: instancePort(FromPort),
        ToPort: instancePort(ToPort),
        IpProtocol,
        CidrIp,
        CidrIpv6,
      }).toEqual({
        FromPort: 5432,
        ToPort: 5432,
        IpProtocol: 'tcp',
        CidrIp: undefined,
        CidrIpv6: undefined,
      });
      return { stack, source: text(SourceSecurityGroupId) };
    });
    const worker = groupId('services', /^ledger-worker tasks/);
    const rotation = groupId('data', /rotation functions/);
    const proxy = groupId('data', /^ledger RDS Proxy/);
    expect(sources).toHaveLength(3);
    expect(sources).toEqual(
      expect.arrayContaining([
        { stack: 'services', source: text({ 'Fn::GetAtt': [worker, 'GroupId'] }) },
        { stack: 'data', source: text({ 'Fn::GetAtt': [rotation, 'GroupId'] }) },
        { stack: 'data', source: text({ 'Fn::GetAtt': [proxy, 'GroupId'] }) },
      ]),
    );
  });

  it('the ledger proxy admits the EKS nodes only, on 5432', () => {
    const proxy = groupId('data', /^ledger RDS Proxy/);
    const toProxy = ingressRules.filter(({ resource }) => refersTo(resource.Properties.GroupId, proxy));
    expect(
      toProxy.map(({ stack, resource }) => ({
        stack,
        port: resource.Properties.FromPort,
        source: text(resource.Properties.SourceSecurityGroupId),
      })),
    ).toEqual([{ stack: 'eks', port: 5432, source: expect.stringContaining('ClusterSecurityGroupId') }]);
  });

  it('has no inline ingress and no egress', () => {
    const [, group] = defined(
      resourcesOf('data', 'AWS::EC2::SecurityGroup').find(([id]) => id === databaseGroup),
      'database security group',
    );
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32' }),
    ]);
  });

  it('is the only security group of the database instance, which is not publicly accessible', () => {
    const [[, instance]] = resourcesOf('data', 'AWS::RDS::DBInstance') as [[string, CfnResourceJson]];
    expect(instance.Properties.VPCSecurityGroups).toEqual([{ 'Fn::GetAtt': [databaseGroup, 'GroupId'] }]);
    expect(instance.Properties.PubliclyAccessible).toBe(false);
  });
});

describe('internet exposure', () => {
  const openToWorld = (rule: Record<string, unknown>) =>
    rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0';

  it('only the load balancer accepts traffic from the internet, on 443 and 80', () => {
    const open = allResources('AWS::EC2::SecurityGroup').flatMap(({ stack, id, resource }) =>
      ((resource.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[])
        .filter(openToWorld)
        .map((rule) => ({ stack, id, port: rule.FromPort, toPort: rule.ToPort })),
    );
    const alb = groupId('services', /^api load balancer/);
    expect(open.sort((a, b) => Number(a.port) - Number(b.port))).toEqual([
      { stack: 'services', id: alb, port: 80, toPort: 80 },
      { stack: 'services', id: alb, port: 443, toPort: 443 },
    ]);
    expect(ingressRules.filter(({ resource }) => openToWorld(resource.Properties))).toEqual([]);
  });

  it('api tasks accept only the load balancer, on the container port', () => {
    const api = groupId('services', /^api tasks/);
    const rules = ingressRules.filter(({ resource }) => refersTo(resource.Properties.GroupId, api));
    expect(rules.map(({ resource }) => resource.Properties)).toEqual([
      expect.objectContaining({
        FromPort: 8080,
        ToPort: 8080,
        SourceSecurityGroupId: { 'Fn::GetAtt': [groupId('services', /^api load balancer/), 'GroupId'] },
      }),
    ]);
  });

  it('ledger-worker tasks accept nothing', () => {
    const worker = groupId('services', /^ledger-worker tasks/);
    expect(ingressRules.filter(({ resource }) => refersTo(resource.Properties.GroupId, worker))).toEqual([]);
  });
});
