import type { Logger } from '@keyless/logging';
import type { Request, RequestHandler } from 'express';
import { contextOf } from './request-context.ts';
import type { RequestMetrics } from './request-metrics.ts';

// Probes arrive every few seconds from every load balancer node; they would drown the real traffic.
const quietPaths = new Set(['/healthz', '/readyz']);

/** `GET /v1/uploads/:uploadId`: the route template, never the raw path (ids, and unbounded cardinality). */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.method} ${path}` : 'unmatched';
}

/** One access-log line and one metrics sample per request, when its response has been sent. */
export function observeRequests(logger: Logger, metrics: RequestMetrics): RequestHandler {
  return (req, res, next) => {
    if (quietPaths.has(req.path)) return next();
    res.once('finish', () => {
      const { requestId, startedAt, caller, albTraceId } = contextOf(res);
      const latencyMs = performance.now() - startedAt;
      const route = routeOf(req);
      metrics.recordRequest(route, res.statusCode, latencyMs);
      logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          latencyMs: Math.round(latencyMs * 100) / 100,
          ...(caller ? { sub: caller.sub } : {}),
          ...(albTraceId ? { albTraceId } : {}),
        },
        'request',
      );
    });
    next();
  };
}
