import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@keyless/logging';
import { rawAlbError, sendAlbError } from './alb-error-response.ts';
import { forwardedHeaders, returnedHeaders } from './forwarded-headers.ts';
import { startHealthChecks, type HealthCheckSettings } from './health-checker.ts';
import { createTargetGroup, type HealthThresholds, type TargetHealth } from './target-group.ts';
import { upstreamFailure } from './upstream-failure.ts';

export interface LocalAlbOptions {
  /** Targets registered from the start, as base URLs, e.g. `http://127.0.0.1:8081`. */
  targets: readonly string[];
  port?: number;
  host?: string;
  healthCheck?: Partial<HealthCheckSettings & HealthThresholds>;
  /** ALB's connection idle timeout, on both sides (default 60 s). */
  idleTimeoutMs?: number;
  /** ALB's `routing.http.drop_invalid_header_fields.enabled` (default true here; false on ALB). */
  dropInvalidHeaderFields?: boolean;
  /** One JSON line per request, like ALB access logs (off by default, as on ALB). */
  accessLogs?: boolean;
  /**
   * The target group's `deregistration_delay.timeout_seconds`, in ms (default 300 s, as on ALB): how
   * long a deregistered target's in-flight requests may take before they are cut.
   */
  deregistrationDelayMs?: number;
  logger: Logger;
}

export interface LocalAlb {
  url: string;
  port: number;
  targetHealth(): TargetHealth[];
  /** RegisterTargets: the target is `initial` and gets requests once it passes a health check. */
  registerTarget(url: string): void;
  /**
   * DeregisterTargets: the target is `draining` at once and gets no new requests; resolves when it
   * has left the group, as soon as its in-flight requests have finished or after the
   * deregistration delay (cutting what is still in flight). An unknown target resolves at once.
   */
  deregisterTarget(url: string): Promise<void>;
  stop(): Promise<void>;
}

// ALB's limits: 16 KiB per header line, 64 KiB for the whole header block; it answers 400 beyond.
const MAX_HEADER_LINE_BYTES = 16 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

// Safe to send again: they carry no body, and a target that refused or dropped the connection before
// answering has not acted on them.
const retryableMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A local stand-in for an Application Load Balancer in front of the api's instances: one listener,
 * round-robin over healthy targets, active health checks, ALB's forwarding headers and its
 * 400/502/503/504 answers. Proxying is undici's (Node's own HTTP client): pooled keep-alive
 * connections per target with header and body timeouts.
 */
export async function startLocalAlb(options: LocalAlbOptions): Promise<LocalAlb> {
  const { logger } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const settings = {
    path: '/readyz',
    intervalMs: 5_000,
    timeoutMs: 2_000,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    ...options.healthCheck,
  };
  const dropInvalidHeaderFields = options.dropInvalidHeaderFields ?? true;

  const group = createTargetGroup(
    options.targets,
    settings,
    // The ALB closes idle target connections at its idle timeout, before the target's own
    // keep-alive timeout (65 s on the api): the ALB is always the side that closes.
    { keepAliveTimeout: idleTimeoutMs, keepAliveMaxTimeout: idleTimeoutMs, connectTimeout: 10_000 },
    (change) =>
      change.cutRequests
        ? logger.warn(change, `target ${change.to}`)
        : logger.info(change, `target ${change.to}`),
  );

  let listenerPort = 0;

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = performance.now();
    const headers = forwardedHeaders(req, {
      clientIp: req.socket.remoteAddress ?? '',
      listenerPort,
      dropInvalidHeaderFields,
    });
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const aborted = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });

    let status = 503; // no target to send it to
    let targetStatus: number | undefined;
    let target = group.pick();
    for (let attempt = 1; target; attempt += 1) {
      const current = target;
      target = undefined;
      group.acquire(current);
      try {
        const response = await current.pool.request({
          method: req.method as 'GET',
          path: req.url ?? '/',
          headers,
          body: hasBody ? req : null,
          headersTimeout: idleTimeoutMs,
          bodyTimeout: idleTimeoutMs,
          signal: aborted.signal,
        });
        status = targetStatus = response.statusCode;
        res.writeHead(response.statusCode, returnedHeaders(response.headers));
        // A target that fails mid-body leaves nothing to answer with: the client sees the cut.
        await pipeline(response.body, res).catch(() => res.destroy());
      } catch (error) {
        const failure = upstreamFailure(error);
        status = failure.status;
        const retry =
          failure.connectionLevel && attempt === 1 && !hasBody && retryableMethods.has(req.method ?? '');
        if (failure.status !== 460)
          logger.warn({ target: current.url, code: failure.code, retry }, 'target request failed');
        if (retry) target = group.pick(current);
      } finally {
        group.release(current);
      }
    }
    if (!res.headersSent && status !== 460) sendAlbError(res, status);
    if (options.accessLogs) {
      logger.info(
        {
          type: 'http',
          client: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
          request: `${req.method} ${req.url}`,
          elb_status_code: status,
          target_status_code: targetStatus ?? '-',
          request_processing_time_ms: Math.round((performance.now() - startedAt) * 100) / 100,
          trace_id: headers['x-amzn-trace-id'],
        },
        'alb request',
      );
    }
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    if (headerLineTooLong(req)) {
      sendAlbError(res, 400);
      return;
    }
    void forward(req, res);
  });
  server.keepAliveTimeout = idleTimeoutMs;
  server.headersTimeout = idleTimeoutMs;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && error.code !== 'ECONNRESET') socket.end(rawAlbError(400));
    else socket.destroy();
  });

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  listenerPort = (server.address() as AddressInfo).port;
  const healthChecks = startHealthChecks(group, settings);
  const deregistrationDelayMs = options.deregistrationDelayMs ?? 300_000;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${listenerPort}`,
    port: listenerPort,
    targetHealth: () => group.health(),
    registerTarget(url) {
      const target = group.register(url);
      if (target) healthChecks.watch(target);
    },
    deregisterTarget: (url) => group.deregister(url, deregistrationDelayMs),
    async stop() {
      await healthChecks.stop();
      server.close();
      server.closeAllConnections();
      await group.close();
    },
  };
}

function headerLineTooLong(req: IncomingMessage): boolean {
  if ((req.url?.length ?? 0) > MAX_HEADER_LINE_BYTES) return true;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if ((req.rawHeaders[i]?.length ?? 0) + (req.rawHeaders[i + 1]?.length ?? 0) + 2 > MAX_HEADER_LINE_BYTES)
      return true;
  }
  return false;
}
