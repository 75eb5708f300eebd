import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem document. Extension members stay few and never echo request input. */
export interface ProblemDetails {
  type: 'about:blank';
  title: string;
  status: number;
  detail?: string;
  requestId: string;
  errors?: FieldError[];
}

/** What is wrong with one field; `reason` is a stable name for the rule broken, where a field has several. */
export interface FieldError {
  path: string;
  message: string;
  reason?: string;
}

/**
 * An error whose status, detail and field errors are safe to show the client. Anything else that
 * reaches the error handler becomes a bare 500: its message may carry ARNs, keys or SDK internals.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: ProblemDetails['errors'];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail?: string,
    options: { errors?: ProblemDetails['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? STATUS_CODES[status] ?? 'Error');
    this.name = 'HttpProblem';
    this.status = status;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export function problem(
  status: number,
  requestId: string,
  extra: Pick<ProblemDetails, 'detail' | 'errors'> = {},
): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
    requestId,
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
}

export function sendProblem(res: Response, body: ProblemDetails, headers: Record<string, string> = {}): void {
  res.status(body.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** A complete HTTP/1.1 response for a socket the HTTP parser gave up on (no Express request exists). */
export function rawProblemResponse(status: number, requestId: string): string {
  const body = JSON.stringify(problem(status, requestId));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
