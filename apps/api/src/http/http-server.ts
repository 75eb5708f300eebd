import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from '@keyless/logging';
import { rawProblemResponse } from './problem-details.ts';

// The ALB closes an idle connection after 60 s. Keeping ours open longer means the ALB always
// closes first, so it never sends a request on a connection this server is closing (a 502).
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const HEADERS_TIMEOUT_MS = 66_000;

/** The HTTP server: ALB-compatible timeouts, and problem+json for requests the parser refuses. */
export function createHttpServer(handler: RequestListener, logger: Logger): Server {
  const server = createServer(handler);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // The parser rejected the request (oversized or malformed headers, bare CR/LF...): answer
    // without echoing any of it, then close, since the stream can no longer be trusted.
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const requestId = randomUUID();
    logger.info({ requestId, status, code: error.code }, 'request refused by the HTTP parser');
    socket.end(rawProblemResponse(status, requestId));
  });
  return server;
}
