import type { S3Client } from '@aws-sdk/client-s3';
import { Router, type RequestHandler } from 'express';
import { findLatestReport } from './latest-report.ts';
import { presignDownload } from '../s3/presign.ts';
import { HttpProblem } from '../http/problem-details.ts';

export interface AdminReportRoutesOptions {
  authenticate: RequestHandler;
  requireAdmin: RequestHandler;
  s3: S3Client;
  bucket: string;
  reportUrlExpiresSeconds: number;
}

/** `GET /v1/admin/reports/latest`: a short-lived download URL for the latest usage report (admins). */
export function adminReportRoutes(options: AdminReportRoutesOptions): Router {
  const router = Router();
  router.get('/v1/admin/reports/latest', options.authenticate, options.requireAdmin, async (_req, res) => {
    const key = await findLatestReport(options.s3, options.bucket);
    if (key === undefined) throw new HttpProblem(404, 'no usage report has been published yet');
    const download = await presignDownload(options.s3, {
      bucket: options.bucket,
      key,
      expiresInSeconds: options.reportUrlExpiresSeconds,
    });
    res.json({ key, download });
  });
  return router;
}
