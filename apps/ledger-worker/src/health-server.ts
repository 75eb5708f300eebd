import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from './dependency-gate.ts';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz`: the process answers (the container health check; failing it gets the task
 * replaced). `GET /readyz`: the worker can do its work, or 503 with the reason it cannot. A worker
 * whose secret is unreadable stays live and not ready rather than being restarted in a loop.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  readiness: () => Readiness;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: object) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'GET') return reply(405, { error: 'method not allowed' });
    if (request.url === '/healthz') return reply(200, { status: 'ok' });
    if (request.url === '/readyz') {
      const { ready, reason } = options.readiness();
      return ready ? reply(200, { status: 'ready' }) : reply(503, { status: 'not ready', reason });
    }
    return reply(404, { error: 'not found' });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
