import { spawnSync } from 'node:child_process';
import { SQSClient } from '@aws-sdk/client-sqs';
import { adminClients, type EmulatorTarget } from '@keyless/emulator-admin';
import { lambdaCredentialEnvironment, type ServiceCredentialIssuer } from '@keyless/identity-plane';
import type { Logger } from '@keyless/logging';
import { createAsyncInvoker, type InvocationReport } from './async-invoker.ts';
import { assertBundleBuilt } from './function-bundle.ts';
import { startEventPoller } from './event-poller.ts';
import { sqsFailureDestination } from './failure-destination.ts';
import { functionArn as arnOf, type FunctionDefinition } from './function-definition.ts';
import { assertNoReservedVariables } from './lambda-environment-variables.ts';
import { createEnvironmentPool } from './runtime/environment-pool.ts';
import { startExecutionEnvironment } from './runtime/execution-environment.ts';
import { configureS3Trigger, type S3Trigger } from './s3-trigger.ts';

export interface LocalLambdaOptions {
  function: FunctionDefinition;
  trigger: S3Trigger;
  /** The on-failure destination of asynchronous invocations (an SQS queue). */
  failureDestination: { queueUrl: string };
  /** The emulator holding the bucket and queues; the runtime configures it as its administrator. */
  emulator: EmulatorTarget;
  /** The STS front's AssumeRole for service principals: checks the role trusts lambda.amazonaws.com. */
  issuer: ServiceCredentialIssuer;
  /** The runtime's own lines (cold starts, REPORT, retries, failures) and the identity decisions. */
  logger: Logger;
  /** Reserved concurrency; default 2. */
  concurrency?: number;
  /** Default 2, as Lambda's default for asynchronous invocations. */
  maximumRetryAttempts?: number;
  /** Default [1, 2]: Lambda waits about 1 and 2 minutes, a local run need not. */
  retryDelaysSeconds?: number[];
  /** Default `<function>-events`. */
  eventQueueName?: string;
  /** Start each environment with `@keyless/telemetry/register`, as an OpenTelemetry Lambda layer would. */
  telemetry?: { tracesFile?: string; otlpEndpoint?: string };
  /** The function's stdout/stderr lines; default: this process's stdout. */
  output?: (line: string) => void;
  onInvocation?: (report: InvocationReport) => void;
  /** Default: the Node.js running this process, which must be 24 (nodejs24.x). */
  nodeExecutable?: string;
  /** Default 240: below the 300 s after which the runtime client's long poll would time out. */
  idleTimeoutSeconds?: number;
  /** Default 10, Lambda's limit for the init phase. */
  initTimeoutSeconds?: number;
}

export interface LocalLambda {
  functionArn: string;
  /** The queue S3 notifies (Lambda's internal event queue, made visible). */
  eventQueueUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs a function the way Lambda runs it for an S3 trigger: S3 notifications become asynchronous
 * invocations of the bundled handler in Node.js 24 processes that have only the Lambda
 * environment and the execution role's credentials, with the function's timeout and memory,
 * two retries, then the failure destination. See the README for how it differs from AWS.
 */
export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  assertBundleBuilt(options.function);
  const fn = withTelemetryEnvironment(options);
  assertNoReservedVariables(options.function.environment);
  const nodeExecutable = options.nodeExecutable ?? process.execPath;
  assertNode24(nodeExecutable);
  const functionArn = arnOf(fn);
  const { logger } = options;
  const session = () =>
    lambdaCredentialEnvironment(
      options.issuer,
      { roleArn: fn.roleArn, functionName: fn.functionName, region: fn.region },
      logger,
    );
  // Assume the role once up front: a role that does not trust Lambda fails here, with the reason.
  let roleSession = await session();
  const initTimeoutSeconds = options.initTimeoutSeconds ?? 10;
  const maximumRetryAttempts = options.maximumRetryAttempts ?? 2;
  const retryDelaysSeconds = options.retryDelaysSeconds ?? [1, 2];

  const pool = createEnvironmentPool({
    concurrency: options.concurrency ?? 2,
    idleTimeoutMs: (options.idleTimeoutSeconds ?? 240) * 1000,
    // An invocation must finish before the environment's credentials expire.
    retireMarginMs: (fn.timeoutSeconds + 60) * 1000,
    start: async () => {
      const environment = await startExecutionEnvironment({
        fn,
        functionArn,
        nodeExecutable,
        nodeArguments: options.telemetry
          ? ['--import', import.meta.resolve('@keyless/telemetry/register')]
          : [],
        credentials: session,
        output: options.output ?? ((line) => process.stdout.write(`${line}\n`)),
        initTimeoutMs: initTimeoutSeconds * 1000,
      });
      logger.info(
        {
          event: 'lambda.init',
          function: fn.functionName,
          environmentId: environment.id,
          initDurationMs: round(environment.initDurationMs),
        },
        `cold start of ${fn.functionName}`,
      );
      return environment;
    },
  });

  // Lambda sends to the destination with the execution role, refreshed before it expires.
  const destinationSqs = new SQSClient({
    region: options.emulator.region,
    endpoint: options.emulator.endpoint,
    credentials: async () => {
      if (roleSession.expiration.getTime() - Date.now() < 5 * 60_000) roleSession = await session();
      const { environment, expiration } = roleSession;
      return {
        accessKeyId: environment.AWS_ACCESS_KEY_ID,
        secretAccessKey: environment.AWS_SECRET_ACCESS_KEY,
        sessionToken: environment.AWS_SESSION_TOKEN,
        expiration,
      };
    },
  });
  const sendToDestination = sqsFailureDestination(options.failureDestination.queueUrl, destinationSqs);

  const invokeAsync = createAsyncInvoker({
    pool,
    functionArn,
    memorySizeMb: fn.memorySizeMb,
    maximumRetryAttempts,
    retryDelaysMs: retryDelaysSeconds.map((seconds) => seconds * 1000),
    sendToFailureDestination: async (record) => {
      await sendToDestination(record);
      logger.warn(
        {
          event: 'lambda.failure-destination',
          requestId: record.requestContext.requestId,
          error: record.responsePayload,
        },
        `event sent to the failure destination after ${record.requestContext.approximateInvokeCount} attempts`,
      );
    },
    onInvocation: (report) => {
      const { event: _event, response: _response, ...line } = report;
      const level = report.status === 'success' ? 'info' : 'warn';
      logger[level](
        { event: 'lambda.report', function: fn.functionName, ...line, durationMs: round(report.durationMs) },
        'REPORT',
      );
      options.onInvocation?.(report);
    },
  });

  const admin = adminClients(options.emulator);
  // Long enough for every attempt of one event, so SQS never hands it out twice meanwhile.
  const attempts = maximumRetryAttempts + 1;
  const visibilityTimeoutSeconds = Math.ceil(
    attempts * (fn.timeoutSeconds + initTimeoutSeconds) +
      retryDelaysSeconds.reduce((sum, s) => sum + s, 0) +
      60,
  );
  const trigger = await configureS3Trigger(admin, options.trigger, {
    name: options.eventQueueName ?? `${fn.functionName}-events`,
    visibilityTimeoutSeconds,
  });
  const poller = startEventPoller({
    sqs: admin.sqs,
    queueUrl: trigger.queueUrl,
    maxInFlight: Math.max(10, (options.concurrency ?? 2) * 2),
    invokeAsync,
    logger,
  });

  return {
    functionArn,
    eventQueueUrl: trigger.queueUrl,
    async stop() {
      await trigger.remove();
      await poller.stop();
      await pool.close();
      destinationSqs.destroy();
    },
  };
}

function withTelemetryEnvironment({ function: fn, telemetry }: LocalLambdaOptions): FunctionDefinition {
  if (!telemetry) return fn;
  return {
    ...fn,
    environment: {
      OTEL_SERVICE_NAME: fn.functionName,
      ...(telemetry.tracesFile && { KEYLESS_TRACES_FILE: telemetry.tracesFile }),
      ...(telemetry.otlpEndpoint && { OTEL_EXPORTER_OTLP_ENDPOINT: telemetry.otlpEndpoint }),
      ...fn.environment,
    },
  };
}

function assertNode24(nodeExecutable: string): void {
  const { stdout } = spawnSync(nodeExecutable, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (!stdout?.startsWith('24.')) {
    throw new Error(`nodejs24.x needs Node.js 24; ${nodeExecutable} is ${stdout?.trim() || 'not runnable'}`);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
