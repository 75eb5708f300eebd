// `node local/compose/src/run-upload-processor.ts`: the upload-processor container's process.
// The execution role is assumed as the Lambda service does (trust policy, aws:SourceArn) by the
// identity container, whose permission gate then knows the function's keys; the function's
// processes get only that role's credentials.
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '@keyless/config';
import { INCOMING_PREFIX } from '@keyless/contracts';
import { startLocalLambda } from '@keyless/local-lambda';
import { createLogger } from '@keyless/logging';
import { functionCredentialsFromIdentity } from './function-credentials-from-identity.ts';
import {
  FUNCTION_NAME,
  uploadProcessorFunction,
  uploadProcessorRuntimeEnv,
} from './upload-processor-runtime.ts';

const config = loadConfig(uploadProcessorRuntimeEnv);
const logger = createLogger({ service: 'local-lambda', level: config.LOG_LEVEL });
const emulator = { endpoint: config.AWS_ENDPOINT_URL, region: config.AWS_REGION };

const lambda = await startLocalLambda({
  function: uploadProcessorFunction(config),
  trigger: { bucket: config.FILES_BUCKET, prefix: INCOMING_PREFIX },
  failureDestination: { queueUrl: config.FAILURE_QUEUE_URL },
  emulator,
  issuer: functionCredentialsFromIdentity({
    url: config.FUNCTION_CREDENTIALS_URL,
    tokenFile: config.FUNCTION_CREDENTIALS_TOKEN_FILE,
  }),
  logger,
  ...(config.OTEL_EXPORTER_OTLP_ENDPOINT && {
    telemetry: { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT },
  }),
});
await writeFile(config.READY_FILE, `${lambda.functionArn}\n`);
logger.info({ function: FUNCTION_NAME, eventQueue: lambda.eventQueueUrl }, 'local Lambda runtime ready');

const stop = async () => {
  await lambda.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
