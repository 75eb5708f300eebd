import type { Logger } from '@keyless/logging';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpProblem, problem, sendProblem } from './problem-details.ts';
import { contextOf } from './request-context.ts';
import { UploadExistsError } from '../uploads/uploads-table.ts';

// body-parser's errors carry a `type`; these are the client's fault and safe to name.
const bodyParserProblems: Record<string, [number, string]> = {
  'entity.too.large': [413, 'the request body is too large'],
  'entity.parse.failed': [400, 'the request body is not a JSON object or array'],
  'entity.verify.failed': [400, 'the request body could not be verified'],
  'encoding.unsupported': [415, 'unsupported content encoding'],
  'charset.unsupported': [415, 'the body must be UTF-8 JSON'],
  'request.aborted': [400, 'the request was aborted'],
  'request.size.invalid': [400, 'the request body length does not match Content-Length'],
};

export const notFound: RequestHandler = () => {
  throw new HttpProblem(404, 'no such resource');
};

/**
 * The last middleware: every error becomes an application/problem+json response. Only HttpProblem
 * and known client errors say what went wrong; anything else is a bare 500 (its message might name
 * an ARN, a key or an SDK internal) and is logged in full with the request id for the operator.
 */
export function handleErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const { requestId } = contextOf(res);
    if (res.headersSent) {
      logger.error({ err: error, requestId }, 'error after the response started');
      res.destroy();
      return;
    }
    if (error instanceof HttpProblem) {
      sendProblem(
        res,
        problem(error.status, requestId, { detail: error.detail, errors: error.errors }),
        error.headers,
      );
      return;
    }
    if (error instanceof UploadExistsError) {
      sendProblem(res, problem(409, requestId, { detail: 'an upload with this id already exists' }));
      return;
    }
    const type = (error as { type?: unknown } | null)?.type;
    const known = typeof type === 'string' ? bodyParserProblems[type] : undefined;
    if (known) {
      sendProblem(res, problem(known[0], requestId, { detail: known[1] }));
      return;
    }
    logger.error({ err: error, requestId }, 'request failed');
    sendProblem(res, problem(500, requestId));
  };
}
