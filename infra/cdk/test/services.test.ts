import { apiConfigSchema } from '@keyless/api';
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE } from '../src/index.ts';
import {
  defined,
  resourcesOf,
  roleNamed,
  synthesizedModel,
  template,
  type CfnResourceJson,
} from './assembly.ts';

const { settings } = synthesizedModel();
const services = template('services');
const tasks = resourcesOf('services', 'AWS::ECS::TaskDefinition');

interface Container {
  Name: string;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  ReadonlyRootFilesystem?: boolean;
  LinuxParameters?: { InitProcessEnabled?: boolean };
  User?: string;
  StopTimeout?: number;
  Image: unknown;
  LogConfiguration?: { LogDriver: string };
}
const containersOf = (task: CfnResourceJson) => task.Properties.ContainerDefinitions as Container[];

// Names that would carry a credential; *_SECRET_ID / *_SECRET_ARN carry a reference to one.
const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|SECRET)(?!_(ID|ARN)$)/i;
// Shapes of credentials: AWS access key IDs, PEM blocks, JWTs, long high-entropy strings.
const SECRET_VALUE = /(A(KI|SI)A[0-9A-Z]{16}|-----BEGIN|eyJ[\w-]+\.[\w-]+\.|[A-Za-z0-9+/=_-]{40,})/;

describe.each(tasks.map(([id, task]) => [task.Properties.Family as string, id, task] as const))(
  'task definition %s',
  (family, _id, task) => {
    const service = family.replace(/^keyless-/, '');
    const containers = containersOf(task);

    it('runs as the model role, with a separate execution role', () => {
      const taskRole = roleNamed(service).id;
      expect(task.Properties.TaskRoleArn).toEqual({ 'Fn::GetAtt': [taskRole, 'Arn'] });
      const execution = JSON.stringify(task.Properties.ExecutionRoleArn);
      expect(execution).not.toContain(taskRole);
      expect(execution).toMatch(/ExecutionRole/);
    });

    it('has no plaintext secrets in its environment', () => {
      for (const container of containers) {
        for (const { Name, Value } of container.Environment ?? []) {
          expect(Name, `${container.Name} ${Name}`).not.toMatch(SECRET_NAME);
          if (typeof Value === 'string') expect(Value, `${container.Name} ${Name}`).not.toMatch(SECRET_VALUE);
        }
        for (const secret of container.Secrets ?? [])
          expect(JSON.stringify(secret.ValueFrom)).toMatch(/arn:|Ref|GetAtt/);
      }
    });

    it('writes its metrics where the alarms read them, and exits before ECS sends SIGKILL', () => {
      for (const container of containers) {
        const env = Object.fromEntries((container.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
        expect(env.METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
        expect(Number(env.STOP_TIMEOUT_SECONDS)).toBeLessThan(defined(container.StopTimeout, 'StopTimeout'));
      }
    });

    it('hardens the container: read-only root, init process, non-root user, logs to CloudWatch', () => {
      for (const container of containers) {
        expect(container.ReadonlyRootFilesystem).toBe(true);
        expect(container.LinuxParameters?.InitProcessEnabled).toBe(true);
        expect(container.User).toBe('1000:1000');
        expect(container.LogConfiguration?.LogDriver).toBe('awslogs');
      }
    });

    it(`pulls the ${service} image by the tag from context`, () => {
      const image = JSON.stringify(containers[0]?.Image);
      expect(image).toContain(`:${settings.imageTag}"`);
      expect(image).toMatch(new RegExp(`PublishOutputRefRepository${service.replace('-', '')}`));
    });
  },
);

describe('the api service', () => {
  const apiTask = defined(
    tasks.find(([, task]) => task.Properties.Family === 'keyless-api'),
    'api task',
  );

  it('is registered with the target group, in private subnets, with a deployment circuit breaker', () => {
    services.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'api',
      TaskDefinition: { Ref: apiTask[0] },
      LoadBalancers: [Match.objectLike({ ContainerName: 'api', ContainerPort: 8080 })],
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      }),
    });
  });

  it('gives the api a configuration its schema accepts, and no variable the api ignores', () => {
    // Another stack's outputs, resolved at deploy time, stand in as values of their kind.
    const deployTime: Record<string, string> = {
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_ID: 'abc123',
      UPLOADS_TABLE: 'keyless-data-Uploads-1A2B3C',
    };
    const container = defined(containersOf(apiTask[1])[0], 'api container');
    const env = Object.fromEntries(
      (container.Environment ?? []).map(({ Name, Value }) => [
        Name,
        typeof Value === 'string' ? Value : defined(deployTime[Name], `a stand-in for ${Name}`),
      ]),
    );
    const config = apiConfigSchema.parse(env);
    // The OTEL_* variables are @keyless/telemetry's (read by its preload); every other one the api's.
    expect(Object.keys(env).filter((name) => !(name in config) && !name.startsWith('OTEL_'))).toEqual([]);
    expect(config).toMatchObject({ DEPLOY_ENV: 'prod', PORT: 8080, METRICS_NAMESPACE });
  });

  it('drains at the load balancer before the task stop timeout runs out', () => {
    const [[, group]] = resourcesOf('services', 'AWS::ElasticLoadBalancingV2::TargetGroup') as [
      [string, CfnResourceJson],
    ];
    const attributes = group.Properties.TargetGroupAttributes as { Key: string; Value: string }[];
    const delay = Number(attributes.find(({ Key }) => Key === 'deregistration_delay.timeout_seconds')?.Value);
    const stopTimeout = Number(containersOf(apiTask[1])[0]?.StopTimeout);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThan(stopTimeout);
    expect(group.Properties).toMatchObject({ HealthCheckPath: '/readyz', Port: 8080, TargetType: 'ip' });
  });
});

describe('the ledger-worker service', () => {
  it('runs without a load balancer and is given the writer secret by ARN only', () => {
    services.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'ledger-worker',
      LoadBalancers: [],
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    const [, worker] = defined(
      tasks.find(([, task]) => task.Properties.Family === 'keyless-ledger-worker'),
      'worker task',
    );
    const secretId = containersOf(worker)[0]?.Environment?.find(({ Name }) => Name === 'WRITER_SECRET_ID');
    expect(JSON.stringify(secretId?.Value)).toMatch(/"StackName":"keyless-data".*WriterSecretAttachment/);
  });
});

describe('the cluster', () => {
  it('is named keyless (the deploy role may roll its services) with Container Insights', () => {
    services.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'keyless',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
  });
});
