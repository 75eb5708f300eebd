// A stand-in for the AWS endpoint: it records each request exactly as it arrived, as the gate
// would see it, and answers just enough for the SDK call to finish.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GateRequest } from '../../src/gate-request.ts';

function answerFor(request: IncomingMessage, body: string): { contentType: string; body: string } {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const json = target.startsWith('secretsmanager.')
      ? 'application/x-amz-json-1.1'
      : 'application/x-amz-json-1.0';
    return { contentType: json, body: '{}' };
  }
  if (body.includes('Action=GetCallerIdentity')) {
    return {
      contentType: 'text/xml',
      body: '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
    };
  }
  return { contentType: 'application/octet-stream', body: 'object body' };
}

/** Runs `send` against a fresh endpoint and returns the requests it made, in order. */
export async function captureRequests(send: (endpoint: string) => Promise<unknown>): Promise<GateRequest[]> {
  const captured: GateRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = request.url ?? '/';
      const queryStart = url.indexOf('?');
      captured.push({
        method: request.method ?? 'GET',
        path: queryStart === -1 ? url : url.slice(0, queryStart),
        query: queryStart === -1 ? '' : url.slice(queryStart + 1),
        headers: Object.fromEntries(
          Object.entries(request.headersDistinct).map(([name, values]) => [name, (values ?? []).join(',')]),
        ),
        body,
        sourceIp: request.socket.remoteAddress ?? '',
        secureTransport: false,
      });
      const answer = answerFor(request, body.toString('utf8'));
      response.writeHead(200, { 'content-type': answer.contentType, etag: '"0"' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return captured;
}

/** The one request `send` made. */
export async function captureOne(send: (endpoint: string) => Promise<unknown>): Promise<GateRequest> {
  const requests = await captureRequests(send);
  const [only, ...more] = requests;
  if (only === undefined || more.length > 0)
    throw new Error(`expected one request, captured ${requests.length}`);
  return only;
}

/** The request a URL presigned for the capture endpoint makes when fetched as is. */
export async function capturePresigned(
  presign: (endpoint: string) => Promise<string>,
  init: RequestInit = {},
): Promise<GateRequest> {
  return captureOne(async (endpoint) => {
    await (await fetch(await presign(endpoint), init)).arrayBuffer();
  });
}
