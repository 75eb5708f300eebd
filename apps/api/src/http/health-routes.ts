import { Router } from 'express';
import { problem, sendProblem } from './problem-details.ts';
import { contextOf } from './request-context.ts';
import type { Readiness } from './readiness.ts';

/**
 * `/healthz`: the process serves HTTP (liveness; no dependency, so a dependency outage never gets
 * healthy tasks killed). `/readyz`: this instance should receive traffic (the load balancer's check).
 */
export function healthRoutes(readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness.check();
    if (report.ready) {
      res.json({ status: 'ready' });
      return;
    }
    sendProblem(
      res,
      problem(503, contextOf(res).requestId, { detail: `not ready: ${report.failing.join(', ')}` }),
    );
  });
  return router;
}
