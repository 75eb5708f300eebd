// The services of the brief as local processes, each with the credentials of its own role and
// nothing else in its environment: the same code that runs on ECS, Lambda and EKS.
import { join } from 'node:path';
import { migrate } from '@keyless/db/migrate';
import { freePort, repoRoot } from '@keyless/local-platform';
import { startLocalAlb, type LocalAlb } from '@keyless/local-alb';
import { startLocalLambda, type LocalLambda } from '@keyless/local-lambda';
import { startServiceProcess, type OutputLine, type ServiceProcess } from './service-process.ts';
import type { RunningSystem } from './start-system.ts';
import { runUsageReporter, serviceEnvironment } from './run-usage-reporter.ts';

export interface ServicesOptions {
  /** Every service appends its spans here (JSON lines), so one trace can be followed across hops. */
  tracesFile: string;
  output: OutputLine;
  /** How many `api` tasks sit behind the ALB. */
  apiInstances?: number;
}

export interface RunningServices {
  albUrl: string;
  alb: LocalAlb;
  lambda: LocalLambda;
  /** Runs the usage-reporter once, as its CronJob would, with the pod's IRSA variables; resolves to its exit code. */
  runReporter(): Promise<number>;
  stop(): Promise<void>;
}

const telemetryArgs = ['--import', '@keyless/telemetry/register', 'src/main.ts'];

/**
 * Starts, in dependency order: the ledger migrations (a separate step, as on AWS), the worker,
 * the API tasks, the ALB in front of them, and the local Lambda runtime. Each long-running
 * service must pass its health check before the next starts.
 */
export async function startServices(
  system: RunningSystem,
  options: ServicesOptions,
): Promise<RunningServices> {
  const d = { ...system.description, tracesFile: options.tracesFile };
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  const common = (service: string) => serviceEnvironment(d, service);
  const track = (service: ServiceProcess) => {
    stoppers.push(service.stop);
    return service;
  };
  try {
    await migrate({ connection: system.ledgerAdminUrl, log: (line) => options.output('migrations', line) });

    const workerPort = await freePort();
    const workerTask = await system.ecs.registerTask({
      roleArn: d.resources.roles['ledger-worker'] ?? '',
      family: 'ledger-worker',
    });
    track(
      await startServiceProcess(
        {
          name: 'ledger-worker',
          args: telemetryArgs,
          cwd: join(repoRoot, 'apps/ledger-worker'),
          env: {
            ...common('ledger-worker'),
            ...workerTask.environment,
            QUEUE_URL: d.resources.queues.ledgerEvents.url,
            WRITER_SECRET_ID: d.resources.names.writerSecret,
            HEALTH_PORT: String(workerPort),
            // The embedded PostgreSQL listens on loopback only; RDS gets verify-full with its CA bundle.
            DB_SSL_MODE: 'disable',
            WAIT_TIME_SECONDS: '2',
          },
          healthUrl: `http://127.0.0.1:${workerPort}/healthz`,
        },
        options.output,
      ),
    );

    const apiTargets: string[] = [];
    for (let instance = 1; instance <= (options.apiInstances ?? 2); instance++) {
      const port = await freePort();
      const task = await system.ecs.registerTask({ roleArn: d.resources.roles.api ?? '', family: 'api' });
      const { userPoolId, clientId } = d.resources.userDirectory;
      track(
        await startServiceProcess(
          {
            name: `api-${instance}`,
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
              DRAIN_DELAY_SECONDS: '1',
              STOP_TIMEOUT_SECONDS: '10',
            },
            healthUrl: `http://127.0.0.1:${port}/readyz`,
          },
          options.output,
        ),
      );
      apiTargets.push(`http://127.0.0.1:${port}`);
    }

    const alb = await startLocalAlb({
      targets: apiTargets,
      logger: system.logger.child({ service: 'alb' }),
      healthCheck: { intervalMs: 2_000, timeoutMs: 1_000 },
    });
    stoppers.push(alb.stop);

    const lambda = await startLocalLambda({
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
          LEDGER_EVENTS_QUEUE_URL: d.resources.queues.ledgerEvents.url,
          AWS_ENDPOINT_URL: d.endpoints.aws,
          AWS_ENDPOINT_URL_STS: d.identity.stsEndpoint,
        },
      },
      trigger: { bucket: d.resources.names.bucket, prefix: 'incoming/' },
      failureDestination: { queueUrl: d.resources.queues.uploadFailures.url },
      emulator: { endpoint: d.endpoints.aws, region: d.region },
      issuer: system.sts.issueServiceCredentials,
      logger: system.logger.child({ service: 'local-lambda' }),
      telemetry: { tracesFile: options.tracesFile },
      output: (line) => options.output('upload-processor', line),
      retryDelaysSeconds: [1, 2],
    });
    stoppers.push(lambda.stop);

    const runReporter = () =>
      runUsageReporter(d, options.output, d.identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE);

    return { albUrl: alb.url, alb, lambda, runReporter, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
