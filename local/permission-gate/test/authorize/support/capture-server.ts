// A node:http server that records what the real SDK clients send, so the resolvers are tested
// against the requests the workloads actually make (paths, targets, bodies), not hand-written ones.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GateRequest } from '../../../src/gate-request.ts';

export interface CaptureServer {
  endpoint: string;
  /** Runs `send` (which makes exactly one SDK call), ignores its outcome, returns what arrived. */
  capture(send: () => Promise<unknown>): Promise<GateRequest>;
  close(): Promise<void>;
}

export type Responder = (request: GateRequest) => {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/** Throwaway credentials made per run: the capture server never checks signatures. */
export function throwawayCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

export function toGateRequest(req: IncomingMessage, body: Buffer): GateRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '',
    secureTransport: false,
  };
}

const defaultResponse: Responder = () => ({
  status: 400,
  headers: { 'content-type': 'text/plain' },
  body: 'captured',
});

export async function startCaptureServer(respond: Responder = defaultResponse): Promise<CaptureServer> {
  const seen: GateRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = toGateRequest(req, Buffer.concat(chunks));
      seen.push(request);
      const answer = respond(request);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async capture(send) {
      const before = seen.length;
      await send().catch(() => undefined);
      const request = seen[before];
      if (!request) throw new Error('the SDK sent nothing to the capture server');
      return request;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
