import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@keyless/logging';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { AuthFailureReason } from './auth/auth-failure-reason.ts';
import { authenticate, requireGroup } from './auth/authenticate.ts';
import { getMe } from './auth/me-route.ts';
import type { AccessTokenVerifier } from './auth/verify-access-token.ts';
import { handleErrors, notFound } from './http/handle-errors.ts';
import { healthRoutes } from './http/health-routes.ts';
import { observeRequests } from './http/observe-requests.ts';
import type { RateLimiter } from './http/per-user-rate-limit.ts';
import type { Readiness } from './http/readiness.ts';
import { requestContext } from './http/request-context.ts';
import type { RequestMetrics } from './http/request-metrics.ts';
import { adminReportRoutes } from './reports/admin-report-routes.ts';
import type { UploadLimits } from './uploads/upload-request.ts';
import { uploadRoutes } from './uploads/upload-routes.ts';
import type { UploadsTable } from './uploads/uploads-table.ts';

export interface AppDependencies {
  logger: Logger;
  metrics: RequestMetrics;
  readiness: Readiness;
  verifier: AccessTokenVerifier;
  uploads: UploadsTable;
  s3: S3Client;
  bucket: string;
  uploadUrlExpiresSeconds: number;
  reportUrlExpiresSeconds: number;
  limits: UploadLimits;
  rateLimiter: RateLimiter;
}

/** The Express application: routes and middleware, no listening socket and no process wiring. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  // ETags would hash every body for responses no shared cache may keep (`Cache-Control: no-store`).
  app.set('etag', false);
  app.use(requestContext());
  app.use((_req, res, next) => {
    // While draining, each response ends its connection, so clients reconnect to another instance.
    if (deps.readiness.draining) res.setHeader('Connection', 'close');
    next();
  });
  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(helmet());
  app.use(healthRoutes(deps.readiness));

  const onAuthFailure = (reason: AuthFailureReason) => deps.metrics.recordAuthFailure(reason);
  const auth = authenticate(deps.verifier, onAuthFailure);
  app.get('/v1/me', auth, getMe);
  app.use(
    uploadRoutes({
      authenticate: auth,
      uploads: deps.uploads,
      s3: deps.s3,
      bucket: deps.bucket,
      uploadUrlExpiresSeconds: deps.uploadUrlExpiresSeconds,
      limits: deps.limits,
      rateLimiter: deps.rateLimiter,
    }),
  );
  app.use(
    adminReportRoutes({
      authenticate: auth,
      requireAdmin: requireGroup('admins'),
      s3: deps.s3,
      bucket: deps.bucket,
      reportUrlExpiresSeconds: deps.reportUrlExpiresSeconds,
    }),
  );

  app.use(notFound);
  app.use(handleErrors(deps.logger));
  return app;
}
