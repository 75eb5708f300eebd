import { afterEach, describe, expect, test } from 'vitest';
import { RuntimeInitError, startRuntimeApiServer, type RuntimeApiServer } from './runtime-api-server.ts';

let server: RuntimeApiServer | undefined;
afterEach(() => server?.close());
const base = () => `http://${server?.address}/2018-06-01/runtime`;
const invocation = {
  requestId: 'req-1',
  deadlineMs: 1_000,
  functionArn: 'arn:fn',
  traceId: 'Root=1-x',
  event: { a: 1 },
};

describe('the Runtime API of one execution environment', () => {
  test('hands a queued invocation to the next poll with Lambda’s headers, and settles with the response', async () => {
    server = await startRuntimeApiServer();
    const answered = server.invoke(invocation);
    const next = await fetch(`${base()}/invocation/next`);
    expect(await next.json()).toEqual({ a: 1 });
    expect(
      Object.fromEntries([...next.headers].filter(([name]) => name.startsWith('lambda-runtime'))),
    ).toEqual({
      'lambda-runtime-aws-request-id': 'req-1',
      'lambda-runtime-deadline-ms': '1000',
      'lambda-runtime-invoked-function-arn': 'arn:fn',
      'lambda-runtime-trace-id': 'Root=1-x',
    });
    const posted = await fetch(`${base()}/invocation/req-1/response`, { method: 'POST', body: '"done"' });
    expect(posted.status).toBe(202);
    expect(await answered).toEqual({ kind: 'response', body: '"done"' });
  });

  test('refuses an answer for another request id, so a stray or stale answer cannot settle an invocation', async () => {
    server = await startRuntimeApiServer();
    const answered = server.invoke(invocation);
    await fetch(`${base()}/invocation/next`);
    const wrong = await fetch(`${base()}/invocation/req-2/response`, { method: 'POST', body: '"forged"' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
    await fetch(`${base()}/invocation/req-1/error`, {
      method: 'POST',
      body: '{"errorMessage":"boom"}',
      headers: { 'lambda-runtime-function-error-type': 'Unhandled' },
    });
    expect(await answered).toEqual({
      kind: 'error',
      body: '{"errorMessage":"boom"}',
      errorType: 'Unhandled',
    });
  });

  test('an init error rejects `initialized` with the function’s error type and message', async () => {
    server = await startRuntimeApiServer();
    await fetch(`${base()}/init/error`, {
      method: 'POST',
      body: JSON.stringify({
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Cannot find module 'index'",
      }),
    });
    const error = await server.initialized.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuntimeInitError);
    expect(error).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      message: "Cannot find module 'index'",
    });
  });

  test('an answer over 6 MB is refused', async () => {
    server = await startRuntimeApiServer();
    void server.invoke(invocation);
    await fetch(`${base()}/invocation/next`);
    const tooLarge = await fetch(`${base()}/invocation/req-1/response`, {
      method: 'POST',
      body: 'x'.repeat(6 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
  });
});
