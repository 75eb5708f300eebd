import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An invocation as the Runtime API hands it to the runtime client. */
export interface Invocation {
  requestId: string;
  /** Epoch milliseconds. */
  deadlineMs: number;
  functionArn: string;
  traceId: string;
  event: unknown;
}

/** What the runtime client posted back for an invocation. */
export interface RuntimeAnswer {
  kind: 'response' | 'error';
  /** The raw JSON the function returned, or Lambda's error document. */
  body: string;
  /** `Lambda-Runtime-Function-Error-Type` of an error. */
  errorType?: string;
  /** Peak RSS of the function's process in KiB, reported by the local runtime client. */
  maxRssKb?: number;
}

/** The function's init phase failed (import error, missing handler, a throw at module level). */
export class RuntimeInitError extends Error {
  readonly errorType: string;
  constructor(errorType: string, message: string) {
    super(message);
    this.name = 'RuntimeInitError';
    this.errorType = errorType;
  }
}

export interface RuntimeApiServer {
  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  address: string;
  /** Settles when the runtime client first asks for an invocation (init done) or reports an init error. */
  initialized: Promise<void>;
  /** Hands an invocation to the runtime client; settles with its answer. */
  invoke(invocation: Invocation): Promise<RuntimeAnswer>;
  close(): Promise<void>;
}

const PREFIX = '/2018-06-01/runtime';
// Lambda's limit for a synchronous response; no async answer is larger.
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * The part of the Lambda Runtime API a runtime client needs, for one execution environment:
 * `GET invocation/next` (long poll), `POST invocation/<id>/response`, `POST invocation/<id>/error`
 * and `POST init/error`, on 127.0.0.1.
 */
export async function startRuntimeApiServer(): Promise<RuntimeApiServer> {
  let waiting: ServerResponse | undefined;
  let queued: Invocation | undefined;
  let current: { requestId: string; settle: (answer: RuntimeAnswer) => void } | undefined;
  let markInitialized: (error?: Error) => void = () => undefined;
  const initialized = new Promise<void>((resolve, reject) => {
    markInitialized = (error) => (error ? reject(error) : resolve());
  });
  initialized.catch(() => undefined);

  const send = (res: ServerResponse, invocation: Invocation) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
      'lambda-runtime-invoked-function-arn': invocation.functionArn,
      'lambda-runtime-trace-id': invocation.traceId,
    });
    res.end(JSON.stringify(invocation.event));
  };

  const server = createServer(async (req, res) => {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      markInitialized();
      if (queued) {
        send(res, queued);
        queued = undefined;
      } else {
        waiting = res;
        res.once('close', () => {
          if (waiting === res) waiting = undefined;
        });
      }
      return;
    }
    const answer = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method === 'POST' && answer) {
      const [, requestId, kind] = answer;
      if (!current || requestId !== current.requestId) {
        return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
      }
      const body = await readBody(req);
      if (body === undefined)
        return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: 'payload too large' });
      const maxRss = Number(req.headers['lambda-runtime-local-max-rss-kb']);
      const errorType = req.headers['lambda-runtime-function-error-type'];
      current.settle({
        kind: kind as RuntimeAnswer['kind'],
        body,
        ...(typeof errorType === 'string' && { errorType }),
        ...(Number.isFinite(maxRss) && { maxRssKb: maxRss }),
      });
      current = undefined;
      return reply(res, 202, { status: 'OK' });
    }
    if (req.method === 'POST' && path === `${PREFIX}/init/error`) {
      const body = (await readBody(req)) ?? '';
      markInitialized(initError(body));
      return reply(res, 202, { status: 'OK' });
    }
    reply(res, 404, { errorType: 'NotFound', errorMessage: `no route ${req.method} ${path}` });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initialized,
    invoke: (invocation) =>
      new Promise<RuntimeAnswer>((settle) => {
        current = { requestId: invocation.requestId, settle };
        if (waiting) {
          send(waiting, invocation);
          waiting = undefined;
        } else {
          queued = invocation;
        }
      }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function initError(body: string): RuntimeInitError {
  try {
    const { errorType, errorMessage } = JSON.parse(body) as { errorType?: string; errorMessage?: string };
    return new RuntimeInitError(errorType ?? 'Runtime.Unknown', errorMessage ?? body);
  } catch {
    return new RuntimeInitError('Runtime.Unknown', body);
  }
}
