import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, resourcesOf, synthesizedModel, template } from './assembly.ts';

const { settings } = synthesizedModel();
const network = template('network');

describe('VPC', () => {
  it('has public, private and isolated subnets in every configured Availability Zone', () => {
    const subnets = resourcesOf('network', 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties);
    const typeOf = (subnet: Record<string, unknown>) =>
      (subnet.Tags as { Key: string; Value: string }[]).find((tag) => tag.Key === 'aws-cdk:subnet-type')
        ?.Value;
    for (const type of ['Public', 'Private', 'Isolated']) {
      const zones = subnets
        .filter((subnet) => typeOf(subnet) === type)
        .map((subnet) => subnet.AvailabilityZone);
      expect(zones.sort(), type).toEqual([...settings.availabilityZones].sort());
    }
    expect(settings.availabilityZones.length).toBeGreaterThanOrEqual(2);
  });

  it('gives isolated subnets no route out of the VPC', () => {
    const routes = resourcesOf('network', 'AWS::EC2::Route').map(([id, route]) => ({
      id,
      ...route.Properties,
    }));
    expect(routes.filter((route) => route.id.includes('isolated'))).toEqual([]);
    const privateRoutes = routes.filter((route) => route.id.includes('private'));
    expect(privateRoutes.length).toBe(settings.availabilityZones.length);
    for (const route of privateRoutes) expect(route).toHaveProperty('NatGatewayId');
  });

  it('has S3 and DynamoDB gateway endpoints', () => {
    for (const service of ['s3', 'dynamodb']) {
      network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`.${service}`])] }),
      });
    }
  });

  it('has interface endpoints for Secrets Manager, SQS, STS, ECR and CloudWatch Logs, reachable from the VPC only', () => {
    const endpoints = resourcesOf('network', 'AWS::EC2::VPCEndpoint')
      .map(([, endpoint]) => endpoint.Properties)
      .filter((endpoint) => endpoint.VpcEndpointType === 'Interface');
    const services = endpoints
      .map((endpoint) => String(endpoint.ServiceName).split('.').slice(3).join('.'))
      .sort();
    expect(services).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'sqs', 'sts']);
    for (const endpoint of endpoints) expect(endpoint.PrivateDnsEnabled).toBe(true);
    network.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('interface endpoints'),
      SecurityGroupIngress: [
        {
          CidrIp: '10.40.0.0/16',
          FromPort: 443,
          ToPort: 443,
          IpProtocol: 'tcp',
          Description: Match.anyValue(),
        },
      ],
    });
  });

  it('logs all traffic with flow logs into a log group with retention', () => {
    network.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    const [, group] = onlyResource('network', 'AWS::Logs::LogGroup');
    expect(group.Properties.RetentionInDays).toBe(365);
  });
});
