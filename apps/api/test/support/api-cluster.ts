import { createLogger } from '@keyless/logging';
import { startLocalAlb, type LocalAlb } from '@keyless/local-alb';
import { directory } from './directory.ts';
import { startApiInstance, type ApiInstance } from './api-instance.ts';
import { startPresignedUrlCheck, testCredentials, type PresignedUrlCheck } from './presigned-url-check.ts';
import { waitFor } from './wait-for.ts';

export interface ApiCluster {
  alb: LocalAlb;
  instances: ApiInstance[];
  s3Front: PresignedUrlCheck;
  /** The ALB's own log lines (target state changes, failed target requests). */
  albLines: Record<string, unknown>[];
  /** Every JSON line all instances wrote. */
  lines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The api's environment for the emulator (credentials included: they exist in the child only). */
export function apiEnvironment(
  s3Endpoint: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const d = directory();
  return {
    AWS_REGION: d.region,
    AWS_ENDPOINT_URL: d.awsEndpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
    COGNITO_USER_POOL_ID: d.userPoolId,
    COGNITO_CLIENT_ID: d.clientId,
    COGNITO_JWKS_URI: `${d.awsEndpoint}/${d.userPoolId}/.well-known/jwks.json`,
    UPLOADS_TABLE: d.table,
    FILES_BUCKET: d.bucket,
    OTEL_SERVICE_NAME: 'api',
    METRICS_FLUSH_SECONDS: '1',
    DRAIN_DELAY_SECONDS: '2',
    STOP_TIMEOUT_SECONDS: '15',
    ...extra,
  };
}

/** Two api processes behind a local ALB (fast health checks), S3 behind a presigned-URL check. */
export async function startApiCluster(extra: Record<string, string> = {}): Promise<ApiCluster> {
  const s3Front = await startPresignedUrlCheck(directory().awsEndpoint);
  const instances = await Promise.all([0, 1].map(() => startApiInstance(apiEnvironment(s3Front.url, extra))));
  const albLines: Record<string, unknown>[] = [];
  const alb = await startLocalAlb({
    targets: instances.map((instance) => instance.url),
    healthCheck: { intervalMs: 250, timeoutMs: 1_000, healthyThreshold: 2, unhealthyThreshold: 2 },
    logger: createLogger({
      service: 'local-alb',
      level: 'info',
      destination: { write: (line: string) => albLines.push(JSON.parse(line) as Record<string, unknown>) },
    }),
  });
  await waitFor('both api instances healthy at the ALB', () =>
    alb.targetHealth().every((t) => t.state === 'healthy'),
  );
  return {
    alb,
    instances,
    s3Front,
    albLines,
    lines: () => instances.flatMap((instance) => instance.lines),
    async stop() {
      await alb.stop();
      await Promise.all(instances.map((instance) => instance.stop()));
      await s3Front.stop();
    },
  };
}
