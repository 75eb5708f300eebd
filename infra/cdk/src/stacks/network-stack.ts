import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

/**
 * The VPC: public subnets for the load balancer and NAT, private subnets (with egress) for ECS
 * tasks and EKS nodes, isolated subnets (no route out) for the database. AWS APIs the workloads
 * call are reached through VPC endpoints, so that traffic never leaves the AWS network.
 */
export const VPC_CIDR = '10.40.0.0/16';

export class NetworkStack extends KeylessStack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: KeylessStackProps) {
    super(scope, id, props);
    const zones = this.settings.availabilityZones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: 'keyless',
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      availabilityZones: zones,
      // One NAT gateway per zone: losing a zone must not cut the others off.
      natGateways: zones.length,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        // /20: EKS gives every pod a VPC address.
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
    });

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
      maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
    });

    // Gateway endpoints are free and carry the bulk traffic (uploads, table reads).
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'VPC interface endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from the VPC');
    const interfaceEndpoints = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    };
    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        open: false,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
    }
  }
}
