// The Lambda entry point (bundled by build/bundle.ts; the CDK app deploys the bundle). Everything
// at module level runs once per execution environment, in Lambda's init phase: configuration,
// logger, metrics and the SDK clients are set up at cold start and reused by warm invocations.
// Of @keyless/service only the context applies: Lambda owns the process (no signals to handle,
// no stop), and the metrics are published per invocation (handle-invocation.ts).
import { awsSettingsFrom, createDynamoDbDocumentClient, createS3Client, createSqsClient } from '@keyless/aws';
import { createServiceContext } from '@keyless/service';
import { uploadProcessorConfigSchema } from './config.ts';
import { createUploadProcessor } from './handle-invocation.ts';
import { createLedgerPublisher } from './publish-ledger-event.ts';
import { createUploadsTable } from './uploads-table.ts';

const { config, logger, metrics } = createServiceContext({
  name: 'upload-processor',
  configSchema: uploadProcessorConfigSchema,
});
const aws = awsSettingsFrom(config);

export const handler = createUploadProcessor({
  s3: createS3Client(aws),
  uploads: createUploadsTable(createDynamoDbDocumentClient(aws), config.UPLOADS_TABLE),
  publish: createLedgerPublisher(createSqsClient(aws), config.LEDGER_EVENTS_QUEUE_URL),
  logger,
  metrics,
});
