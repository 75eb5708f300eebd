// A pass-through HTTP proxy in front of the emulator, pointed at by AWS_ENDPOINT_URL_<SERVICE> in
// the worker's environment. It counts calls by API action (the X-Amz-Target header of the JSON
// protocols) and can fail chosen actions: a real network fault the worker's real client sees,
// without touching the worker's code or mocking a client.
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  status: number;
  /** The AWS error code the client turns into an exception. */
  code: string;
}

export const accessDenied: Fault = { status: 400, code: 'AccessDeniedException' };
export const serviceError: Fault = { status: 500, code: 'InternalServiceError' };

export interface AwsProxy {
  url: string;
  /** Calls forwarded or failed, by action name (e.g. "GetSecretValue"). */
  count(action: string): number;
  fail(action: string, fault: Fault): void;
  heal(action: string): void;
  close(): Promise<void>;
}

export async function startAwsProxy(target: string): Promise<AwsProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const counts = new Map<string, number>();
  const faults = new Map<string, Fault>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    outgoing.on('error', () => res.destroy());
    req.pipe(outgoing);
  };

  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.indexOf('.') + 1) || 'unknown';
    counts.set(action, (counts.get(action) ?? 0) + 1);
    const fault = faults.get(action);
    if (!fault) return forward(req, res);
    req.resume();
    res
      .writeHead(fault.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': fault.code,
      })
      .end(JSON.stringify({ __type: fault.code, message: 'injected by the test proxy' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (action) => counts.get(action) ?? 0,
    fail: (action, fault) => faults.set(action, fault),
    heal: (action) => faults.delete(action),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
