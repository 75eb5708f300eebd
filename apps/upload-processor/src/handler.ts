// The Lambda entry point (bundled by build/bundle.ts; the CDK app deploys the bundle). Everything
// at module level runs once per execution environment, in Lambda's init phase: configuration,
// logger, metrics and the SDK clients are set up at cold start and reused by warm invocations.
import { awsSettingsFrom, createDynamoDbDocumentClient, createS3Client, createSqsClient } from '@keyless/aws';
import { loadConfig } from '@keyless/config';
import { createLogger } from '@keyless/logging';
import { createMetrics } from '@keyless/metrics';
import { uploadProcessorEnv } from './config.ts';
import { createUploadProcessor } from './handle-invocation.ts';
import { createLedgerPublisher } from './publish-ledger-event.ts';
import { createUploadsTable } from './uploads-table.ts';

const config = loadConfig(uploadProcessorEnv);
const logger = createLogger({ service: 'upload-processor', level: config.LOG_LEVEL });
const aws = awsSettingsFrom(config);

export const handler = createUploadProcessor({
  s3: createS3Client(aws),
  uploads: createUploadsTable(createDynamoDbDocumentClient(aws), config.UPLOADS_TABLE),
  publish: createLedgerPublisher(createSqsClient(aws), config.LEDGER_EVENTS_QUEUE_URL),
  logger,
  metrics: createMetrics({
    namespace: config.METRICS_NAMESPACE,
    service: 'upload-processor',
    environment: config.DEPLOY_ENV,
    logger,
  }),
});
