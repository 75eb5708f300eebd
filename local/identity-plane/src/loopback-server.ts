import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` listening and returns its base URL (port 0 picks a free port). */
export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { address, family, port: bound } = server.address() as AddressInfo;
      resolve(`http://${family === 'IPv6' ? `[${address}]` : address}:${bound}`);
    });
  });
}

/** Stops accepting and drops idle keep-alive connections, so close resolves promptly. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** An HTTP server on 127.0.0.1 and a free port: the SDKs accept plain HTTP credentials only on loopback. */
export function listenOnLoopback(handler: RequestHandler): Promise<LoopbackServer> {
  return listenOnLoopbackAt('127.0.0.1', 0, handler);
}

/** The same, on a given host and port (0: a free one). */
export async function listenOnLoopbackAt(
  host: string,
  port: number,
  handler: RequestHandler,
): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    handler(request, response).catch(() => {
      // The handlers answer every expected failure themselves; this is a bug, and its message
      // may hold details a workload should not see.
      if (!response.headersSent) sendText(response, 500, 'Internal server error');
      else response.destroy();
    });
  });
  const origin = await listen(server, host, port);
  return { origin, close: () => close(server) };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
}
