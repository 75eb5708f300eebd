// The AWS endpoint every local workload is given (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS): it
// decides each call as AWS would, forwards the allowed ones to the emulator unchanged and answers
// the refused ones itself, in the service's own error format.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ChainingCaller } from '@keyless/identity-plane';
import type { Logger } from '@keyless/logging';
import { detectProtocol } from './authorize/detect-protocol.ts';
import { renderAwsError } from './authorize/render-aws-error.ts';
import { decideCall, type CallDecision, type DecideDeps } from './decide-call.ts';
import { forwardCall } from './forward-call.ts';
import type { AwsError, GateRequest, IssuedSession } from './gate-request.ts';
import { isFederationCall, stsAction } from './sts-calls.ts';

export interface GateCall {
  request: GateRequest;
  requestId: string;
  decision: CallDecision;
  /** The status the caller got (the emulator's, for a forwarded call). */
  status: number;
}

/**
 * An allowed call the local system answers itself rather than the emulator: ECR's
 * GetAuthorizationToken, whose emulator answer is one constant token that names nobody.
 */
export type LocalAnswer = (call: {
  session: IssuedSession;
  request: GateRequest;
  requestId: string;
}) => Promise<{ status: number; headers: Record<string, string>; body: string }>;

export interface PermissionGateOptions extends DecideDeps {
  /** Where allowed calls go. */
  emulator: string;
  /** The identity plane's STS front: federation calls are its to decide. */
  stsFront: string;
  /** Role chaining, once the caller's own sts:AssumeRole permission is checked. */
  assumeRoleAsCaller(caller: ChainingCaller, params: URLSearchParams, requestId: string): Promise<string>;
  /** Every call, allowed or refused (the local CloudTrail). */
  onCall?: (call: GateCall) => void;
  /**
   * Answers by `<service>:<Operation>` (`ecr:GetAuthorizationToken`), looked up at each call, so
   * a part started after the gate (the image registry) can add its own.
   */
  localAnswers?: Readonly<Record<string, LocalAnswer>>;
  logger: Logger;
  host?: string;
  port?: number;
  /** Bodies above this are refused before any work: 64 MiB by default. */
  maxBodyBytes?: number;
  /** Also serve HTTPS with this certificate (local-tls.ts): calls over it have aws:SecureTransport true. */
  tls?: { cert: string; key: string; port?: number };
}

export interface PermissionGate {
  endpoint: string;
  /** The HTTPS endpoint, when `tls` was given. */
  tlsEndpoint?: string;
  close(): Promise<void>;
}

export async function startPermissionGate(options: PermissionGateOptions): Promise<PermissionGate> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(req, maxBodyBytes);
    const request = gateRequest(req, body ?? Buffer.alloc(0));
    if (!body) {
      reply(res, request, requestId, 's3', {
        status: 400,
        code: 'EntityTooLarge',
        message: 'Your proposed upload exceeds the maximum allowed size',
      });
      return;
    }
    // Web-identity and SAML federation are unsigned: the STS front verifies the token instead.
    if (isFederationCall(request)) {
      await forwardCall(options.stsFront, request, res);
      return;
    }
    const decision = await decideCall(request, options);
    const local = decision.allowed ? localAnswerFor(decision) : undefined;
    let status: number;
    if (!decision.allowed) {
      status = reply(res, request, requestId, decision.service ?? 'sts', decision.error);
    } else if (decision.resolved.service === 'sts') {
      status = await answerSts(decision, request, requestId, res);
    } else if (local) {
      const answer = await local({ session: decision.session, request, requestId });
      res.writeHead(answer.status, { ...answer.headers, 'x-amzn-requestid': requestId }).end(answer.body);
      status = answer.status;
    } else {
      status = await forwardCall(options.emulator, request, res, (answer) =>
        missingKeyAsDenied(decision, answer, request, requestId, res),
      );
    }
    options.onCall?.({ request, requestId, decision, status });
    if (!decision.allowed) {
      options.logger.warn(
        { requestId, stage: decision.stage, code: decision.error.code, caller: decision.session?.arn },
        decision.error.message,
      );
    }
  }

  const localAnswerFor = ({ resolved }: Extract<CallDecision, { allowed: true }>) =>
    options.localAnswers?.[`${resolved.service}:${resolved.operation}`];

  async function answerSts(
    decision: Extract<CallDecision, { allowed: true }>,
    request: GateRequest,
    requestId: string,
    res: ServerResponse,
  ): Promise<number> {
    const { session } = decision;
    const action = stsAction(request);
    if (action === 'GetCallerIdentity') {
      const userId = session.role ? `${session.role.name}:${session.role.sessionName}` : session.accountId;
      // STS answers in JSON when asked to: aws-iam-authenticator sends the presigned
      // GetCallerIdentity of an EKS token with `accept: application/json` and parses the JSON.
      if (/\bapplication\/json\b/.test(request.headers.accept ?? '')) {
        const json = callerIdentityJson(session.arn, session.accountId, userId, requestId);
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId }).end(json);
        return 200;
      }
      const xml = callerIdentityXml(session.arn, session.accountId, userId, requestId);
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
      return 200;
    }
    if (action === 'AssumeRole' && session.role) {
      const caller: ChainingCaller = {
        arn: session.arn,
        roleArn: session.role.arn,
        accountId: session.accountId,
        sessionName: session.role.sessionName,
      };
      try {
        const xml = await options.assumeRoleAsCaller(
          caller,
          new URLSearchParams(request.body.toString('utf8')),
          requestId,
        );
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
        return 200;
      } catch (error) {
        const refusal = error as Partial<AwsError>;
        if (refusal.code && refusal.status && refusal.message)
          return reply(res, request, requestId, 'sts', {
            code: refusal.code,
            status: refusal.status,
            message: refusal.message,
          });
        throw error;
      }
    }
    return forwardCall(options.emulator, request, res);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'the permission gate failed on a call');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('the local permission gate failed; see its log');
    });
  };
  const host = options.host ?? '127.0.0.1';
  const plain = await listen(createServer(onRequest), host, options.port ?? 0, 'http');
  const secure =
    options.tls &&
    (await listen(createHttpsServer(options.tls, onRequest), host, options.tls.port ?? 0, 'https'));
  return {
    endpoint: plain.url,
    ...(secure && { tlsEndpoint: secure.url }),
    close: async () => {
      await Promise.all([plain.close(), secure?.close()]);
    },
  };
}

async function listen(server: Server, host: string, port: number, scheme: 'http' | 'https') {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { address, port: bound } = server.address() as AddressInfo;
  return {
    url: `${scheme}://${address.includes(':') ? `[${address}]` : address}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * S3 tells a caller that a key does not exist (404) only if it may list the bucket there; anyone
 * else gets 403 AccessDenied, so a missing key reveals nothing ("If you don't have the
 * s3:ListBucket permission, Amazon S3 returns an HTTP status code 403", S3 API Reference,
 * GetObject and HeadObject). The emulator answers 404 to everyone.
 */
async function missingKeyAsDenied(
  decision: Extract<CallDecision, { allowed: true }>,
  answer: IncomingMessage,
  request: GateRequest,
  requestId: string,
  res: ServerResponse,
): Promise<boolean> {
  const { resolved } = decision;
  if (answer.statusCode !== 404 || resolved.service !== 's3') return false;
  if (resolved.operation !== 'GetObject' && resolved.operation !== 'HeadObject') return false;
  const object = resolved.authorizations[0]?.resource ?? '';
  const slash = object.indexOf('/');
  if (slash === -1) return false;
  const listing = {
    action: 's3:ListBucket',
    resource: object.slice(0, slash),
    context: { 's3:prefix': object.slice(slash + 1) },
  };
  if (await decision.permits(listing)) return false;
  reply(res, request, requestId, 's3', { status: 403, code: 'AccessDenied', message: 'Access Denied' });
  return true;
}

function reply(
  res: ServerResponse,
  request: GateRequest,
  requestId: string,
  service: string,
  error: AwsError,
): number {
  const rendered = renderAwsError(detectProtocol(request, service), service, error, requestId);
  res.writeHead(rendered.status, rendered.headers).end(request.method === 'HEAD' ? undefined : rendered.body);
  return rendered.status;
}

function gateRequest(req: IncomingMessage, body: Buffer): GateRequest {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryAt === -1 ? '' : url.slice(queryAt + 1),
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    secureTransport: req.socket instanceof TLSSocket && req.socket.encrypted,
    ...(req.socket instanceof TLSSocket && {
      tls: {
        version: req.socket.getProtocol() ?? 'unknown',
        cipherSuite: req.socket.getCipher().standardName,
      },
    }),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function callerIdentityJson(arn: string, account: string, userId: string, requestId: string): string {
  return JSON.stringify({
    GetCallerIdentityResponse: {
      GetCallerIdentityResult: { Arn: arn, UserId: userId, Account: account },
      ResponseMetadata: { RequestId: requestId },
    },
  });
}

function callerIdentityXml(arn: string, account: string, userId: string, requestId: string): string {
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>${arn}</Arn><UserId>${userId}</UserId><Account>${account}</Account>` +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}
