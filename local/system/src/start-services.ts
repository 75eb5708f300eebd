// The services of the brief as local processes, each with the credentials of its own role and
// nothing else in its environment: the same code that runs on ECS, Lambda and EKS.
import { join } from 'node:path';
import { INCOMING_PREFIX } from '@keyless/contracts';
import { migrate } from '@keyless/db/migrate';
import { freePort, repoRoot } from '@keyless/local-platform';
import { startLocalAlb, type LocalAlb } from '@keyless/local-alb';
import { startLocalLambda, type LocalLambda } from '@keyless/local-lambda';
import { outputLogger } from './log-output.ts';
import { loadBalancedTask, untilTargetsHealthy } from './load-balanced-task.ts';
import type { OutputLine } from './service-process.ts';
import type { RunningSystem } from './start-system.ts';
import { runUsageReporter, serviceEnvironment, viaGate } from './run-usage-reporter.ts';
import { superviseService, type SupervisedService, type SupervisorOptions } from './supervise-service.ts';

export interface ServicesOptions {
  /** Every service appends its spans here (JSON lines), so one trace can be followed across hops. */
  tracesFile: string;
  output: OutputLine;
  /** How many `api` tasks sit behind the ALB. */
  apiInstances?: number;
  /**
   * The ALB target group's deregistration delay: the most a stopping api task's in-flight requests
   * may take before SIGTERM (5 s by default; a stop waits only until they have finished).
   */
  deregistrationDelaySeconds?: number;
}

export interface RunningServices {
  albUrl: string;
  alb: LocalAlb;
  lambda: LocalLambda;
  /** The supervised ECS services' tasks by name: `ledger-worker`, `api-1`, `api-2`, … */
  services: ReadonlyMap<string, SupervisedService>;
  /** Runs the usage-reporter once, as its CronJob would, with the pod's IRSA variables; resolves to its exit code. */
  runReporter(): Promise<number>;
  stop(): Promise<void>;
}

const telemetryArgs = ['--import', '@keyless/telemetry/register', 'src/main.ts'];

/**
 * Starts, in dependency order: the ledger migrations (a separate step, as on AWS), the worker,
 * the ALB, the API tasks behind it, and the local Lambda runtime. Each long-running service must
 * pass its health check before the next starts. The worker and API tasks are supervised as ECS
 * services are (supervise-service.ts): a task that ends unexpectedly is replaced, with new task
 * credentials, and an API task joins the ALB only once healthy.
 */
export async function startServices(
  system: RunningSystem,
  options: ServicesOptions,
): Promise<RunningServices> {
  const d = { ...system.description, tracesFile: options.tracesFile };
  const services = new Map<string, SupervisedService>();
  let alb: LocalAlb | undefined;
  let lambda: LocalLambda | undefined;
  // API tasks are drained at the ALB before SIGTERM, so the ALB stops last; the worker and the
  // Lambda runtime depend on neither.
  const stop = async () => {
    await Promise.all([lambda?.stop(), ...[...services.values()].map((service) => service.stop())]);
    await alb?.stop();
  };
  const common = (service: string) => serviceEnvironment(d, service);
  const supervise = async (name: string, launch: SupervisorOptions['launch']) => {
    services.set(name, await superviseService({ name, launch, output: options.output }));
  };
  try {
    await migrate({ connection: system.ledgerAdminUrl, log: (line) => options.output('migrations', line) });

    await supervise('ledger-worker', async () => {
      const port = await freePort();
      const task = await system.ecs.registerTask({
        roleArn: d.resources.roles['ledger-worker'] ?? '',
        family: 'ledger-worker',
      });
      return {
        spec: {
          name: 'ledger-worker',
          args: telemetryArgs,
          cwd: join(repoRoot, 'apps/ledger-worker'),
          env: {
            ...common('ledger-worker'),
            ...task.environment,
            QUEUE_URL: viaGate(d, d.resources.queues.ledgerEvents.url),
            WRITER_SECRET_ID: d.resources.names.writerSecret,
            HEALTH_PORT: String(port),
            // The embedded PostgreSQL listens on loopback only; RDS gets verify-full with its CA bundle.
            DB_SSL_MODE: 'disable',
            WAIT_TIME_SECONDS: '2',
          },
          healthUrl: `http://127.0.0.1:${port}/healthz`,
          // ECS's default stopTimeout; the worker exits within its STOP_TIMEOUT_SECONDS (20 s by default).
          stopTimeoutMs: 30_000,
        },
        ended: task.deregister,
      };
    });

    const balancer = await startLocalAlb({
      targets: [],
      logger: outputLogger('alb', options.output),
      healthCheck: { intervalMs: 2_000, timeoutMs: 1_000 },
      deregistrationDelayMs: (options.deregistrationDelaySeconds ?? 5) * 1000,
    });
    alb = balancer;

    const apiInstances = options.apiInstances ?? 2;
    for (let instance = 1; instance <= apiInstances; instance++) {
      const name = `api-${instance}`;
      await supervise(name, async () => {
        const port = await freePort();
        const task = await system.ecs.registerTask({ roleArn: d.resources.roles.api ?? '', family: 'api' });
        const { userPoolId, clientId } = d.resources.userDirectory;
        const target = loadBalancedTask(balancer, `http://127.0.0.1:${port}`);
        return {
          spec: {
            name,
            args: telemetryArgs,
            cwd: join(repoRoot, 'apps/api'),
            env: {
              ...common('api'),
              ...task.environment,
              PORT: String(port),
              COGNITO_USER_POOL_ID: userPoolId,
              COGNITO_CLIENT_ID: clientId,
              COGNITO_JWKS_URI: `${d.endpoints.aws}/${userPoolId}/.well-known/jwks.json`,
              UPLOADS_TABLE: d.resources.names.uploadsTable,
              FILES_BUCKET: d.resources.names.bucket,
              // SIGTERM comes after the ALB has drained the task: this is only a safety margin.
              DRAIN_DELAY_SECONDS: '1',
              STOP_TIMEOUT_SECONDS: '10',
            },
            healthUrl: `http://127.0.0.1:${port}/readyz`,
            // As on ECS, above the api's STOP_TIMEOUT_SECONDS: the api exits by itself (1 if its stop
            // ran out) before the supervisor's SIGKILL.
            stopTimeoutMs: 15_000,
          },
          ...target,
          ended: () => {
            target.ended();
            task.deregister();
          },
        };
      });
    }
    await untilTargetsHealthy(balancer, apiInstances);

    lambda = await startLocalLambda({
      function: {
        functionName: 'upload-processor',
        codeDirectory: join(repoRoot, 'apps/upload-processor/dist'),
        handler: 'index.handler',
        roleArn: d.resources.roles['upload-processor'] ?? '',
        region: d.region,
        memorySizeMb: 512,
        timeoutSeconds: 60,
        environment: {
          UPLOADS_TABLE: d.resources.names.uploadsTable,
          LEDGER_EVENTS_QUEUE_URL: viaGate(d, d.resources.queues.ledgerEvents.url),
          AWS_ENDPOINT_URL: d.identity.gateTlsEndpoint,
          AWS_ENDPOINT_URL_STS: d.identity.gateTlsEndpoint,
          NODE_EXTRA_CA_CERTS: d.identity.caFile,
        },
      },
      trigger: { bucket: d.resources.names.bucket, prefix: INCOMING_PREFIX },
      failureDestination: { queueUrl: d.resources.queues.uploadFailures.url },
      emulator: { endpoint: d.endpoints.aws, region: d.region },
      issuer: system.sts.issueServiceCredentials,
      logger: outputLogger('local-lambda', options.output),
      telemetry: { tracesFile: options.tracesFile },
      output: (line) => options.output('upload-processor', line),
      retryDelaysSeconds: [1, 2],
    });

    const runReporter = () =>
      runUsageReporter(d, options.output, d.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE);

    return { albUrl: balancer.url, alb: balancer, lambda, services, runReporter, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
