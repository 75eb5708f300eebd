import type { S3Client } from '@aws-sdk/client-s3';
import { issuedUpload, uploadMetadata } from '@keyless/contracts';
import { injectTraceContext } from '@keyless/telemetry';
import express, { Router, type RequestHandler } from 'express';
import { presignUpload } from '../s3/presign.ts';
import { decodeCursor, encodeCursor } from './list-uploads-cursor.ts';
import type { RateLimiter } from '../http/per-user-rate-limit.ts';
import { HttpProblem } from '../http/problem-details.ts';
import { callerOf } from '../http/request-context.ts';
import { newUploadId, uploadIdPattern } from './upload-id.ts';
import {
  fieldErrors,
  listUploadsQuerySchema,
  uploadRequestSchema,
  type UploadLimits,
} from './upload-request.ts';
import { publicUpload, type UploadsTable } from './uploads-table.ts';

export interface UploadRoutesOptions {
  authenticate: RequestHandler;
  uploads: UploadsTable;
  s3: S3Client;
  bucket: string;
  uploadUrlExpiresSeconds: number;
  limits: UploadLimits;
  rateLimiter: RateLimiter;
}

// The body is a few short fields; anything bigger is not a request this API understands.
const BODY_LIMIT = '4kb';

export function uploadRoutes(options: UploadRoutesOptions): Router {
  const { authenticate, uploads, rateLimiter } = options;
  const schema = uploadRequestSchema(options.limits);
  const router = Router();

  router.post(
    '/v1/uploads',
    authenticate,
    (_req, res, next) => {
      const decision = rateLimiter.take(callerOf(res).sub);
      if (!decision.allowed) {
        throw new HttpProblem(429, 'too many uploads, retry later', {
          headers: { 'Retry-After': String(decision.retryAfterSeconds) },
        });
      }
      next();
    },
    requireJsonBody,
    express.json({ limit: BODY_LIMIT, strict: true, type: 'application/json' }),
    async (req, res) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success)
        throw new HttpProblem(400, 'invalid upload request', { errors: fieldErrors(parsed.error) });
      const { filename, contentType, size } = parsed.data;
      const address = { ownerSub: callerOf(res).sub, uploadId: newUploadId() };
      // The name is the user's to choose; the key is not: it is made from the ids only.
      const item = issuedUpload({
        ...address,
        filename,
        contentType,
        declaredBytes: size,
        createdAt: new Date(),
      });
      await uploads.create(item);
      const upload = await presignUpload(options.s3, {
        bucket: options.bucket,
        key: item.objectKey,
        contentType,
        contentLength: size,
        // The ids for the upload-processor, and this request's trace context so it can link back.
        metadata: { ...uploadMetadata(address), ...injectTraceContext({}) },
        expiresInSeconds: options.uploadUrlExpiresSeconds,
      });
      const { uploadId, status } = item;
      res.status(201).location(`/v1/uploads/${uploadId}`).json({ uploadId, status, upload });
    },
  );

  router.get('/v1/uploads', authenticate, async (req, res) => {
    const parsed = listUploadsQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new HttpProblem(400, 'invalid query', { errors: fieldErrors(parsed.error) });
    const { limit, cursor } = parsed.data;
    const afterUploadId = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && afterUploadId === undefined) {
      throw new HttpProblem(400, 'invalid query', {
        errors: [{ path: 'cursor', message: 'is not a valid cursor' }],
      });
    }
    const page = await uploads.list(callerOf(res).sub, { limit, afterUploadId });
    res.json({
      items: page.items.map(publicUpload),
      ...(page.lastUploadId ? { nextCursor: encodeCursor(page.lastUploadId) } : {}),
    });
  });

  router.get('/v1/uploads/:uploadId', authenticate, async (req, res) => {
    const { uploadId } = req.params;
    // Not an id we could have issued: the same 404 as an id that belongs to someone else.
    const item =
      typeof uploadId === 'string' && uploadIdPattern.test(uploadId)
        ? await uploads.get(callerOf(res).sub, uploadId)
        : undefined;
    if (!item) throw new HttpProblem(404, 'no such upload');
    res.json(publicUpload(item));
  });

  return router;
}

/** 415 for a body that is not declared as JSON (including none), before any parsing. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new HttpProblem(415, 'the body must be application/json');
  next();
};
