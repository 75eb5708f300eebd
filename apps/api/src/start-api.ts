import { once } from 'node:events';
import { awsSettingsFrom, createDynamoDbDocumentClient, createPresigningS3Client } from '@keyless/aws';
import type { RunningService, ServiceContext } from '@keyless/service';
import { createApp } from './app.ts';
import { hydrateJwks } from './auth/hydrate-jwks.ts';
import { cacheVerifiedTokens } from './auth/verified-token-cache.ts';
import { createAccessTokenVerifier } from './auth/verify-access-token.ts';
import type { ApiConfig } from './config.ts';
import { createHttpServer } from './http/http-server.ts';
import { createRateLimiter } from './http/per-user-rate-limit.ts';
import { createReadiness } from './http/readiness.ts';
import { createRequestMetrics } from './http/request-metrics.ts';
import { drain } from './http/shutdown.ts';
import { createUploadsTable } from './uploads/uploads-table.ts';

/**
 * Wires the api's parts together and starts listening: a port that cannot be bound is a failed
 * start. Ready (`/readyz`) once the pool's JWKS is fetched; stopping drains at the load balancer.
 */
export async function startApi({
  config,
  logger,
  metrics,
}: ServiceContext<ApiConfig>): Promise<RunningService> {
  const aws = awsSettingsFrom(config);
  const requestMetrics = createRequestMetrics(metrics);
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
    metrics: requestMetrics,
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
  // once() rejects on an 'error' event: a port in use (EADDRINUSE) is a failed start.
  await once(server.listen(config.PORT), 'listening');
  logger.info(
    { port: config.PORT, jwksUri: config.COGNITO_JWKS_URI, awsEndpointOverridden: aws.endpointOverridden },
    'listening',
  );
  const hydration = new AbortController();
  void hydrateJwks(verifier, readiness, logger, hydration.signal);

  const drainDelayMs = config.DRAIN_DELAY_SECONDS * 1_000;
  return {
    collectMetrics: () => requestMetrics.flush(),
    async stop(timeoutMs) {
      hydration.abort();
      await drain({ server, readiness, logger, drainDelayMs, deadlineMs: Math.max(drainDelayMs, timeoutMs) });
    },
  };
}
