// `node local/compose/src/run-upload-processor.ts`: the upload-processor container's process.
// The runtime assumes the execution role as the Lambda service does, through the identity plane's
// STS logic (trust policy, aws:SourceArn) against the same emulator; the function's processes get
// only that role's credentials.
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '@keyless/config';
import { INCOMING_PREFIX } from '@keyless/contracts';
import { createDecisionLog, startStsFront } from '@keyless/identity-plane';
import { startLocalLambda } from '@keyless/local-lambda';
import { createLogger } from '@keyless/logging';
import {
  FUNCTION_NAME,
  uploadProcessorFunction,
  uploadProcessorRuntimeEnv,
} from './upload-processor-runtime.ts';

const config = loadConfig(uploadProcessorRuntimeEnv);
const logger = createLogger({ service: 'local-lambda', level: config.LOG_LEVEL });
const emulator = { endpoint: config.AWS_ENDPOINT_URL, region: config.AWS_REGION };

const sts = await startStsFront({ emulator, decisions: createDecisionLog() });
const lambda = await startLocalLambda({
  function: uploadProcessorFunction(config),
  trigger: { bucket: config.FILES_BUCKET, prefix: INCOMING_PREFIX },
  failureDestination: { queueUrl: config.FAILURE_QUEUE_URL },
  emulator,
  issuer: sts.issueServiceCredentials,
  logger,
  ...(config.OTEL_EXPORTER_OTLP_ENDPOINT && {
    telemetry: { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT },
  }),
});
await writeFile(config.READY_FILE, `${lambda.functionArn}\n`);
logger.info({ function: FUNCTION_NAME, eventQueue: lambda.eventQueueUrl }, 'local Lambda runtime ready');

const stop = async () => {
  await lambda.stop();
  await sts.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
