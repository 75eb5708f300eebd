// The api service: `node --import @keyless/telemetry/register src/main.ts`. Configuration comes from
// the environment, AWS credentials from the SDK's default provider chain (the ECS task role).
import { awsSettingsFrom, createDynamoDbDocumentClient, createPresigningS3Client } from '@keyless/aws';
import { loadConfig } from '@keyless/config';
import { createLogger } from '@keyless/logging';
import { createMetrics } from '@keyless/metrics';
import { shutdownTelemetry } from '@keyless/telemetry';
import { createApp } from './app.ts';
import { hydrateJwks } from './auth/hydrate-jwks.ts';
import { cacheVerifiedTokens } from './auth/verified-token-cache.ts';
import { createAccessTokenVerifier } from './auth/verify-access-token.ts';
import { apiConfigSchema } from './config.ts';
import { createHttpServer } from './http/http-server.ts';
import { createRateLimiter } from './http/per-user-rate-limit.ts';
import { createReadiness } from './http/readiness.ts';
import { createRequestMetrics } from './http/request-metrics.ts';
import { drain } from './http/shutdown.ts';
import { createUploadsTable } from './uploads/uploads-table.ts';

const config = loadConfig(apiConfigSchema);
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
const aws = awsSettingsFrom(config);
const metrics = createRequestMetrics(
  createMetrics({
    namespace: config.METRICS_NAMESPACE,
    service: 'api',
    environment: config.DEPLOY_ENV,
    logger,
  }),
);
const uploads = createUploadsTable(createDynamoDbDocumentClient(aws), config.UPLOADS_TABLE);
const readiness = createReadiness({ probeTable: () => uploads.probe() });
const verifier = cacheVerifiedTokens(
  createAccessTokenVerifier({
    userPoolId: config.COGNITO_USER_POOL_ID,
    clientId: config.COGNITO_CLIENT_ID,
    jwksUri: config.COGNITO_JWKS_URI,
    onJwksFetched: ({ keys }) => logger.info({ jwksUri: config.COGNITO_JWKS_URI, keys }, 'JWKS fetched'),
  }),
  // Cognito access tokens are ~1 KB: at most ~10 MB of tokens in memory.
  { maxAgeSeconds: config.ACCESS_TOKEN_CACHE_SECONDS, maxEntries: 10_000 },
);

const app = createApp({
  logger,
  metrics,
  readiness,
  verifier,
  uploads,
  s3: createPresigningS3Client(aws),
  bucket: config.FILES_BUCKET,
  uploadUrlExpiresSeconds: config.UPLOAD_URL_EXPIRES_SECONDS,
  reportUrlExpiresSeconds: config.REPORT_URL_EXPIRES_SECONDS,
  limits: { allowedContentTypes: config.ALLOWED_CONTENT_TYPES, maxBytes: config.MAX_UPLOAD_BYTES },
  rateLimiter: createRateLimiter({ perMinute: config.UPLOADS_PER_MINUTE }),
});

const server = createHttpServer(app, logger);
const hydration = new AbortController();
const flushTimer = setInterval(() => metrics.flush(), config.METRICS_FLUSH_INTERVAL_SECONDS * 1000);
flushTimer.unref();

server.listen(config.PORT, () => {
  logger.info(
    { port: config.PORT, jwksUri: config.COGNITO_JWKS_URI, awsEndpointOverridden: aws.endpointOverridden },
    'listening',
  );
  void hydrateJwks(verifier, readiness, logger, hydration.signal);
});

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  hydration.abort();
  const drainDelayMs = config.DRAIN_DELAY_SECONDS * 1000;
  // Two seconds of the stop timeout are kept for the last metrics and spans, before SIGKILL.
  const deadlineMs = Math.max(drainDelayMs, (config.STOP_TIMEOUT_SECONDS - 2) * 1000);
  await drain({ server, readiness, logger, drainDelayMs, deadlineMs });
  clearInterval(flushTimer);
  metrics.flush();
  // A collector that is gone must not turn a clean stop into a crash: the spans are lost either way.
  await shutdownTelemetry().catch((error: unknown) =>
    logger.warn({ err: error }, 'spans could not be exported'),
  );
  logger.info('stopped');
  process.exit(0);
}
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));
