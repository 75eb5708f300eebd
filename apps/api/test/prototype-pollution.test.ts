// `({}).isAdmin` can only be checked in the process that parsed the body, so this file runs the api's
// Express app in-process (behind the local ALB), with real AWS SDK clients the test builds itself
// against the emulator. The service code takes clients, never credentials.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '@keyless/logging';
import { startLocalAlb, type LocalAlb } from '@keyless/local-alb';
import { createMetrics } from '@keyless/metrics';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { createRateLimiter } from '../src/http/per-user-rate-limit.ts';
import { createReadiness } from '../src/http/readiness.ts';
import { createRequestMetrics } from '../src/http/request-metrics.ts';
import { createUploadsTable } from '../src/uploads/uploads-table.ts';
import { createAccessTokenVerifier } from '../src/auth/verify-access-token.ts';
import { directory, signIn } from './support/directory.ts';
import { testCredentials } from './support/presigned-url-check.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let alb: LocalAlb;
  let server: ReturnType<typeof createServer>;

  beforeAll(async () => {
    const d = directory();
    const aws = { region: d.region, endpoint: d.awsEndpoint, credentials: testCredentials };
    const logger = createLogger({ service: 'api', level: 'silent' });
    const uploads = createUploadsTable(DynamoDBDocumentClient.from(new DynamoDBClient(aws)), d.table);
    const readiness = createReadiness({ probeTable: () => uploads.probe() });
    const verifier = createAccessTokenVerifier({
      userPoolId: d.userPoolId,
      clientId: d.clientId,
      jwksUri: `${d.awsEndpoint}/${d.userPoolId}/.well-known/jwks.json`,
    });
    await verifier.hydrate();
    readiness.markJwksReady();
    const app = createApp({
      logger,
      metrics: createRequestMetrics(
        createMetrics({ namespace: 'keyless', service: 'api', environment: 'test', logger }),
      ),
      readiness,
      verifier,
      uploads,
      s3: new S3Client({ ...aws, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      bucket: d.bucket,
      uploadUrlExpiresSeconds: 60,
      reportUrlExpiresSeconds: 60,
      limits: { allowedContentTypes: ['text/plain'], maxBytes: 1024 },
      rateLimiter: createRateLimiter({ perMinute: 100 }),
    });
    server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    alb = await startLocalAlb({
      targets: [`http://127.0.0.1:${(server.address() as AddressInfo).port}`],
      healthCheck: { intervalMs: 200, timeoutMs: 1_000 },
      logger,
    });
    await waitFor('the in-process api healthy', () => alb.targetHealth()[0]?.state === 'healthy');
  });

  afterAll(async () => {
    await alb?.stop();
    server?.closeAllConnections();
    server?.close();
  });

  test('__proto__ and constructor.prototype in a body pollute nothing', async () => {
    const { accessToken } = await signIn(directory().users.demo);
    const bodies = [
      '{"filename":"a.txt","contentType":"text/plain","size":1,"__proto__":{"isAdmin":true}}',
      '{"filename":"a.txt","contentType":"text/plain","size":1,"constructor":{"prototype":{"isAdmin":true}}}',
      '{"__proto__":{"isAdmin":true},"filename":"a.txt"}',
    ];
    const statuses = [];
    for (const body of bodies) {
      const response = await fetch(`${alb.url}/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 201, 400]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
  });
});
