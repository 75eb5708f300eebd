// The `upload-processor` container: the local Lambda runtime running that one function, as the
// Lambda service would. The function's definition mirrors infra/cdk's (handler, memory, timeout,
// environment); the runtime's own settings come from the container's environment.
import { resolve } from 'node:path';
import { awsEnv, httpUrl, serviceEnv } from '@keyless/config';
import type { FunctionDefinition } from '@keyless/local-lambda';
import * as z from 'zod';

export const FUNCTION_NAME = 'upload-processor';
const repoRoot = resolve(import.meta.dirname, '../../..');

export const uploadProcessorRuntimeEnv = z.object({
  ...awsEnv.shape,
  ...serviceEnv.shape,
  /**
   * The emulator: the runtime is the Lambda service, so it sets the S3 trigger, polls its event
   * queue and sends to the failure destination there directly, as its administrator.
   */
  AWS_ENDPOINT_URL: httpUrl,
  /**
   * The function's AWS endpoint (its AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS): the permission
   * gate, which knows the function's keys because the identity container issued them.
   */
  FUNCTION_AWS_ENDPOINT_URL: httpUrl,
  /**
   * The function's NODE_EXTRA_CA_CERTS: the local CA that signed the gate's HTTPS certificate (the
   * identity container's KEYLESS_CA_FILE, on a volume this container mounts read-only). Unset, the
   * function trusts only the public CAs.
   */
  FUNCTION_NODE_EXTRA_CA_CERTS: z.optional(z.string().min(1)),
  /** The execution role, assumed as lambda.amazonaws.com (its trust policy is checked). */
  FUNCTION_ROLE_ARN: z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/, 'expected an IAM role ARN'),
  /**
   * Where the execution role's credentials come from: the identity container's function
   * credentials endpoint, for this function (`…/functions/upload-processor/credentials`).
   */
  FUNCTION_CREDENTIALS_URL: httpUrl,
  /** The token that endpoint asks for, on a volume only this container and identity mount; read at every request. */
  FUNCTION_CREDENTIALS_TOKEN_FILE: z.string().min(1),
  /** The bucket whose `incoming/` objects trigger the function. */
  FILES_BUCKET: z.string().min(3),
  UPLOADS_TABLE: z.string().min(1),
  /** Passed to the function: on its endpoint's origin, since the SQS client sends to a QueueUrl's host. */
  LEDGER_EVENTS_QUEUE_URL: httpUrl,
  /** The on-failure destination of the asynchronous invocations. */
  FAILURE_QUEUE_URL: httpUrl,
  /** Where the function's spans go, as an OpenTelemetry Lambda layer would send them; none when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.optional(httpUrl),
  /** Created once the role was assumed and the trigger is in place: the container's health check. */
  READY_FILE: z.string().min(1),
});

export type UploadProcessorRuntimeConfig = z.output<typeof uploadProcessorRuntimeEnv>;

/** What infra/cdk deploys: the bundle, 512 MB, five minutes, and the function's own variables. */
export function uploadProcessorFunction(config: UploadProcessorRuntimeConfig): FunctionDefinition {
  return {
    functionName: FUNCTION_NAME,
    codeDirectory: resolve(repoRoot, 'apps/upload-processor/dist'),
    handler: 'index.handler',
    roleArn: config.FUNCTION_ROLE_ARN,
    region: config.AWS_REGION,
    memorySizeMb: 512,
    timeoutSeconds: 300,
    environment: {
      DEPLOY_ENV: config.DEPLOY_ENV,
      LOG_LEVEL: config.LOG_LEVEL,
      UPLOADS_TABLE: config.UPLOADS_TABLE,
      LEDGER_EVENTS_QUEUE_URL: config.LEDGER_EVENTS_QUEUE_URL,
      NODE_OPTIONS: '--enable-source-maps',
      AWS_ENDPOINT_URL: config.FUNCTION_AWS_ENDPOINT_URL,
      AWS_ENDPOINT_URL_STS: config.FUNCTION_AWS_ENDPOINT_URL,
      ...(config.FUNCTION_NODE_EXTRA_CA_CERTS && {
        NODE_EXTRA_CA_CERTS: config.FUNCTION_NODE_EXTRA_CA_CERTS,
      }),
    },
  };
}
