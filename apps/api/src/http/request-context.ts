import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import type { RequestHandler, Response } from 'express';
import type { Caller } from '../auth/caller.ts';

export interface RequestContext {
  requestId: string;
  startedAt: number;
  /** The ALB's `X-Amzn-Trace-Id`, when well-formed: joins this request to the ALB access log. */
  albTraceId?: string;
  /** Set once the access token is verified. */
  caller?: Caller;
}

export const contextOf = (res: Response): RequestContext => res.locals as RequestContext;

// The ALB's header looks like `Root=1-67891233-abcdef012345678912345678;Self=...`. It is still client
// input until the ALB has rewritten it, so only a well-formed value is recorded.
const albTraceIdPattern = /^[A-Za-z0-9=;.-]{1,256}$/;

/**
 * Gives every request an id (returned as `X-Request-Id`, written on its log lines and problem
 * documents) and records the ALB's `X-Amzn-Trace-Id` on the request's span, so a request can be
 * followed from the ALB access log to the trace and the logs.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    Object.assign(res.locals, { requestId, startedAt: performance.now() } satisfies RequestContext);
    res.setHeader('X-Request-Id', requestId);
    const albTraceId = req.headers['x-amzn-trace-id'];
    if (typeof albTraceId === 'string' && albTraceIdPattern.test(albTraceId)) {
      contextOf(res).albTraceId = albTraceId;
      // The HTTP server span, not the Express middleware span that is active here.
      const span = getRPCMetadata(context.active())?.span ?? trace.getActiveSpan();
      span?.setAttribute('http.request.header.x-amzn-trace-id', [albTraceId]);
    }
    next();
  };
}

/** The verified caller, on routes behind `authenticate`. */
export function callerOf(res: Response): Caller {
  const { caller } = contextOf(res);
  if (!caller) throw new Error('this route is missing the authenticate middleware');
  return caller;
}
