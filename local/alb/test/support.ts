import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
}

export interface TestTarget {
  name: string;
  url: string;
  server: Server;
  requests: RecordedRequest[];
  /** What `/readyz` answers. */
  readyStatus: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, target: TestTarget) => void;

/** A plain HTTP target: `/readyz` answers `readyStatus`, anything else `handler` (default: its name). */
export async function startTarget(name: string, handler?: Handler): Promise<TestTarget> {
  const target: TestTarget = {
    name,
    url: '',
    server: createServer((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(target.readyStatus).end();
        return;
      }
      target.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
      });
      if (handler) handler(req, res, target);
      else req.resume().on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
    }),
    requests: [],
    readyStatus: 200,
    close: async () => {
      target.server.closeAllConnections();
      await new Promise((resolve) => target.server.close(resolve));
    },
  };
  target.server.listen(0, '127.0.0.1');
  await once(target.server, 'listening');
  target.url = `http://127.0.0.1:${(target.server.address() as AddressInfo).port}`;
  return target;
}

/** Polls until `condition` holds; fails with `what` if it never does. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Writes raw bytes to the ALB (for requests no HTTP client would send) and returns everything read back. */
export async function rawExchange(port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(request);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

/** A port that was free a moment ago, for a child process that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
