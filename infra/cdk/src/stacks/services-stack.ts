import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ECS_CLUSTER_NAME, type KeylessIamModel } from '../iam/iam-model.ts';
import { ModelRole } from '../iam/model-role.ts';
import { API_PORT, commonEnvironment, WORKER_HEALTH_PORT } from '../service-environment.ts';
import { admitToDatabase } from './database-access.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';
import type { ImageName } from './pipeline-stack.ts';
import { WebAcl } from './web-acl.ts';

export interface ServicesStackProps extends KeylessStackProps {
  model: KeylessIamModel;
  vpc: ec2.IVpc;
  repositories: Record<ImageName, ecr.IRepository>;
  accessLogs: s3.IBucket;
  userPool: cognito.IUserPool;
  webClient: cognito.IUserPoolClient;
  uploadsTable: dynamodb.ITableV2;
  ledgerEvents: sqs.IQueue;
  databaseSecurityGroupId: string;
  writerSecret: secretsmanager.ISecret;
}

// ECS sends SIGTERM only after the load balancer has drained the task (deregistration delay);
// the task then has the stop timeout to finish in-flight work before SIGKILL.
const DEREGISTRATION_DELAY = Duration.seconds(30);
const STOP_TIMEOUT = Duration.seconds(45);

/** `node` is in every service image; a missing or failing /healthz marks the container unhealthy. */
const nodeHealthCheck = (port: number): ecs.HealthCheck => ({
  command: [
    'CMD',
    'node',
    '-e',
    `fetch('http://127.0.0.1:${port}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ],
  interval: Duration.seconds(15),
  timeout: Duration.seconds(5),
  retries: 3,
  startPeriod: Duration.seconds(20),
});

/**
 * The ECS services: `api` behind an internet-facing ALB (HTTPS only, WAF, access logs) and
 * `ledger-worker` without a load balancer. Each task has its model role as task role and a
 * separate execution role for pulling the image and writing logs.
 */
export class ServicesStack extends KeylessStack {
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly apiTargets: elbv2.ApplicationTargetGroup;
  readonly api: ecs.FargateService;
  readonly worker: ecs.FargateService;
  readonly workerSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { vpc, model } = props;
    const imageTag = this.settings.imageTag;
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: ECS_CLUSTER_NAME,
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    /** A Fargate task running one hardened container of the named image, as the given role. */
    const fargateTask = (
      name: ImageName,
      role: ModelRole,
      options: Pick<ecs.ContainerDefinitionOptions, 'environment' | 'healthCheck' | 'portMappings'>,
    ) => {
      const task = new ecs.FargateTaskDefinition(this, `${name}Task`, {
        family: `keyless-${name}`,
        cpu: 512,
        memoryLimitMiB: 1024,
        taskRole: role.role,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.ARM64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
        // The root filesystem is read-only; /tmp is the one writable place.
        volumes: [{ name: 'tmp' }],
      });
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        logGroupName: `/keyless/ecs/${name}`,
        retention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const container = task.addContainer(name, {
        containerName: name,
        image: ecs.ContainerImage.fromEcrRepository(props.repositories[name], imageTag),
        logging: ecs.LogDrivers.awsLogs({
          logGroup,
          streamPrefix: name,
          mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        }),
        readonlyRootFilesystem: true,
        // An init process as PID 1: signals reach node, zombies are reaped.
        linuxParameters: new ecs.LinuxParameters(this, `${name}Linux`, { initProcessEnabled: true }),
        // The images run as the `node` user already; the task definition insists.
        user: '1000:1000',
        stopTimeout: STOP_TIMEOUT,
        ...options,
      });
      container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
      return task;
    };

    // api -------------------------------------------------------------------------------------
    const apiRole = new ModelRole(this, 'ApiRole', { definition: model.role('api') });
    const apiTask = fargateTask('api', apiRole, {
      portMappings: [{ containerPort: API_PORT, name: 'http' }],
      healthCheck: nodeHealthCheck(API_PORT),
      environment: {
        ...commonEnvironment('api'),
        AWS_REGION: this.region,
        PORT: String(API_PORT),
        COGNITO_USER_POOL_ID: props.userPool.userPoolId,
        COGNITO_CLIENT_ID: props.webClient.userPoolClientId,
        UPLOADS_TABLE: props.uploadsTable.tableName,
        FILES_BUCKET: model.params.names.bucket,
        // The api stops accepting, drains and exits before ECS sends SIGKILL.
        STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT.toSeconds() - 5),
      },
    });

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'api load balancer: HTTPS (and HTTP, redirected) from the internet',
      allowAllOutbound: false,
    });
    loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    loadBalancerSecurityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(80),
      'HTTP, redirected to HTTPS',
    );
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
      // The api's keep-alive timeout (65 s) is above this, so the ALB always closes first.
      idleTimeout: Duration.seconds(60),
      deletionProtection: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogs, 'alb');

    this.apiTargets = new elbv2.ApplicationTargetGroup(this, 'ApiTargets', {
      vpc,
      port: API_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: DEREGISTRATION_DELAY,
      healthCheck: {
        path: '/readyz',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(this.settings.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.apiTargets],
      open: false,
    });
    this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      open: false,
    });
    new WebAcl(this, 'WebAcl', { name: 'keyless-api', resourceArn: this.loadBalancer.loadBalancerArn });

    const apiSecurityGroup = new ec2.SecurityGroup(this, 'ApiSecurityGroup', {
      vpc,
      description: 'api tasks: traffic from the load balancer only',
      allowAllOutbound: false,
    });
    // AWS APIs (through the VPC endpoints) and the Cognito JWKS; nothing else.
    apiSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');
    this.api = new ecs.FargateService(this, 'ApiService', {
      cluster: this.cluster,
      serviceName: 'api',
      taskDefinition: apiTask,
      desiredCount: 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: privateSubnets,
      securityGroups: [apiSecurityGroup],
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    this.api.attachToApplicationTargetGroup(this.apiTargets);

    // ledger-worker ---------------------------------------------------------------------------
    const workerRole = new ModelRole(this, 'LedgerWorkerRole', { definition: model.role('ledger-worker') });
    const workerTask = fargateTask('ledger-worker', workerRole, {
      healthCheck: nodeHealthCheck(WORKER_HEALTH_PORT),
      environment: {
        ...commonEnvironment('ledger-worker'),
        AWS_REGION: this.region,
        HEALTH_PORT: String(WORKER_HEALTH_PORT),
        QUEUE_URL: props.ledgerEvents.queueUrl,
        // The secret's ARN, not its value: the worker reads it with its task role and re-reads
        // it after a rotation.
        WRITER_SECRET_ID: props.writerSecret.secretArn,
        // The worker drains, publishes its last metrics and exits before ECS sends SIGKILL.
        STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT.toSeconds() - 5),
      },
    });

    this.workerSecurityGroup = new ec2.SecurityGroup(this, 'LedgerWorkerSecurityGroup', {
      vpc,
      description: 'ledger-worker tasks: no inbound traffic',
      allowAllOutbound: false,
    });
    this.workerSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs');
    admitToDatabase(
      this,
      'Database',
      props.databaseSecurityGroupId,
      this.workerSecurityGroup,
      'ledger-worker',
    );
    this.worker = new ecs.FargateService(this, 'LedgerWorkerService', {
      cluster: this.cluster,
      serviceName: 'ledger-worker',
      taskDefinition: workerTask,
      desiredCount: 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: privateSubnets,
      securityGroups: [this.workerSecurityGroup],
      assignPublicIp: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });

    new CfnOutput(this, 'LoadBalancerDnsName', { value: this.loadBalancer.loadBalancerDnsName });
  }
}
